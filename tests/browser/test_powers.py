"""The power inventory in a real browser: editing a process, publishing, the public portal."""

from __future__ import annotations

import pytest

from org.demo import DEMO_PASSWORD
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_public_portal_search_and_flowchart(demo, live_server, page):
    page.goto(f"{live_server.url}/public/")
    assert "权力公开" in page.inner_text("header")
    page.fill("input[name=q]", "排污")
    page.click("button:has-text('搜索')")
    results = page.locator("[data-testid=public-results] a")
    assert results.count() == 1
    results.first.click()
    page.wait_for_selector("[data-testid=flowchart] svg")
    assert page.locator("[data-testid=flowchart] g.step").count() == 6
    assert page.locator("[data-testid=flowchart] path.edge").count() == 5  # S1>S2>S3>S4, S4>S5, S4>S6
    assert "排污许可管理条例" in page.inner_text("[data-testid=legal-bases]")
    screenshot(page, "public-detail")
    # drafts never reach the portal
    page.goto(f"{live_server.url}/public/?q=财务报销")
    assert page.locator("[data-testid=public-results] a").count() == 0
    assert all(u.startswith(live_server.url) for u in page.requested_urls)


def test_staff_edit_a_process_and_publish_it(demo, live_server, page):
    login(page, live_server, "jijian", DEMO_PASSWORD)
    page.click("[data-menu='org.tree']")
    page.click("[data-testid=org-tree] a:has-text('清河区人民检察院')")
    page.click("[data-testid=unit-powers]")
    page.click("[data-testid=power-table] a:has-text('财务报销审批')")
    page.click("[data-testid=edit-draft]")
    # add an archiving step after the payment: S5 -> S6
    rows = page.locator("[data-testid=step-rows] tbody tr")
    rows.nth(4).locator("input[name$='next_keys']").fill("S6")
    rows.nth(5).locator("input[name$='-key']").fill("S6")
    rows.nth(5).locator("input[name$='-name']").fill("凭证归档")
    rows.nth(5).locator("input[name$='time_limit_days']").fill("2")
    page.click("[data-testid=save-draft]")
    page.wait_for_selector("[data-testid=flowchart] g.step[data-key=S6]")
    assert page.locator("[data-testid=flowchart] path.edge[data-from=S5][data-to=S6]").count() == 1
    screenshot(page, "power-draft")
    # a loop is refused with a clear message, and nothing changes
    page.click("[data-testid=edit-draft]")
    page.locator("[data-testid=step-rows] tbody tr").nth(5).locator("input[name$='next_keys']").fill("S1")
    page.click("[data-testid=save-draft]")
    assert "流程出现循环" in page.inner_text("[data-testid=process-errors]")
    screenshot(page, "power-edit-error")
    page.goto(page.url.replace("/edit/", "/"))
    assert page.locator("[data-testid=flowchart] path.edge[data-from=S6]").count() == 0
    # publish: it reaches the public portal
    page.click("[data-testid=publish]")
    page.wait_for_selector(".alert-success")
    page.goto(f"{live_server.url}/public/?q=财务报销")
    assert page.locator("[data-testid=public-results] a").count() == 1
