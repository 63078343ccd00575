"""Excel export and all-or-nothing import of a unit's risk points and measures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from org.models import Person, Role
from risks import approval, excel, services
from risks.models import Measure, MeasureType, RiskCategory, RiskPoint, RiskScope, RiskStatus
from tests.factories import person_holding

pytestmark = pytest.mark.django_db


@dataclass
class Register:
    staff: object
    owner: Person
    unit_point: RiskPoint
    dept_point: RiskPoint
    post_point: RiskPoint
    locked: RiskPoint
    measures: list[Measure]


@pytest.fixture
def register(org, make_power) -> Register:
    """Unit A's register: three drafts (a unit, a department and a post point on a power's
    step), one point under review, and three measures."""
    staff = org.users[Role.DISCIPLINE_STAFF]
    owner = person_holding(org.post_a1, username="jc")
    power = make_power().power
    duty = RiskCategory.objects.get(name="岗位职责")
    common = {"category": duty, "kind": "integrity", "source": "self"}
    unit_point = services.risk_create(
        user=staff,
        scope=RiskScope.UNIT,
        unit=org.unit_a,
        description="重大事项未经集体研究",
        likelihood=1,
        consequence=1,
        **common,
    )
    dept_point = services.risk_create(
        user=staff,
        scope=RiskScope.DEPARTMENT,
        department=org.dept_a2,
        description="公文处理拖延",
        manifestation="超期未办\n多次催办",
        likelihood=1,
        consequence=2,
        grade=3,
        grade_reason="有办文系统提醒",
        **{**common, "kind": "efficiency"},
    )
    post_point = services.risk_create(
        user=staff,
        scope=RiskScope.POST,
        post=org.post_a1,
        description="审查中收受当事人财物",
        power=power,
        step_key="S2",
        likelihood=1,
        consequence=1,
        **common,
    )
    locked = services.risk_create(
        user=staff,
        scope=RiskScope.POST,
        post=org.post_a1,
        description="泄露案件信息",
        likelihood=2,
        consequence=1,
        **common,
    )
    approval.risk_submit(user=staff, point=locked)
    system = MeasureType.objects.get(name="制度")
    measures = [
        services.measure_create(
            user=staff,
            point=point,
            type=system,
            description=text,
            check_method="科长每月抽查",
            owner=owner,
            deadline=dt.date(2026, 6, 30),
        )
        for point, text in ((post_point, "实行双人审查"), (post_point, "签订廉洁承诺书"), (locked, "案件信息分级管理"))
    ]
    return Register(staff, owner, unit_point, dept_point, post_point, locked, measures)


def snapshot():
    """Everything an import could change, history included."""
    return (
        sorted(RiskPoint.objects.values_list()),
        sorted(Measure.objects.values_list()),
        RiskPoint.history.count(),
        Measure.history.count(),
    )


def book_of(data: bytes):
    return load_workbook(BytesIO(data))


def save(book) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(sheet, point_id: int) -> int:
    for cell in sheet["A"]:
        if cell.value == point_id:
            return cell.row
    raise AssertionError(point_id)


def set_cell(sheet, row: int, column: str, value) -> None:
    header = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=header.index(column) + 1, value=value)


NEW_ROW = {
    "编号": "新1",
    "风险范围": "岗位",
    "科室": "公诉科",
    "岗位": "检察官",
    "风险类别": "岗位职责",
    "风险类型": "廉政风险",
    "风险点描述": "违规会见当事人",
    "查找方法": "自己找",
    "发生可能性": "可能性大",
    "后果严重程度": "轻微",
}


def append(sheet, values: dict | list) -> int:
    """Add a row (a dict by column name, or a list in column order); its row number."""
    if isinstance(values, dict):
        values = [values.get(c.value, "") for c in sheet[1]]
    sheet.append(values)
    return sheet.max_row


def test_the_export_lists_points_and_measures_in_chinese(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    assert book.sheetnames == [excel.POINT_SHEET, excel.MEASURE_SHEET]
    points = list(book[excel.POINT_SHEET].iter_rows(values_only=True))
    assert list(points[0]) == excel.POINT_COLUMNS
    rows = {r[0]: r for r in points[1:]}
    assert set(rows) == {register.unit_point.pk, register.dept_point.pk, register.post_point.pk, register.locked.pk}
    post = rows[register.post_point.pk]
    assert post[1:7] == ("岗位", "公诉科", "检察官", "岗位职责", "廉政风险", "审查中收受当事人财物")
    assert (post[8], post[9], post[10], post[13], post[15]) == ("P001", "S2", "自己找", "一级", "草稿")
    dept = rows[register.dept_point.pk]
    assert (dept[1], dept[2], dept[3], dept[13], dept[14]) == ("科室", "办公室", None, "三级", "有办文系统提醒")
    measures = list(book[excel.MEASURE_SHEET].iter_rows(values_only=True))
    assert measures[1][:5] == (register.post_point.pk, "制度", "实行双人审查", "科长每月抽查", register.owner.name)
    assert measures[1][5] == dt.datetime(2026, 6, 30)
    approved = book_of(excel.export_unit(org.unit_a, approved_only=True))
    assert approved[excel.POINT_SHEET].max_row == 1  # nothing approved yet


def test_reimporting_an_export_changes_nothing(org, register):
    before = snapshot()
    result = excel.import_unit(user=register.staff, unit=org.unit_a, data=excel.export_unit(org.unit_a))
    assert result.created == result.updated == result.measures_created == result.measures_updated == []
    assert len(result.unchanged) == 4 and len(result.measures_unchanged) == 3
    assert snapshot() == before


def test_an_edited_row_updates_its_draft_and_a_new_row_becomes_a_draft_with_its_measure(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    points, measures = book[excel.POINT_SHEET], book[excel.MEASURE_SHEET]
    row = row_of(points, register.post_point.pk)
    set_cell(points, row, "风险点描述", "审查中收受当事人财物、宴请")
    set_cell(points, row, "表现形式", "接受宴请")
    append(points, NEW_ROW)
    append(
        measures, ["新1", "监督", "会见须两人在场并登记", "纪检员每季度检查登记簿", register.owner.name, "2026/9/30"]
    )
    measure_row = row_of(measures, register.post_point.pk)
    set_cell(measures, measure_row, "完成期限", dt.datetime(2026, 12, 31))

    result = excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))

    assert result.updated == [register.post_point.pk]
    assert sorted(result.unchanged) == sorted([register.unit_point.pk, register.dept_point.pk, register.locked.pk])
    register.post_point.refresh_from_db()
    assert (register.post_point.description, register.post_point.manifestation) == (
        "审查中收受当事人财物、宴请",
        "接受宴请",
    )
    assert register.post_point.status == RiskStatus.DRAFT and register.post_point.step_key == "S2"
    new = RiskPoint.objects.get(pk__in=result.created)
    assert (new.status, new.post, new.grade, new.created_by) == (RiskStatus.DRAFT, org.post_a1, 3, register.staff)
    added = Measure.objects.get(pk__in=result.measures_created)
    assert (added.point, added.deadline, added.type.name) == (new, dt.date(2026, 9, 30), "监督")
    assert result.measures_updated == [register.measures[0].pk]
    register.measures[0].refresh_from_db()
    assert register.measures[0].deadline == dt.date(2026, 12, 31)
    # and importing the same workbook again changes nothing more
    again = excel.import_unit(user=register.staff, unit=org.unit_a, data=excel.export_unit(org.unit_a))
    assert again.created == again.updated == again.measures_created == []


def test_every_bad_row_is_reported_and_nothing_is_written(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    points = book[excel.POINT_SHEET]
    set_cell(points, row_of(points, register.unit_point.pk), "风险类别", "不存在的类别")
    bad_likelihood = row_of(points, register.post_point.pk)
    set_cell(points, bad_likelihood, "发生可能性", "很可能")
    set_cell(points, row_of(points, register.dept_point.pk), "风险点描述", "改过的描述")  # a good change
    append(points, NEW_ROW)  # a good new row
    before = snapshot()

    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))

    found = {(e.sheet, e.row, e.column) for e in exc.value.errors}
    assert found == {
        (excel.POINT_SHEET, row_of(points, register.unit_point.pk), "风险类别"),
        (excel.POINT_SHEET, bad_likelihood, "发生可能性"),
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"岗位": "不存在的岗位"}, "岗位"),
        ({"科室": "不存在的科室"}, "科室"),
        ({"风险范围": "全局"}, "风险范围"),
        ({"风险范围": "科室"}, "岗位"),  # a department point names no post
        ({"风险类型": "其他"}, "风险类型"),
        ({"查找方法": "猜的"}, "查找方法"),
        ({"后果严重程度": "9"}, "后果严重程度"),
        ({"风险等级": "五级"}, "风险等级"),
        ({"风险等级": "一级"}, "定级理由"),  # the matrix says level 3: a different grade needs a reason
        ({"权力编码": "NOPE"}, "权力编码"),
        ({"权力编码": "P001", "流程环节": "S9"}, "流程环节"),
        ({"流程环节": "S1"}, "流程环节"),  # a step without its power
        ({"编号": "99999"}, "编号"),  # no such point in this unit
        ({"风险点描述": "审查中收受当事人财物"}, "风险点描述"),  # already recorded
    ],
)
def test_each_problem_is_reported_at_its_cell(org, register, changes, column):
    book = book_of(excel.export_unit(org.unit_a))
    row = append(book[excel.POINT_SHEET], {**NEW_ROW, **changes})
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    assert [(e.row, e.column) for e in exc.value.errors] == [(row, column)]


def test_a_grade_other_than_the_matrix_is_taken_with_a_reason(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    append(book[excel.POINT_SHEET], {**NEW_ROW, "风险等级": "2", "定级理由": "涉及重点案件"})
    result = excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    new = RiskPoint.objects.get(pk__in=result.created)
    assert (new.suggested_grade, new.grade, new.grade_reason) == (3, 2, "涉及重点案件")


def test_duplicates_in_the_workbook_are_reported(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    points, measures = book[excel.POINT_SHEET], book[excel.MEASURE_SHEET]
    first = append(points, {**NEW_ROW, "编号": ""})
    second = append(points, {**NEW_ROW, "编号": ""})
    again = append(points, {**NEW_ROW, "编号": str(register.unit_point.pk), "风险点描述": "另一条"})
    twice = append(
        measures, [register.locked.pk, "制度", "案件信息分级管理", "科长每月抽查", register.owner.name, "2026-06-30"]
    )
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    rows = {(e.sheet, e.row) for e in exc.value.errors}
    assert rows == {(excel.POINT_SHEET, second), (excel.POINT_SHEET, again), (excel.MEASURE_SHEET, twice)}
    assert (excel.POINT_SHEET, first) not in rows


def test_a_locked_point_cannot_be_changed_but_may_be_left_alone(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    points = book[excel.POINT_SHEET]
    row = row_of(points, register.locked.pk)
    set_cell(points, row, "风险点描述", "泄露案件信息、串供")
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    assert [(e.row, e.column) for e in exc.value.errors] == [(row, "编号")]
    assert str(register.locked.pk) in exc.value.errors[0].message
    register.locked.refresh_from_db()
    assert register.locked.description == "泄露案件信息"


def test_a_recorded_point_does_not_move(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    points = book[excel.POINT_SHEET]
    row = row_of(points, register.post_point.pk)
    set_cell(points, row, "岗位", "科长")
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    assert [(e.row, e.column) for e in exc.value.errors] == [(row, "风险范围")]


def test_measure_rows_are_checked(org, register):
    book = book_of(excel.export_unit(org.unit_a))
    measures = book[excel.MEASURE_SHEET]
    twin = person_holding(org.post_a2, username="jc2")
    Person.objects.filter(pk=twin.pk).update(name=register.owner.name)  # two cadres of the same name
    li = person_holding(org.post_a2, username="li").name
    point = register.unit_point.pk
    rows = [
        append(measures, [77777, "制度", "甲", "乙", li, "2026-06-30"]),
        append(measures, [point, "未知类型", "甲", "乙", li, "2026-06-30"]),
        append(measures, [point, "制度", "乙", "", li, "2026-06-30"]),
        append(measures, [point, "制度", "丙", "乙", "无此人", "2026-06-30"]),
        append(measures, [point, "制度", "丁", "乙", register.owner.name, "2026-06-30"]),
        append(measures, [point, "制度", "戊", "乙", li, "明年"]),
    ]
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    found = [(e.row, e.column) for e in exc.value.errors]
    assert found == list(zip(rows, ["风险点编号", "措施类型", "检查方式", "责任人", "责任人", "完成期限"], strict=True))


def test_not_a_workbook(org, register):
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=b"not a zip")
    assert len(exc.value.errors) == 1


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        (Role.DISCIPLINE_STAFF, {}, 200),
        (Role.LEADING_GROUP_OFFICE, {}, 200),
        (Role.CADRE, {"approved": "1"}, 200),  # approved points are for every reader of the unit
        (Role.CADRE, {}, 403),  # drafts and points under review only for those who manage them
        (Role.DEPARTMENT_HEAD, {}, 403),  # manages one department, not the unit
        ("outsider", {"approved": "1"}, 403),
    ],
)
def test_who_may_export(client, org, register, who, query, status):
    client.force_login(org.users[who])
    response = client.get(reverse("risks:output_export"), {"unit": org.unit_a.pk, **query})
    assert response.status_code == status
    if status == 200:
        assert response.content[:2] == b"PK"
        assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("who", "status"), [(Role.DISCIPLINE_STAFF, 200), (Role.DEPARTMENT_HEAD, 403), ("outsider", 403)]
)
def test_who_may_open_the_import_page(client, org, who, status):
    client.force_login(org.users[who])
    assert client.get(reverse("risks:output_import"), {"unit": org.unit_a.pk}).status_code == status


def _upload(client, org, data: bytes, name: str = "risks.xlsx"):
    url = f"{reverse('risks:output_import')}?unit={org.unit_a.pk}"
    return client.post(url, {"workbook": SimpleUploadedFile(name, data)})


def test_the_import_page_shows_the_result_or_every_error_with_400(client, org, register):
    client.force_login(register.staff)
    page = client.get(reverse("risks:output_import"), {"unit": org.unit_a.pk})
    assert page.status_code == 200 and b'type="file"' in page.content

    book = book_of(excel.export_unit(org.unit_a))
    points = book[excel.POINT_SHEET]
    bad = [
        append(points, {**NEW_ROW, "风险类别": "没有"}),
        append(points, {**NEW_ROW, "编号": "新2", "后果严重程度": ""}),
    ]
    before = snapshot()
    response = _upload(client, org, save(book))
    assert response.status_code == 400
    table = response.content.decode()
    table = table[table.index('data-testid="import-errors"') :]
    for row in bad:
        assert f"<td>{row}</td>" in table
    assert "风险类别" in table and "后果严重程度" in table
    assert snapshot() == before

    response = _upload(client, org, excel.export_unit(org.unit_a))
    assert response.status_code == 200 and b'data-testid="import-result"' in response.content
    assert _upload(client, org, b"plain text", "notes.txt").status_code == 400


def test_a_row_a_service_refuses_rolls_back_the_whole_import(org, register, monkeypatch):
    book = book_of(excel.export_unit(org.unit_a))
    append(book[excel.POINT_SHEET], NEW_ROW)
    row = append(book[excel.MEASURE_SHEET], ["新1", "制度", "新措施", "每月检查", register.owner.name, "2026-06-30"])

    def refuse(**kwargs):
        raise ValidationError({"deadline": "期限不合理"})

    monkeypatch.setattr(services, "measure_create", refuse)
    before = snapshot()
    with pytest.raises(excel.ImportFailed) as exc:
        excel.import_unit(user=register.staff, unit=org.unit_a, data=save(book))
    assert [(e.sheet, e.row, e.message) for e in exc.value.errors] == [(excel.MEASURE_SHEET, row, "期限不合理")]
    assert snapshot() == before  # the point created before the refused measure is rolled back
