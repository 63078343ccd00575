"""The risk-control system table (《廉政风险防控体系表》) as a PDF, built in the request or
as a background export."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from urllib.parse import quote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core import pdf as core_pdf
from core.exports import export_run
from core.models import ExportJob, ExportStatus
from org.models import Role
from risks import output_views, pdf
from risks.models import Measure, MeasureType, RiskCategory, RiskPoint, RiskScope, RiskStatus
from tests.factories import UserFactory, person_holding, role

pytestmark = pytest.mark.django_db


def approved_points(org, n: int, *, unit=None, measures: int = 0, status=RiskStatus.APPROVED) -> list[RiskPoint]:
    """n points of unit A (a third each unit, 办公室 and 公诉科/检察官 points), written
    directly: the approval flow is tested elsewhere and would make this slow."""
    category = RiskCategory.objects.get(name="岗位职责")
    places = [
        (RiskScope.UNIT, org.unit_a, None, "重大事项决策未经集体讨论"),
        (RiskScope.DEPARTMENT, org.dept_a2, None, "公文处理拖延"),
        (RiskScope.POST, org.dept_a1, org.post_a1, "审查起诉中收受当事人财物"),
    ]
    rows = []
    for i in range(n):
        scope, node, post, text = places[i % 3]
        grade = i % 3 + 1
        rows.append(
            RiskPoint(
                scope=scope,
                node=node,
                unit=unit or org.unit_a,
                post=post,
                category=category,
                kind="integrity" if i % 2 else "efficiency",
                description=f"{text}（{i}）",
                manifestation="表现为拖延或者索要好处" if i % 2 else "",
                source="self",
                likelihood=1,
                consequence=grade,
                suggested_grade=grade,
                grade=grade,
                status=status,
            )
        )
    points = RiskPoint.objects.bulk_create(rows)
    if measures:
        owner = person_holding(org.post_a1, username=f"owner{RiskPoint.objects.count()}")
        kind = MeasureType.objects.get(name="制度")
        Measure.objects.bulk_create(
            Measure(
                point=p,
                type=kind,
                description=f"实行双人审查制度{j}",
                check_method="科长每月抽查案卷",
                owner=owner,
                deadline=dt.date(2026, 6, 30),
            )
            for p in points
            for j in range(measures)
        )
    return points


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, in order (pypdf reads the fonts' ToUnicode maps)."""
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def page_count(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


# --- the document -----------------------------------------------------------------------


def test_the_table_embeds_its_chinese_font_and_numbers_its_pages(org):
    approved_points(org, 30, measures=2)
    data = pdf.system_table_pdf(org.unit_a)
    assert data.startswith(b"%PDF")
    # The font is embedded (a TrueType subset), and no unembedded base-14 font is used.
    assert b"/FontFile2" in data
    assert re.search(rb"/BaseFont /[A-Z]{6}\+WenQuanYiZenHei", data)
    assert b"/BaseFont /Helvetica" not in data and b"STSong" not in data
    pages = pdf_text(data)
    total = page_count(data)
    assert len(pages) == total > 1
    first = pages[0].replace("\n", "")
    assert "甲县检察院廉政风险防控体系表" in first
    assert "已审定风险点 30 个：一级 10 个、二级 10 个、三级 10 个" in first
    for column in pdf.COLUMNS:
        assert column in first
    assert "实行双人审查制度0" in "".join(pages).replace("\n", "")
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共" in text
        assert "序号" in text  # the column headings repeat on every page
    # "共 y 页": the total is one form, drawn after the last page and shown in every footer
    reader = PdfReader(BytesIO(data))
    form = f"/FormXob.{pdf.TOTAL_PAGES_FORM}"
    assert all(form in (p["/Resources"].get("/XObject") or {}) for p in reader.pages)


def test_rows_are_grouped_unit_first_then_departments_and_only_approved(org):
    approved_points(org, 6)
    RiskPoint.objects.filter(description="公文处理拖延（1）").update(status=RiskStatus.SUBMITTED)
    approved_points(org, 3, unit=org.unit_b)  # another unit's points (nodes don't matter here)
    holder = person_holding(org.post_a1, username="jcg")
    text = "".join(pdf_text(pdf.system_table_pdf(org.unit_a))).replace("\n", "")
    assert "已审定风险点 5 个" in text
    assert "公文处理拖延（1）" not in text and "公文处理拖延（4）" in text
    assert text.index("单位风险") < text.index("重大事项决策未经集体讨论（0）") < text.index("公诉科")
    assert text.index("公诉科") < text.index("审查起诉中收受当事人财物（2）") < text.index("办公室")
    assert text.count("重大事项决策未经集体讨论（0）") == 1
    assert holder.name in text  # a post point's responsible person is its holder


def test_the_page_count_grows_with_the_points_and_progress_is_reported(org):
    approved_points(org, 6)
    small = page_count(pdf.system_table_pdf(org.unit_a))
    approved_points(org, 120, measures=1)
    calls = []
    big = pdf.system_table_pdf(org.unit_a, progress=lambda done, total: calls.append((done, total)))
    assert big.startswith(b"%PDF")
    assert page_count(big) >= small + 5
    assert calls[-1] == (126, 126) and calls == sorted(calls)


def test_an_empty_register_still_gives_a_document(org):
    pages = pdf_text(pdf.system_table_pdf(org.unit_b))
    assert "尚无已审定的风险点" in pages[0].replace("\n", "")


def test_the_font_is_looked_up_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv(core_pdf.FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(core_pdf.FontMissing, match="LIANZHENG_PDF_FONT"):
        core_pdf.find_font()
    monkeypatch.setenv(core_pdf.FONT_ENV, core_pdf.FONT_CANDIDATES[0])
    assert core_pdf.find_font() == core_pdf.FONT_CANDIDATES[0]


# --- the page ---------------------------------------------------------------------------


def test_a_small_unit_gets_the_pdf_directly(client, org):
    approved_points(org, 4)
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    response = client.get(reverse("risks:output_system_table"), {"unit": org.unit_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    filename = quote("《甲县检察院》廉政风险防控体系表.pdf")
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{filename}"
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        (Role.DISCIPLINE_STAFF, "unit_a", 200),
        (Role.CADRE, "unit_a", 200),  # every role reads its unit's register
        (Role.DISCIPLINE_STAFF, "unit_c", 403),  # a unit of another county
        (Role.DISCIPLINE_COMMISSION, "unit_c", 403),
        ("outsider", "unit_a", 403),
    ],
)
def test_who_may_print_a_units_table(client, org, who, unit, status):
    client.force_login(org.users[who])
    response = client.get(reverse("risks:output_system_table"), {"unit": getattr(org, unit).pk})
    assert response.status_code == status


def test_a_department_is_not_a_unit(client, org):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    assert client.get(reverse("risks:output_system_table"), {"unit": org.dept_a1.pk}).status_code == 404
    assert client.get(reverse("risks:output_system_table")).status_code == 404


def test_a_big_unit_is_built_in_the_background_for_the_requester_only(
    client, org, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    settings.MEDIA_ROOT = str(tmp_path)
    queued = []
    monkeypatch.setattr("core.tasks.run_export.delay", queued.append)
    approved_points(org, output_views.DIRECT_LIMIT + 1)
    staff = org.users[Role.DISCIPLINE_STAFF]
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("risks:output_system_table"), {"unit": org.unit_a.pk})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.kind, job.params, job.requested_by, job.status) == (
        output_views.SYSTEM_TABLE,
        {"unit": org.unit_a.pk},
        staff,
        ExportStatus.QUEUED,
    )
    assert queued == [job.pk]  # the worker is asked once the request's transaction commits
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'hx-trigger="every 2s"' in page.content

    assert export_run(job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.error) == (ExportStatus.DONE, 100, 301, "")
    assert job.filename == "《甲县检察院》廉政风险防控体系表.pdf"
    with job.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert export_run(job.pk) is False  # a doubled task does nothing
    assert ExportJob.objects.get().finished_at == job.finished_at

    page = client.get(reverse("core:export_job", args=[job.pk]))
    assert b"hx-trigger" not in page.content and b'data-testid="export-download"' in page.content
    download = client.get(reverse("core:export_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert quote(job.filename) in download["Content-Disposition"]

    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])  # may read the unit, but did not ask
    assert client.get(reverse("core:export_job", args=[job.pk])).status_code == 403
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 403
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 200


def test_the_background_build_checks_access_again(org, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    reader = UserFactory(username="reader")
    assignment = role(reader, Role.CADRE, org.unit_a)
    job = ExportJob.objects.create(kind=output_views.SYSTEM_TABLE, params={"unit": org.unit_a.pk}, requested_by=reader)
    assignment.delete()  # moved away between the request and the build
    assert export_run(job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "甲县检察院" in job.error and not job.file
