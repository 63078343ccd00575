"""The assessment in Chromium: the demo cadre files a public commitment and the deputy in
charge approves it; the procuratorate's leading-group office fills and submits its
second half-year self-inspection and the district (jiwei) accepts it."""

from __future__ import annotations

import pytest

from assessment.models import Commitment, CommitmentStatus, CycleUnit, InspectionStatus, SelfInspection
from org.demo import DEMO_PASSWORD
from tests.browser.conftest import login, logout, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def assessed(demo):
    """The demo district with its assessment (seed_demo seeds it)."""
    return CycleUnit.objects.select_related("cycle").filter(unit__code="QH-JCY").order_by("-cycle__year").first()


def test_commitment_approved_and_self_inspection_accepted(assessed, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cu = assessed
    # the cadre files a commitment from the standard items plus their own
    login(page, live_server, "cadre", DEMO_PASSWORD)
    page.click("[data-menu='assessment.mine']")
    page.click("[data-testid=file-commitment]")
    assert page.locator("[data-testid=standard-items] li").count() == 5
    page.fill("#id_own_items", "办案不吃请、不收礼，不私自会见当事人及其律师\n每季度向分管领导报告一次思想和工作情况")
    screenshot(page, "assessment-commitment-form")
    page.click("[data-testid=submit-commitment]")
    page.wait_for_selector("[data-testid=commitment-status]")
    commitment = Commitment.objects.get(person__user__username="cadre", cycle=cu.cycle)
    assert commitment.status == CommitmentStatus.SUBMITTED and commitment.items.count() == 7

    # the deputy in charge of 公诉科 approves it from the to-do list
    logout(page, live_server)
    login(page, live_server, "deputy", DEMO_PASSWORD)
    page.click("[data-testid=todo-list] a[href='/assessment/commitments/approve/']")
    page.click(f"[data-testid=approval-table] a[href='/assessment/commitments/{commitment.pk}/']")
    page.check("input[name=approve][value='1']")
    page.click("[data-testid=decide]")
    page.wait_for_selector(".alert-success")
    screenshot(page, "assessment-commitment-approved")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.APPROVED

    # the leading-group office fills the second half-year self-inspection and submits it
    logout(page, live_server)
    login(page, live_server, "lgoffice", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessment/units/{cu.pk}/")
    screenshot(page, "assessment-unit-do")
    page.click("[data-testid=start-inspection-2]")
    page.wait_for_selector("[data-testid=inspection-items]")
    page.click("[data-testid=submit-inspection]")  # nothing answered: refused, nothing changed
    page.wait_for_selector("[data-testid=item-error]")
    inspection = SelfInspection.objects.get(cycle_unit=cu, checkpoint__half=2)
    assert inspection.status == InspectionStatus.DRAFT
    rows = page.locator("[data-testid=inspection-items] tbody tr").count()
    for i in range(1, rows + 1):
        page.select_option(f"[data-testid=carried-{i}]", "yes")
        page.fill(f"[data-testid=evidence-{i}]", "台账及签到表已归档，见附件目录。")
    page.fill("#id_report_measures", "下半年各项防控措施均已落实，律师会见预约登记制度运行良好。")
    page.fill("#id_report_conduct", "干部廉洁自律情况良好，未发现违规违纪问题。")
    page.fill("#id_report_weaknesses", "案件流程监控仍有盲点，下一步完善节点预警。")
    screenshot(page, "assessment-self-inspection")
    page.click("[data-testid=submit-inspection]")
    page.wait_for_selector(".alert-success")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED

    # the district accepts it
    logout(page, live_server)
    login(page, live_server, "jiwei", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessment/inspections/{inspection.pk}/")
    page.check("input[name=accept][value='1']")
    page.click("[data-testid=review]")
    page.wait_for_selector(".alert-success")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.ACCEPTED
    screenshot(page, "assessment-self-inspection-accepted")
    page.goto(f"{live_server.url}/assessment/{cu.cycle_id}/")
    assert page.locator("[data-testid=unit-table] tbody tr").count() == 7
    screenshot(page, "assessment-cycle")
    page.click("[data-testid=ranking-link]")
    page.wait_for_selector("[data-testid=ranking-table]")
    screenshot(page, "assessment-ranking")
    # the rest of the year's work, as the district sees it
    from assessment.models import Evaluation

    low = Evaluation.objects.get(proposal="proposed")
    page.goto(f"{live_server.url}/assessment/evaluations/{low.pk}/")
    assert page.locator("[data-testid=proposal]").count() == 1
    screenshot(page, "assessment-evaluation")
    for path, name in [("talks", "talks"), ("education", "education"), ("commitments", "unit-commitments")]:
        page.goto(f"{live_server.url}/assessment/units/{cu.pk}/{path}/")
        screenshot(page, f"assessment-{name}")
    page.goto(f"{live_server.url}/public/commitments/")
    assert page.locator("[data-testid=public-commitments] .card").count() >= 1
    screenshot(page, "assessment-public-commitments")
    assert all(u.startswith(live_server.url) for u in page.requested_urls)
