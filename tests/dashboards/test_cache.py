"""The cached dashboards: a cached board is never served after the reader's scope changed,
new figures show after the refresh that counted them, a refresh that found nothing new keeps
the cached boards, and each reader and language has entries of its own."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.services import tallies_refresh
from org import services as org_services
from org.models import RoleAssignment
from risks.models import RiskPoint
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

URL = "/dashboards/"
API = "/api/v1/dashboards/"


@pytest.fixture
def reader(org):
    user = UserFactory(username="lg_reader")
    role(user, "lg_reader", org.county, below=True)
    return user


def _queries(client, url, **params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    return len(ctx.captured_queries), response


def test_a_cached_board_is_not_served_once_the_role_is_taken(org, client, known, reader):
    # given the reader's county dashboard, cached
    tallies_refresh()
    client.force_login(reader)
    for url in (URL, API):
        assert client.get(url, {"node": org.county.pk}).status_code == 200
    # when the office takes the role away
    assignment = RoleAssignment.objects.get(user=reader)
    org_services.role_revoke(user=known.superuser, assignment=assignment, reason="调离")
    # then neither the page nor the API serves the cached board
    for url in (URL, API):
        assert client.get(url, {"node": org.county.pk}).status_code == 403


def test_a_cached_board_is_not_served_for_a_node_moved_out_of_scope(org, client, known, reader):
    tallies_refresh()
    client.force_login(reader)
    assert client.get(API, {"node": org.unit_b.pk}).status_code == 200
    org_services.node_move(user=known.superuser, node=org.unit_b, new_parent=org.other_county)
    assert client.get(API, {"node": org.unit_b.pk}).status_code == 403


@pytest.fixture
def refresh(django_capture_on_commit_callbacks):
    """The refresh as the worker runs it: committed (what it does on commit runs)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tallies_refresh()

    return run


def test_new_figures_show_after_the_refresh_that_counted_them(org, client, known, reader, refresh):
    refresh()
    client.force_login(reader)
    before = client.get(API, {"node": org.county.pk}).json()["figures"]["approved_points"]
    # given one more approved point in unit B
    RiskPoint.objects.filter(unit=org.unit_b, status="draft").update(status="approved")
    # the cached board still shows the counted figures until the refresh
    assert client.get(API, {"node": org.county.pk}).json()["figures"]["approved_points"] == before
    run = refresh()
    data = client.get(API, {"node": org.county.pk}).json()
    assert data["figures"]["approved_points"] == before + 1
    assert data["version"] == run.pk
    html = client.get(URL, {"node": org.county.pk}).content.decode()
    assert f'<div class="n">{before + 1}</div>' in html.split('data-tile="points"')[1][:40]


def test_a_refresh_that_found_nothing_new_keeps_the_cached_boards(org, client, known, reader, refresh):
    first = refresh()
    client.force_login(reader)
    client.get(URL, {"node": org.county.pk})
    cached, _response = _queries(client, URL, node=org.county.pk)
    second = refresh()
    assert second.nodes_changed == 0
    # the page still comes from the cache (no more queries than a cached page) ...
    again, response = _queries(client, URL, node=org.county.pk)
    assert again == cached
    # ... while it says when the latest refresh ran, and the version stays the first run's
    assert response.context["run"].id == second.pk
    assert client.get(API, {"node": org.county.pk}).json()["version"] == first.pk


def test_each_reader_has_their_own_entries(org, client, known, reader):
    # given the commission (whole unit A) and the unit chief (not the sub-unit)
    tallies_refresh()
    chief = org.users["unit_chief"]
    client.force_login(known.commission)
    whole = client.get(API, {"node": org.unit_a.pk}).json()["figures"]["approved_points"]
    client.force_login(chief)
    theirs = client.get(API, {"node": org.unit_a.pk}).json()["figures"]["approved_points"]
    assert (whole, theirs) == (3, 2)
    # and someone without the role is refused although the entry of another reader exists
    client.force_login(org.users["outsider"])
    assert client.get(API, {"node": org.unit_a.pk}).status_code == 403


def test_each_language_has_its_own_entries(org, client, known, reader):
    tallies_refresh()
    client.force_login(reader)
    chinese = client.get(URL, {"node": org.county.pk}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL, {"node": org.county.pk}).content.decode()
    assert "风险点" in chinese.split('data-testid="tiles"')[1][:2000]
    assert "Risk posts" in english.split('data-testid="tiles"')[1][:2000]


def test_the_public_gets_no_dashboard_data(org, client, known):
    tallies_refresh()
    assert client.get(API, {"node": org.county.pk}).status_code in (401, 403)


def test_group_grants_change_the_grants_version(org, known):
    # given a group that supervises unit B (a django-guardian group grant)
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from org.permissions import grants_version

    group = Group.objects.create(name="特约监督员")
    before = grants_version()
    assign_perm("org.supervise_orgnode", group, org.unit_b)
    after_grant = grants_version()
    # when someone joins the group, then every cached board is built anew
    org.users["outsider"].groups.add(group)
    assert len({before, after_grant, grants_version()}) == 3
