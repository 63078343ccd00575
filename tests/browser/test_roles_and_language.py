"""Each demo role signs in and sees exactly its menu; the language switch works."""

from __future__ import annotations

import pytest

from org.demo import DEMO_PASSWORD
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

EVERYONE = {"core.home", "core.notifications", "alerts.mine", "assessment.mine"}
READER = EVERYONE | {"org.tree", "org.posts", "org.people", "powers.list", "risks.mine", "risks.list"}
READER |= {"risks.queue", "risks.measures", "risks.rollup", "risks.periods", "risks.sets"}
ALERTS = READER | {"alerts.list", "alerts.info"}  # the roles that read warnings and information
ASSESSORS = ALERTS | {"assessment.cycles"}
MANAGER = ASSESSORS | {"org.roles", "core.calendar", "core.api", "alerts.petitions"}
DASH = {"dashboards.dashboard"}  # dashboard.view: the commission, unit chiefs, the leading group's readers
BENCH = {"dashboards.workbench"}  # the discipline offices' workbench
EXPECTED_MENUS = {
    "jiwei": MANAGER | DASH | BENCH,
    "jijian": MANAGER | BENCH,
    "reader": ASSESSORS | DASH,
    "lgoffice": ASSESSORS,
    "chief": ASSESSORS | DASH,
    "deputy": ASSESSORS,  # also a leadership member
    "member": ASSESSORS,
    "depthead": ALERTS,
    "cadre": READER,
    "supervisor": READER,
    "admin": MANAGER | DASH | BENCH | {"admin"},
}


@pytest.mark.parametrize("username", list(EXPECTED_MENUS))
def test_each_role_sees_exactly_its_menu(demo, live_server, page, username):
    # when the demo account signs in
    login(page, live_server, username, DEMO_PASSWORD)
    # then it lands on my to-do, in Chinese, with exactly its menu
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("h1").first.inner_text() == "我的待办"
    menu = set(page.locator("[data-testid=main-menu] [data-menu]").evaluate_all("els => els.map(e => e.dataset.menu)"))
    assert menu == EXPECTED_MENUS[username]
    # and the welcome notification is on the page and the bell
    assert "欢迎使用廉政风险防控平台" in page.inner_text("[data-testid=latest-notifications]") or username in (
        "admin",
        "supervisor",
    )
    screenshot(page, f"home-{username}")
    # every asset came from the server itself (intranets have no internet), and the
    # vendored Bootstrap and icon font really applied
    assert page.requested_urls and all(u.startswith(live_server.url) for u in page.requested_urls)
    assert page.evaluate("getComputedStyle(document.querySelector('.lz-topbar')).backgroundImage") != "none"
    assert page.evaluate("document.fonts.check('16px bootstrap-icons')")


def test_language_switch(demo, live_server, page):
    login(page, live_server, "jijian", DEMO_PASSWORD)
    assert page.locator("[data-menu='org.tree']").inner_text().strip() == "组织机构"
    page.select_option("[data-testid=language-switch] select", "en")
    page.wait_for_selector("text=My to-do")
    assert page.locator("[data-menu='org.tree']").inner_text().strip() == "Organisation"
    screenshot(page, "home-english")
    page.select_option("[data-testid=language-switch] select", "zh-hans")
    page.wait_for_selector("h1:has-text('我的待办')")


def test_login_page_is_chinese_and_refuses_a_wrong_password(demo, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    assert "廉政风险防控平台" in page.inner_text("h1")
    screenshot(page, "login")
    page.fill("#id_username", "cadre")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.inner_text(".alert-danger")


def test_discipline_staff_add_a_post_through_the_tree(demo, live_server, page):
    login(page, live_server, "jijian", DEMO_PASSWORD)
    page.click("[data-menu='org.tree']")
    # the unit's departments open lazily in the tree (htmx)
    page.click("[data-testid=org-tree] .toggle >> nth=0")
    page.wait_for_selector("[data-testid=org-tree] a:has-text('公诉科')")
    screenshot(page, "org-tree")
    page.click("[data-testid=org-tree] a:has-text('公诉科')")
    page.click("[data-testid=add-post]")
    page.fill("#id_name", "员额检察官（三）")
    page.select_option("#id_rank", "2")
    page.check("#id_is_key_post")
    page.fill("#id_reason", "新增员额")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('员额检察官（三）')")
    screenshot(page, "post-detail")
    # a vacant key post is now on the to-do list
    page.click("[data-menu='core.home']")
    assert "重点岗位" in page.inner_text("[data-testid=todo-list]")
    page.click("[data-testid=todo-list] a[href*='key=1']")
    assert "员额检察官（三）" in page.inner_text("[data-testid=post-table]")
