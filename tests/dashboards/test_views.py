"""The dashboard and workbench pages: who may open what, the same query count for 1 or 50
children, CSV equal to the table, no asset from outside."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import selectors
from dashboards.services import tallies_refresh
from org.models import NodeKind, Role
from risks.models import RiskCategory, RiskPoint
from tests.factories import PostFactory, UserFactory, node, role

pytestmark = pytest.mark.django_db

URL = "/dashboards/"
API = "/api/v1/dashboards/"


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def _data(client, user, **params) -> dict:
    """The dashboard as the API gives it (the same figures as the page)."""
    client.force_login(user)
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


# --- who may see which dashboard (role x in scope / out of scope) -------------------------

MATRIX = [
    # user, node, expected status
    (Role.DISCIPLINE_COMMISSION, "county", 200),
    (Role.DISCIPLINE_COMMISSION, "unit_a", 200),
    (Role.DISCIPLINE_COMMISSION, "other_county", 403),
    (Role.DISCIPLINE_COMMISSION, "province", 403),
    (Role.LEADING_GROUP_READER, "county", 200),
    (Role.LEADING_GROUP_READER, "sub_unit", 200),
    (Role.LEADING_GROUP_READER, "unit_c", 403),
    (Role.UNIT_CHIEF, "unit_a", 200),
    (Role.UNIT_CHIEF, "sub_unit", 403),
    (Role.UNIT_CHIEF, "county", 403),
    (Role.UNIT_CHIEF, "unit_b", 403),
    (Role.DISCIPLINE_STAFF, "unit_a", 403),  # no dashboard.view
    (Role.CADRE, "unit_a", 403),
    ("outsider", "county", 403),
]


@pytest.mark.parametrize(("who", "where", "status"), MATRIX)
def test_who_may_open_which_dashboard(org, client, who, where, status):
    tallies_refresh()
    assert _get(client, org.users[who], node=getattr(org, where).pk).status_code == status


def test_the_public_is_sent_to_sign_in(org, client):
    response = client.get(URL, {"node": org.county.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_department_has_no_dashboard(org, client):
    assert _get(client, org.users[Role.DISCIPLINE_COMMISSION], node=org.dept_a1.pk).status_code == 404


def test_without_a_node_the_dashboard_opens_on_the_readers_scope(org, client, known):
    tallies_refresh()
    assert _get(client, org.users[Role.LEADING_GROUP_READER]).context["page"].node_id == org.county.pk
    assert _data(client, org.users[Role.LEADING_GROUP_READER])["node"]["id"] == org.county.pk
    assert _get(client, org.users[Role.UNIT_CHIEF]).context["page"].node_id == org.unit_a.pk
    assert _data(client, org.users[Role.UNIT_CHIEF])["node"]["id"] == org.unit_a.pk


def test_a_unit_reader_sees_only_their_units_numbers(org, client, known):
    # given a unit chief whose role covers unit A but not its sub-unit
    tallies_refresh()
    chief, commission = org.users[Role.UNIT_CHIEF], org.users[Role.DISCIPLINE_COMMISSION]
    # when both open unit A's dashboard
    theirs = _data(client, chief, node=org.unit_a.pk)
    whole = _data(client, commission, node=org.unit_a.pk)
    # then the commission sees the sub-unit's point and overdue measure; the chief does not
    assert whole["figures"]["approved_points"] == 3
    assert theirs["figures"]["approved_points"] == 2
    assert (whole["figures"]["measures_overdue"], theirs["figures"]["measures_overdue"]) == (2, 1)
    assert whole["figures"]["petitions_overdue"] == theirs["figures"]["petitions_overdue"] == 1  # in 公诉科
    assert [c["name"] for c in whole["children"]] == ["派出检察室"]
    assert theirs["children"] == []
    assert "派出检察室" not in _get(client, chief, node=org.unit_a.pk).content.decode()


# --- query counts --------------------------------------------------------------------------


def _queries(client, user, node, *, url=URL, cold=True) -> int:
    """Queries of one request of the node's dashboard: `cold` with nothing cached, else
    right after the same request."""
    client.force_login(user)
    if cold:
        cache.clear()
    else:
        client.get(url, {"node": node.pk})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"node": node.pk}).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_children(org, client):
    # given a county with one unit and another with fifty, each with points
    reader = UserFactory()
    small = node(org.province, "丙县", NodeKind.COUNTY)
    big = node(org.province, "丁县", NodeKind.COUNTY)
    category = RiskCategory.objects.order_by("pk").first()
    for area, n in ((small, 1), (big, 50)):
        role(reader, Role.LEADING_GROUP_READER, area, below=True)
        for i in range(n):
            unit = node(area, f"{area.name}单位{i}", NodeKind.UNIT)
            dept = node(unit, "办公室", NodeKind.DEPARTMENT)
            post = PostFactory(department=dept)
            RiskPoint.objects.create(
                scope="post",
                node=dept,
                unit=unit,
                post=post,
                category=category,
                kind="integrity",
                description="风险",
                source="self",
                likelihood=1,
                consequence=1,
                suggested_grade=1,
                grade=1,
                status="approved",
            )
    tallies_refresh()
    # when the reader opens each county's dashboard, with nothing cached and then again
    few, many = _queries(client, reader, small), _queries(client, reader, big)
    few_cached, many_cached = (_queries(client, reader, n, cold=False) for n in (small, big))
    # then both cost the same few queries
    assert few == many
    # (about ten are the frame's: session, user, grants, menu and bell; the rest the board's)
    assert many <= 21, many
    # and a cached board costs only the frame's
    assert few_cached == many_cached <= many - 9
    # the API costs the session and user lookup once cached, whatever the children
    for area in (small, big):
        assert _queries(client, reader, area, url=API) <= many
        assert _queries(client, reader, area, url=API, cold=False) == 2


# --- the page, CSV, cockpit -------------------------------------------------------------------


def test_the_page_shows_every_chart_with_its_numbers_and_staleness(org, client, known):
    tallies_refresh()
    html = _get(client, known.commission, node=org.county.pk).content.decode()
    for name in ("grade", "category", "kind", "heatmap", "units", "warnings", "trend", "petitions", "status"):
        assert f'data-testid="chart-{name}"' in html
        assert f'data-table="{name}"' in html
        assert f"chart={name}" in html
    assert 'data-testid="staleness"' in html
    assert re.search(r"\d\d:\d\d", html.split('data-testid="staleness"')[1][:400])
    assert f'href="?node={org.unit_a.pk}"' in html  # drill-down


def test_staleness_says_not_counted_before_the_first_refresh(org, client):
    response = _get(client, org.users[Role.DISCIPLINE_COMMISSION], node=org.county.pk)
    assert response.context["run"] is None
    assert "text-bg-warning" in response.content.decode().split('data-testid="staleness"')[0][-200:]
    assert _data(client, org.users[Role.DISCIPLINE_COMMISSION], node=org.county.pk)["stale"] is True


@pytest.mark.parametrize("chart", ["grade", "category", "kind", "heatmap", "units", "warnings", "trend", "petitions"])
def test_the_csv_matches_the_table(org, client, known, chart):
    tallies_refresh()
    page = _get(client, known.commission, node=org.county.pk)
    table = selectors.build(known.commission, org.county).charts[chart]
    response = client.get(URL, {"node": org.county.pk, "format": "csv", "chart": chart})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [str(c) for c in table.columns]
    assert rows[1:] == [[str(cell) for cell in row] for row in table.rows]
    # and the HTML table shows the same cells
    html = page.content.decode().split(f'data-table="{chart}"')[1].split("</table>")[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", html)]
    assert cells == [str(cell) for row in table.rows for cell in row]


def test_an_unknown_chart_is_404(org, client):
    assert (
        _get(client, org.users[Role.DISCIPLINE_COMMISSION], node=org.county.pk, format="csv", chart="x").status_code
        == 404
    )


def test_the_csv_of_another_county_is_refused(org, client, known):
    tallies_refresh()
    response = _get(client, known.commission, node=org.other_county.pk, format="csv", chart="grade")
    assert response.status_code == 403


def test_no_asset_comes_from_outside_and_echarts_is_vendored(org, client, known):
    tallies_refresh()
    for params in ({"node": org.county.pk}, {"node": org.county.pk, "cockpit": "1"}):
        html = _get(client, known.commission, **params).content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert not [a for a in assets if a.startswith(("http:", "https:", "//"))]
        assert "/static/vendor/echarts/echarts.min.js" in assets
    vendored = Path(django_settings.BASE_DIR) / "static" / "vendor" / "echarts"
    assert (vendored / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (vendored / "LICENSE").read_text()


def test_cockpit_mode_is_full_screen_dark_and_refreshes(org, client, known):
    run = tallies_refresh()
    html = _get(client, known.commission, node=org.county.pk, cockpit="1").content.decode()
    assert 'class="lz-cockpit"' in html
    # it polls the API for the figures' version (and reloads when a refresh changed them)
    assert f'data-poll="{API}tiles/?node={org.county.pk}&amp;year=' in html
    assert f'data-version="{run.pk}"' in html
    assert 'data-testid="main-menu"' not in html
    assert "cockpit=1" in html.split('data-table="units"')[1]  # drill-down stays in cockpit mode


# --- the workbench --------------------------------------------------------------------------


def _workbench(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("dashboards:workbench"))
    assert response.status_code == 200
    return {s.key: s for s in response.context["sections"]}


def test_the_workbench_lists_what_is_overdue_most_urgent_first(org, client, known):
    # given the commission over the county: its counts come from the summary tables
    tallies_refresh()
    sections = _workbench(client, known.commission)
    measures = sections["measures"]
    assert (measures.overdue, measures.due_soon) == (3, 1)
    assert [i.days_late for i in measures.items] == [10, 3, 1, -2]
    assert sections["replies"].overdue == 1
    assert sections["petitions"].overdue == 2
    assert [i.days_late for i in sections["petitions"].items][:2] == [25, 5]
    assert measures.counted_at is not None
    html = client.get(reverse("dashboards:workbench")).content.decode()
    assert 'data-testid="counted-at"' in html


def test_the_workbench_counts_equal_the_raw_counts(org, client, known):
    # given a second approval waiting for more than a week
    from django.utils import timezone

    from alerts.models import Petition, RiskWarning
    from risks import approval
    from risks.models import Measure, Review
    from tests.risks.test_approval import record

    staff = org.users[Role.DISCIPLINE_STAFF]
    for days in (10, 1):
        point = record(staff, post=org.post_a1, description=f"待审{days}")
        approval.risk_submit(user=staff, point=point)
        Review.objects.filter(point=point).update(submitted_at=timezone.now() - dt.timedelta(days=days))
    tallies_refresh()
    today = timezone.localdate()
    under = {"point__node__path__startswith": org.county.path}
    measures = Measure.objects.filter(status__in=["planned", "in_progress"], **under)
    replies = RiskWarning.objects.filter(status="issued", node__path__startswith=org.county.path)
    petitions = Petition.objects.filter(status__in=["received", "assigned"], node__path__startswith=org.county.path)
    reviews = Review.objects.filter(status="pending", **under)
    week = (today, today + dt.timedelta(days=7))
    sections = _workbench(client, known.commission)
    for key, qs, field in [
        ("measures", measures, "deadline"),
        ("replies", replies, "reply_due"),
        ("petitions", petitions, "due_on"),
    ]:
        raw = (qs.filter(**{f"{field}__lt": today}).count(), qs.filter(**{f"{field}__range": week}).count())
        assert (sections[key].overdue, sections[key].due_soon) == raw, key
    assert sections["reviews"].overdue + sections["reviews"].due_soon == reviews.count() == 2
    assert sections["reviews"].overdue == 1
    assert [i.days_late for i in sections["reviews"].items] == [3, -6]


def test_a_units_office_is_counted_live(org, client, known):
    # given the discipline staff of unit A (a unit: counted live, no refresh needed)
    sections = _workbench(client, org.users[Role.DISCIPLINE_STAFF])
    # then unit A's two open measures past or near their deadline count (its sub-unit's not:
    # the role does not reach below the unit)
    assert (sections["measures"].overdue, sections["measures"].due_soon) == (1, 1)
    assert sections["measures"].counted_at is None
    assert 'data-testid="counted-at"' not in client.get(reverse("dashboards:workbench")).content.decode()


def test_the_workbench_is_scoped(org, client, known):
    # the discipline staff of unit A sees unit A's and its sub-unit's items only
    staff = org.users[Role.DISCIPLINE_STAFF]
    client.force_login(staff)
    sections = {s.key: s for s in client.get(reverse("dashboards:workbench")).context["sections"]}
    assert {i.where for i in sections["measures"].items} <= {"甲县检察院", "派出检察室"}
    assert "甲县环保局" not in {i.where for s in sections.values() for i in s.items}


@pytest.mark.parametrize("who", [Role.LEADING_GROUP_READER, Role.UNIT_CHIEF, Role.CADRE, "outsider"])
def test_only_the_discipline_office_has_a_workbench(org, client, who):
    client.force_login(org.users[who])
    assert client.get(reverse("dashboards:workbench")).status_code == 403


def test_the_workbench_query_count_is_bounded(org, client, known):
    tallies_refresh()
    client.force_login(known.commission)
    client.get(reverse("dashboards:workbench"))  # the latest refresh is read once, then cached
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboards:workbench"))
    from tests.risks.test_approval import record

    for i in range(10):
        record(known.commission, post=org.post_b1, description=f"更多{i}")
    from risks.models import Measure

    first = Measure.objects.first()
    for _i in range(10):
        first.pk = None
        first.save()
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("dashboards:workbench"))
    assert len(after.captured_queries) == len(before.captured_queries)
