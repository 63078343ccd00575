"""Excel import/export: round trip, per-row errors in Chinese, all or nothing, scope."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from org.models import Role
from powers import excel, services
from powers.models import Power, PowerVersion, VersionStatus

pytestmark = pytest.mark.django_db


def _edit(data: bytes, sheet: str, cell: str, value) -> bytes:
    book = load_workbook(BytesIO(data))
    book[sheet][cell] = value
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _snapshot():
    return sorted(PowerVersion.objects.values_list("power__code", "number", "status", "name", "time_limit_days"))


def test_reimporting_an_export_changes_nothing(org, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    services.draft_publish(user=staff, version=make_power(code="P1"))
    make_power(code="P2", name="草稿事项")
    before = _snapshot()
    result = excel.import_unit(user=staff, unit=org.unit_a, data=excel.export_unit(org.unit_a))
    assert sorted(result.unchanged) == ["P1", "P2"] and not result.created and not result.updated
    assert _snapshot() == before


def test_import_creates_and_revises_but_never_publishes(org, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    services.draft_publish(user=staff, version=make_power(code="P1"))
    data = excel.export_unit(org.unit_a)
    data = _edit(data, "权力事项", "G2", 10)  # P1's time limit 20 -> 10
    book = load_workbook(BytesIO(data))
    book["权力事项"].append(["P9", "新事项", "行政许可", 1, "公诉科", "", 5, "", ""])
    book["法律依据"].append(["P9", "中华人民共和国行政许可法", "第三十条"])
    book["业务流程"].append(["P9", "S1", "受理", "公诉科/检察官", 1, "", ""])
    out = BytesIO()
    book.save(out)
    result = excel.import_unit(user=staff, unit=org.unit_a, data=out.getvalue())
    assert result.created == ["P9"] and result.updated == ["P1"]
    p1 = PowerVersion.objects.filter(power__code="P1").order_by("number")
    assert [(v.status, v.time_limit_days) for v in p1] == [("published", 20), ("draft", 10)]
    assert PowerVersion.objects.get(power__code="P9").status == VersionStatus.DRAFT


def test_errors_name_sheet_row_and_column_and_nothing_is_written(org, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    services.draft_publish(user=staff, version=make_power(code="P1"))
    data = excel.export_unit(org.unit_a)
    book = load_workbook(BytesIO(data))
    book["权力事项"]["G2"] = 5  # a valid change that must not land, because of the errors below
    book["权力事项"].append(["P2", "坏事项", "不存在的类型", 4, "不存在的科室", "公诉科/无此岗位", "十天", "", ""])
    book["业务流程"]["G5"] = "S1"  # P1: S4 -> S1 makes a loop
    out = BytesIO()
    book.save(out)
    before = _snapshot()
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=staff, unit=org.unit_a, data=out.getvalue())
    found = {(e.sheet, e.row, e.column) for e in exc.value.errors}
    assert {
        ("权力事项", 3, "权力类型"),
        ("权力事项", 3, "权力类别"),
        ("权力事项", 3, "责任科室"),
        ("权力事项", 3, "行使岗位"),
        ("权力事项", 3, "办理时限（工作日）"),
    } <= found
    assert any(e.sheet == "业务流程" and "流程出现循环" in e.message for e in exc.value.errors)
    assert all(e.message for e in exc.value.errors)
    assert _snapshot() == before


def test_rows_outside_the_importers_departments_are_refused(org, make_power):
    data = excel.template()
    book = load_workbook(BytesIO(data))
    for title in ("权力事项", "法律依据", "业务流程"):
        book[title].delete_rows(2, 5)
    book["权力事项"].append(["X1", "办公室事项", "内部管理", 2, "办公室", "", "", "", ""])
    out = BytesIO()
    book.save(out)
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=org.users[Role.DEPARTMENT_HEAD], unit=org.unit_a, data=out.getvalue())
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "责任科室")]
    assert not Power.objects.exists()


def test_not_a_workbook(org):
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=org.users[Role.DISCIPLINE_STAFF], unit=org.unit_a, data=b"not excel")
    assert len(exc.value.errors) == 1


def test_import_page_shows_the_report(org, client, make_power):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    bad = _edit(excel.template(), "权力事项", "C2", "无此类型")
    page = client.post(
        f"/powers/units/{org.unit_a.pk}/import/", {"workbook": SimpleUploadedFile("x.xlsx", bad)}
    ).content.decode()
    assert 'data-testid="import-errors"' in page and "无此类型" in page
    assert client.get(f"/powers/units/{org.unit_a.pk}/export/").status_code == 200
    client.force_login(org.users[Role.CADRE])
    assert client.get(f"/powers/units/{org.unit_a.pk}/import/").status_code == 403
