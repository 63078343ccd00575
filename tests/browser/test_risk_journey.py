"""A risk point's whole journey in Chromium: the cadre records and submits it, the
department head approves it from their to-do list, the discipline office adds a measure
and publishes the unit's points for public comment, and the public comments."""

from __future__ import annotations

import datetime as dt

import pytest

from org.demo import DEMO_PASSWORD
from org.models import OrgNode
from risks.models import PublicComment, RiskPoint, RiskStatus
from tests.browser.conftest import login, logout, screenshot

pytestmark = pytest.mark.browser


def test_cadre_to_head_to_discipline_office(demo, live_server, page):
    # the cadre records a risk point for their own post and submits it
    login(page, live_server, "cadre", DEMO_PASSWORD)
    page.click("[data-menu='risks.mine']")
    page.click("[data-testid=add-risk]")
    page.select_option("#id_category", label="岗位职责")
    page.select_option("#id_kind", value="integrity")
    page.fill("#id_description", "出庭支持公诉时接受辩护人宴请")
    page.fill("#id_manifestation", "庭前私下接触辩护人")
    page.select_option("#id_source", value="self")
    page.select_option("#id_likelihood", value="1")
    page.select_option("#id_consequence", value="2")
    page.click("[data-testid=save-risk]")
    page.click("[data-testid=submit-risk]")
    page.wait_for_selector("[data-testid=review-trail] .list-group-item-primary")
    point = RiskPoint.objects.get(description="出庭支持公诉时接受辩护人宴请")
    assert point.status == RiskStatus.SUBMITTED and point.grade == 2
    screenshot(page, "risk-submitted")

    # the department head finds it in 我的待办 and approves it
    logout(page, live_server)
    login(page, live_server, "depthead", DEMO_PASSWORD)
    todo = page.locator("[data-testid=todo-list] li", has=page.locator("a[href='/risks/reviews/']"))
    assert todo.locator(".badge").inner_text() == "1"
    todo.locator("a").click()
    page.click(f"[data-testid=queue] a[href='/risks/{point.pk}/']")
    page.check("input[name=decision][value=approve]")
    page.fill("#id_comment", "同意，按二级风险管理")
    screenshot(page, "risk-decision")
    page.click("[data-testid=decide]")
    page.wait_for_selector("[data-testid=queue-total]")
    assert page.inner_text("[data-testid=queue-total]") == "0"
    point.refresh_from_db()
    assert point.status == RiskStatus.APPROVED

    # the discipline office adds a prevention measure and publishes the unit's points
    logout(page, live_server)
    login(page, live_server, "jijian", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/risks/{point.pk}/")
    page.click("[data-testid=add-measure]")
    page.select_option("#id_type", label="监督")
    page.fill("#id_description", "出庭前后与辩护人接触须登记报备")
    page.fill("#id_check_method", "纪检监察室每季度抽查登记簿")
    page.select_option("#id_owner", index=1)
    page.fill("#id_deadline", (dt.date.today() + dt.timedelta(days=60)).isoformat())
    page.click("[data-testid=save-risk]")
    assert "出庭前后与辩护人接触须登记报备" in page.inner_text("[data-testid=measures]")
    screenshot(page, "risk-detail")
    unit = OrgNode.objects.get(code="QH-JCY")
    page.goto(f"{live_server.url}/risks/comment-periods/new/?unit={unit.pk}")
    page.fill("#id_working_days", "5")
    page.click("[data-testid=save-risk]")
    page.wait_for_selector("[data-testid=period-status]")

    # the public reads the points (with the measure) and comments without an account
    logout(page, live_server)
    page.goto(f"{live_server.url}/public/comments/")
    page.click("[data-testid=public-periods] a:has-text('清河区人民检察院廉政风险点公示')")
    assert "出庭支持公诉时接受辩护人宴请" in page.inner_text("[data-testid=period-points]")
    assert "登记报备" in page.inner_text("[data-testid=period-points]")
    page.fill("#id_body", "建议公开举报电话")
    page.click("[data-testid=send-comment]")
    page.wait_for_selector(".alert-success")
    screenshot(page, "public-comment")
    assert PublicComment.objects.filter(body="建议公开举报电话").count() == 1
    assert all(u.startswith(live_server.url) for u in page.requested_urls)
