"""An orange warning in Chromium: the discipline office issues it from a risk point, the
cadre replies in writing from their to-do list, the office accepts the reply and closes
the warning after verifying the rectification."""

from __future__ import annotations

import pytest

from alerts.models import RiskWarning, WarningStatus
from org.demo import DEMO_PASSWORD
from risks.models import RiskPoint
from tests.browser.conftest import login, logout, screenshot

pytestmark = pytest.mark.browser


def test_orange_warning_issue_reply_accept_close(demo, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    point = RiskPoint.objects.get(description="审查起诉中接受当事人或其亲友请托、收受财物")
    login(page, live_server, "jijian", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/risks/{point.pk}/")
    page.click("[data-testid=warn-point]")
    assert page.locator("input[name=level][value='1']").count() == 0  # red is the commission's
    page.check("input[name=level][value='2']")
    page.fill("#id_title", "节前收受礼品苗头，设警线")
    page.fill("#id_facts", "群众反映该岗位人员春节前接受当事人亲属赠送的购物卡。")
    page.check("input[name=disposals][value=talk]")
    page.check("input[name=disposals][value=correct]")
    screenshot(page, "warning-issue")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=warning-status]")
    warning = RiskWarning.objects.get(title="节前收受礼品苗头，设警线")
    assert warning.level == 2 and warning.notice

    logout(page, live_server)
    login(page, live_server, "cadre", DEMO_PASSWORD)
    page.click("[data-testid=todo-list] a[href='/alerts/mine/']")
    page.click(f"[data-testid=warning-table] a[href='/alerts/{warning.pk}/']")
    page.fill("#id_cause_analysis", "廉洁自律意识不强，对节日期间纪律要求重视不够。")
    page.fill("#id_measures", "退还购物卡并说明情况；今后一律拒收，主动报告。")
    screenshot(page, "warning-reply")
    page.click("[data-testid=send-reply]")
    page.wait_for_selector("[data-testid=replies] .list-group-item")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.REPLIED

    logout(page, live_server)
    login(page, live_server, "jijian", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/alerts/{warning.pk}/")
    page.check("input[name=accept][value='1']")
    page.click("[data-testid=review]")
    page.fill("#id_note", "经核实购物卡已退还，谈话记录在案。")
    page.click("[data-testid=close]")
    page.wait_for_selector(".alert-success")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED
    screenshot(page, "warning-closed")
    assert all(u.startswith(live_server.url) for u in page.requested_urls)
