"""The permission matrix: every role x (in scope / out of scope) x (read / write), through
the permission module, the HTML pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from guardian.shortcuts import assign_perm

from org.models import Post, PostRank, Role
from org.permissions import has_perm, may_assign_role, scope_queryset, user_perms
from tests.factories import person_holding

ALL = {"post_a1_head", "post_a1", "post_a2", "post_sub", "post_b1", "post_c1"}
UNIT_A = {"post_a1_head", "post_a1", "post_a2"}
COUNTY = UNIT_A | {"post_sub", "post_b1"}
DEPT_A1 = {"post_a1_head", "post_a1"}

# role -> (posts it may read, posts it may change)
MATRIX = {
    Role.DISCIPLINE_COMMISSION: (COUNTY, COUNTY),
    Role.LEADING_GROUP_READER: (COUNTY, set()),
    Role.DISCIPLINE_STAFF: (UNIT_A, UNIT_A),
    Role.LEADING_GROUP_OFFICE: (UNIT_A, set()),
    Role.UNIT_CHIEF: (UNIT_A, set()),
    Role.DEPUTY_IN_CHARGE: (DEPT_A1, set()),
    Role.LEADERSHIP_MEMBER: (UNIT_A, set()),
    Role.DEPARTMENT_HEAD: (DEPT_A1, set()),
    Role.CADRE: (UNIT_A, set()),
    "outsider": (set(), set()),
}


def _posts(org) -> dict[str, Post]:
    return {name: getattr(org, name) for name in ALL}


@pytest.mark.parametrize("role_name", list(MATRIX))
def test_permission_module_matrix(org, role_name):
    # given a user holding one role
    user = org.users[role_name]
    readable, writable = MATRIX[role_name]
    posts = _posts(org)
    # when the module is asked, as a queryset and per object
    seen = set(scope_queryset(user, "org.view", Post.objects.all()).values_list("name", flat=True))
    changeable = set(scope_queryset(user, "org.manage", Post.objects.all()).values_list("name", flat=True))
    # then both answers match the matrix, for every post in and out of scope
    assert seen == {posts[n].name for n in readable}
    assert changeable == {posts[n].name for n in writable}
    for name, post in posts.items():
        assert has_perm(user, "org.view", post) is (name in readable), name
        assert has_perm(user, "org.manage", post) is (name in writable), name


@pytest.mark.parametrize("role_name", list(MATRIX))
def test_pages_matrix(org, client, role_name):
    user = org.users[role_name]
    readable, writable = MATRIX[role_name]
    client.force_login(user)
    for name, post in _posts(org).items():
        # read: the post page
        response = client.get(f"/org/posts/{post.pk}/")
        assert response.status_code == (200 if name in readable else 403), name
        # write: the edit form, with a valid change
        response = client.post(
            f"/org/posts/{post.pk}/edit/",
            {
                "name": post.name + "改",
                "rank": post.rank,
                "max_holders": 1,
                "reason": "matrix",
            },
        )
        assert response.status_code == (302 if name in writable else 403), name
        post.refresh_from_db()
        assert post.name.endswith("改") is (name in writable), name


@pytest.mark.parametrize("role_name", list(MATRIX))
def test_api_matrix(org, client, role_name):
    user = org.users[role_name]
    readable, writable = MATRIX[role_name]
    client.force_login(user)
    listed = client.get("/api/v1/org/posts/?page_size=200")
    if readable:
        assert {r["id"] for r in listed.json()["results"]} == {getattr(org, n).pk for n in readable}
    else:
        assert listed.status_code == 403
    for name, post in _posts(org).items():
        expected_read = 200 if name in readable else (404 if readable else 403)
        assert client.get(f"/api/v1/org/posts/{post.pk}/").status_code == expected_read, name
        response = client.patch(f"/api/v1/org/posts/{post.pk}/", {"name": "改名"}, content_type="application/json")
        if name in writable:
            assert response.status_code == 200, name
        else:
            assert response.status_code in (403, 404), name
            post.refresh_from_db()
            assert post.name != "改名"


def test_anonymous_gets_nothing(org, client):
    assert client.get(f"/org/posts/{org.post_a1.pk}/").status_code == 302
    assert client.get("/api/v1/org/posts/").status_code in (401, 403)


def test_guardian_grant_reads_one_unit_and_below_only(org):
    # given a social supervisor granted unit B through a per-object grant
    supervisor = org.users["outsider"]
    assign_perm("org.supervise_orgnode", supervisor, org.unit_b)
    # then they read unit B's posts, and nothing else, and change nothing
    visible = set(scope_queryset(supervisor, "org.view", Post.objects.all()))
    assert visible == {org.post_b1}
    assert not has_perm(supervisor, "org.manage", org.post_b1)
    assert "org.manage" not in user_perms(supervisor)


def test_cross_unit_supervision_reads_same_or_lower_rank_in_the_area(org):
    # given the county enables cross-unit supervision and a section chief in unit A
    org.county.cross_supervision = True
    org.county.save()
    org.post_b1.rank = PostRank.SECTION
    org.post_b1.save()
    senior_b = Post.objects.create(department=org.dept_b1, name="局长", rank=PostRank.DIVISION)
    chief = person_holding(org.post_a1_head, username="section_chief")
    # then they read posts of the same or lower rank across the county, not higher ones,
    # not outside the county, and may change none of them
    visible = set(scope_queryset(chief.user, "org.view", Post.objects.all()))
    assert org.post_b1 in visible and org.post_sub in visible
    assert senior_b not in visible and org.post_c1 not in visible
    assert has_perm(chief.user, "org.view", org.post_b1)
    assert not has_perm(chief.user, "org.view", senior_b)
    assert not has_perm(chief.user, "org.manage", org.post_b1)


def test_cross_unit_supervision_off_by_default(org):
    chief = person_holding(org.post_a1_head, username="section_chief")
    assert set(scope_queryset(chief.user, "org.view", Post.objects.all())) == {org.post_a1_head}


def test_own_post_is_readable_but_an_ended_one_is_not(org):
    person = person_holding(org.post_b1, username="mover", start=dt.date(2020, 1, 1))
    assert has_perm(person.user, "org.view", org.post_b1)
    holding = person.holdings.get()
    holding.end_date = dt.date(2021, 1, 1)
    holding.save()
    person.user._lianzheng_grants = None
    del person.user._lianzheng_grants
    assert not has_perm(person.user, "org.view", org.post_b1)


def test_role_assignment_never_exceeds_the_givers_scope(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    commission = org.users[Role.DISCIPLINE_COMMISSION]
    assert may_assign_role(staff, role=Role.CADRE, node=org.unit_a, include_descendants=False)
    assert not may_assign_role(staff, role=Role.CADRE, node=org.unit_b, include_descendants=False)
    assert not may_assign_role(staff, role=Role.CADRE, node=org.unit_a, include_descendants=True)
    assert not may_assign_role(staff, role=Role.DISCIPLINE_COMMISSION, node=org.unit_a, include_descendants=False)
    assert may_assign_role(commission, role=Role.DISCIPLINE_COMMISSION, node=org.unit_b, include_descendants=True)
    assert not may_assign_role(org.users[Role.UNIT_CHIEF], role=Role.CADRE, node=org.unit_a, include_descendants=False)


def test_grants_cost_a_bounded_number_of_queries(org, django_assert_max_num_queries):
    user = org.users[Role.DEPUTY_IN_CHARGE]
    with django_assert_max_num_queries(6):
        user_perms(user)
    with django_assert_max_num_queries(0):
        has_perm(user, "org.view", org.post_a1)
