"""The leading-group dashboard in Chromium: the commission opens the district's dashboard,
every chart is drawn from vendored ECharts, and a click on a unit drills down to it."""

from __future__ import annotations

import pytest

from dashboards.services import tallies_refresh
from org.demo import DEMO_PASSWORD
from org.models import OrgNode
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_district_dashboard_and_drill_down_to_a_unit(demo, live_server, page):
    # given the demo district, counted
    tallies_refresh()
    district, unit = OrgNode.objects.get(code="QH"), OrgNode.objects.get(code="QH-JCY")
    # when the commission opens the dashboard from the menu
    login(page, live_server, "jiwei", DEMO_PASSWORD)
    page.click("[data-menu='dashboards.dashboard']")
    page.wait_for_selector("[data-chart=grade] canvas")
    # then it shows the district, its charts drawn on canvases, and when the data was counted
    assert district.name in page.locator("[data-testid=dashboard-title]").inner_text()
    assert page.locator("[data-chart] canvas").count() >= 7
    assert page.locator("[data-testid=staleness]").inner_text().strip()
    assert not [u for u in page.requested_urls if not u.startswith(live_server.url)]  # nothing from outside
    page.wait_for_timeout(600)  # let the charts finish their entry animation
    screenshot(page, "dashboard-district")
    # and the assessment of the year: completion rates, stages, and the units ranked by score
    section = page.locator("[data-testid=assessment]")
    section.scroll_into_view_if_needed()
    assert "%" in section.locator("[data-tile=inspections] .n").inner_text()
    assert section.locator("[data-chart=scores] canvas").count() == 1
    assert section.locator("[data-table=scores] a[data-drill]").count() >= 2

    # when they click the unit in the table of units below the district
    page.click(f"[data-testid=chart-units] a[data-drill='{unit.pk}']")
    # then the unit's own dashboard opens, with the district in its breadcrumb
    page.wait_for_selector("[data-chart=grade] canvas")
    assert page.url.endswith(f"?node={unit.pk}")
    assert unit.name in page.locator("[data-testid=dashboard-title]").inner_text()
    assert district.name in page.locator("[data-testid=breadcrumb]").inner_text()
    page.wait_for_timeout(600)
    screenshot(page, "dashboard-unit")


def test_heat_map_click_drills_down(demo, live_server, page):
    tallies_refresh()
    district = OrgNode.objects.get(code="QH")
    login(page, live_server, "reader", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboards/?node={district.pk}")
    page.wait_for_selector("[data-chart=heatmap] canvas")
    # (the heat map's first row is the first unit of the table)
    first = page.locator("[data-testid=chart-units] a[data-drill]").first
    target = first.get_attribute("data-drill")
    page.locator("[data-chart=heatmap]").scroll_into_view_if_needed()
    box = page.locator("[data-chart=heatmap]").bounding_box()
    x, y = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart=heatmap]'))
                     .convertToPixel({seriesIndex: 0}, [0, 0])"""
    )
    # when the reader clicks the first unit's first cell
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    # then that unit's dashboard opens
    assert page.url.endswith(f"?node={target}")


def test_cockpit_and_workbench_screens(demo, live_server, page):
    tallies_refresh()
    login(page, live_server, "jiwei", DEMO_PASSWORD)
    page.click("[data-menu='dashboards.dashboard']")
    page.click("[data-testid=cockpit-link]")
    page.wait_for_selector("[data-testid=cockpit] [data-chart=grade] canvas")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(800)
    screenshot(page, "dashboard-cockpit")
    page.goto(f"{live_server.url}/dashboards/workbench/")
    page.wait_for_selector("[data-testid=section-measures]")
    screenshot(page, "dashboard-workbench")


def test_the_cockpit_reloads_when_a_refresh_changed_the_figures(demo, live_server, page, monkeypatch):
    from dashboards import views
    from risks.models import RiskPoint

    # given the cockpit of the district, asking for new figures every second
    monkeypatch.setattr(views, "COCKPIT_POLL_SECONDS", 1)
    tallies_refresh()
    district = OrgNode.objects.get(code="QH")
    login(page, live_server, "jiwei", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboards/?node={district.pk}&cockpit=1")
    page.wait_for_selector("[data-testid=cockpit] [data-chart=grade] canvas")
    before = int(page.locator("[data-tile=points] .n").inner_text())
    # when a point is approved and the scheduled refresh counts it
    draft = RiskPoint.objects.filter(unit__path__startswith=district.path, status="draft").first()
    RiskPoint.objects.filter(pk=draft.pk).update(status="approved")
    with page.expect_navigation(timeout=10000):
        tallies_refresh()
    # then the screen reloaded by itself and shows the new count
    page.wait_for_selector("[data-testid=cockpit] [data-chart=grade] canvas")
    assert int(page.locator("[data-tile=points] .n").inner_text()) == before + 1
