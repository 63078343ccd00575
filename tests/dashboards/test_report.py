"""The leading group's monthly and annual report: built in the background for the
requester, with the dashboard's figures, charts drawn in the PDF and the font embedded."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from core.exports import export_run
from core.models import ExportJob
from dashboards import report, selectors, services
from org.models import Role
from tests.risks.test_approval import approved_points

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_the_report_holds_the_dashboards_figures(org):
    approved_points(org, 3)
    services.tallies_refresh()
    commission = org.users[Role.DISCIPLINE_COMMISSION]
    board = selectors.build(commission, org.county)
    data = report.report_pdf(board, period="month")
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages)
    assert f"{org.county.name}廉政风险防控工作月度报告" in text
    assert "一、主要指标" in text and "三、预警" in text and org.unit_a.name in text
    annual = "".join(p.extract_text() for p in PdfReader(BytesIO(report.report_pdf(board, period="year"))).pages)
    assert "年度报告" in annual


def test_the_report_is_built_in_the_background_for_the_requester_only(org, client):
    approved_points(org, 1)
    services.tallies_refresh()
    commission = org.users[Role.DISCIPLINE_COMMISSION]
    client.force_login(commission)
    response = client.post(f"/dashboards/report/?node={org.county.pk}", {"period": "year"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    export_run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.file.read().startswith(b"%PDF")
    assert client.post(f"/dashboards/report/?node={org.county.pk}", {"period": "week"}).status_code == 404
    client.force_login(org.users[Role.CADRE])
    assert client.post(f"/dashboards/report/?node={org.county.pk}", {"period": "month"}).status_code == 403
    client.force_login(org.users[Role.UNIT_CHIEF])  # a unit chief: not the county's dashboard
    assert client.post(f"/dashboards/report/?node={org.county.pk}", {"period": "month"}).status_code == 403
