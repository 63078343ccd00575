"""Organisation writes: bad input gets a clear error and nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from org import selectors, services
from org.models import NodeKind, OrgNode, Person, PostHolding, Role, RoleAssignment
from tests.factories import person_holding

D = dt.date


def _person(org, name="新干部"):
    return Person.objects.create(name=name, unit=org.unit_a)


def test_a_post_cannot_be_held_by_two_at_once(org):
    staff = org.users["discipline"]
    holder = _person(org, "甲")
    services.holding_start(user=staff, person=holder, post=org.post_a1, start_date=D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.holding_start(user=staff, person=_person(org, "乙"), post=org.post_a1, start_date=D(2025, 6, 1))
    assert "post" in exc.value.message_dict
    assert org.post_a1.holdings.count() == 1


def test_a_post_that_allows_two_takes_two(org):
    staff = org.users["discipline"]
    services.post_update(user=staff, post=org.post_a1, max_holders=2)
    for name in ("甲", "乙"):
        services.holding_start(user=staff, person=_person(org, name), post=org.post_a1, start_date=D(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.holding_start(user=staff, person=_person(org, "丙"), post=org.post_a1, start_date=D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.post_update(user=staff, post=org.post_a1, max_holders=1)
    assert "max_holders" in exc.value.message_dict


def test_who_held_the_post_on_a_date(org):
    staff = org.users["discipline"]
    first, second = _person(org, "前任"), _person(org, "现任")
    h = services.holding_start(user=staff, person=first, post=org.post_a1, start_date=D(2023, 3, 1))
    services.holding_end(user=staff, holding=h, end_date=D(2025, 2, 28), note="调任")
    services.holding_start(user=staff, person=second, post=org.post_a1, start_date=D(2025, 3, 1))
    assert [x.person for x in selectors.holders_on(post=org.post_a1, day=D(2024, 6, 1))] == [first]
    assert [x.person for x in selectors.holders_on(post=org.post_a1, day=D(2025, 2, 28))] == [first]
    assert [x.person for x in selectors.holders_on(post=org.post_a1, day=D(2025, 3, 1))] == [second]
    assert list(selectors.holders_on(post=org.post_a1, day=D(2020, 1, 1))) == []


def test_transfer_ends_the_old_post_the_day_before(org):
    staff = org.users["discipline"]
    person = _person(org)
    services.holding_start(user=staff, person=person, post=org.post_a1, start_date=D(2024, 1, 1))
    services.holding_start(user=staff, person=person, post=org.post_a2, start_date=D(2025, 7, 1), end_current=True)
    old = person.holdings.get(post=org.post_a1)
    assert old.end_date == D(2025, 6, 30)
    assert person.holdings.current().get().post == org.post_a2


def test_end_before_start_is_refused(org):
    staff = org.users["discipline"]
    h = services.holding_start(user=staff, person=_person(org), post=org.post_a1, start_date=D(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.holding_end(user=staff, holding=h, end_date=D(2024, 1, 1))
    h.refresh_from_db()
    assert h.end_date is None


def test_moving_a_department_keeps_its_posts_and_holdings(org):
    commission = org.users["commission"]
    holder = person_holding(org.post_a2)
    services.node_move(user=commission, node=org.dept_a2, new_parent=org.unit_b, reason="职能划转")
    org.dept_a2.refresh_from_db()
    assert org.dept_a2.path.startswith(org.unit_b.path)
    assert org.post_a2.department_id == org.dept_a2.pk
    assert PostHolding.objects.filter(person=holder, post=org.post_a2).exists()
    assert org.dept_a2.owning_unit() == org.unit_b


def test_a_unit_cannot_become_its_own_ancestor(org):
    commission = org.users["commission"]
    for target in (org.unit_a, org.sub_unit):
        with pytest.raises(ValidationError) as exc:
            services.node_move(user=commission, node=org.unit_a, new_parent=target)
        assert "new_parent" in exc.value.message_dict
    org.unit_a.refresh_from_db()
    assert OrgNode.objects.get_parent(org.unit_a) == org.county


def test_levels_must_fit(org):
    staff = org.users["commission"]
    with pytest.raises(ValidationError):
        services.node_create(user=staff, parent=org.dept_a1, name="下级", kind=NodeKind.DEPARTMENT)
    with pytest.raises(ValidationError):
        services.node_create(user=staff, parent=org.county, name="省", kind=NodeKind.PROVINCE)
    with pytest.raises(ValidationError):
        services.node_move(user=staff, node=org.dept_a1, new_parent=org.county)
    created = services.node_create(user=staff, parent=org.unit_b, name="执法大队", kind=NodeKind.DEPARTMENT)
    assert OrgNode.objects.get_parent(created) == org.unit_b


def test_writes_outside_scope_are_refused(org):
    staff = org.users["discipline"]
    with pytest.raises(PermissionDenied):
        services.post_create(user=staff, department=org.dept_b1, name="越权岗位")
    with pytest.raises(PermissionDenied):
        services.node_move(user=staff, node=org.dept_a2, new_parent=org.unit_b)
    with pytest.raises(PermissionDenied):
        services.node_create(user=staff, parent=None, name="新省", kind=NodeKind.PROVINCE)
    assert not org.dept_b1.posts.filter(name="越权岗位").exists()


def test_deputy_needs_departments_of_the_unit(org):
    commission = org.users["commission"]
    target = org.users["outsider"]
    with pytest.raises(ValidationError):
        services.role_assign(user=commission, target_user=target, role=Role.DEPUTY_IN_CHARGE, node=org.unit_a)
    with pytest.raises(ValidationError):
        services.role_assign(
            user=commission, target_user=target, role=Role.DEPUTY_IN_CHARGE, node=org.unit_a, departments=[org.dept_b1]
        )
    a = services.role_assign(
        user=commission, target_user=target, role=Role.DEPUTY_IN_CHARGE, node=org.unit_a, departments=[org.dept_a2]
    )
    assert list(a.departments.all()) == [org.dept_a2]
    with pytest.raises(ValidationError):
        services.role_revoke(user=commission, assignment=a, reason=" ")
    services.role_revoke(user=commission, assignment=a, reason="任职调整")
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()


def test_staff_cannot_escalate(org):
    staff = org.users["discipline"]
    with pytest.raises(PermissionDenied):
        services.role_assign(
            user=staff, target_user=org.users["outsider"], role=Role.DISCIPLINE_COMMISSION, node=org.unit_a
        )
    with pytest.raises(PermissionDenied):
        services.role_assign(user=staff, target_user=org.users["outsider"], role=Role.CADRE, node=org.county)


def test_form_errors_are_in_chinese(org, client):
    client.force_login(org.users["discipline"])
    _person(org, "已任职").holdings.create(post=org.post_a1, start_date=D(2024, 1, 1))
    person = _person(org, "新人")
    page = client.post(f"/org/people/{person.pk}/appoint/", {"post": org.post_a1.pk, "start_date": "2025-01-01"})
    assert page.status_code == 200
    assert "已满" in page.content.decode() or "在该日期" in page.content.decode()
    assert not person.holdings.exists()
    page = client.post(f"/org/people/{person.pk}/appoint/", {"post": org.post_a2.pk, "start_date": "明天"})
    assert "有效的日期" in page.content.decode()


def test_api_returns_400_with_field_errors(org, client):
    client.force_login(org.users["discipline"])
    person = _person(org)
    PostHolding.objects.create(person=_person(org, "在任"), post=org.post_a1, start_date=D(2024, 1, 1))
    response = client.post(
        "/api/v1/org/holdings/",
        {"person": person.pk, "post": org.post_a1.pk, "start_date": "2025-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "post" in response.json()
    response = client.post(
        "/api/v1/org/posts/", {"department": org.dept_a1.pk, "name": "", "rank": 99}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "rank"}
    moved = client.post(
        f"/api/v1/org/nodes/{org.unit_a.pk}/move/", {"new_parent": org.sub_unit.pk}, content_type="application/json"
    )
    assert moved.status_code in (400, 403)


def test_api_creates_through_services(org, client):
    client.force_login(org.users["discipline"])
    response = client.post(
        "/api/v1/org/nodes/",
        {"parent": org.unit_a.pk, "name": "案管中心", "kind": "department"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    node = OrgNode.objects.get(name="案管中心")
    assert OrgNode.objects.get_parent(node) == org.unit_a
    denied = client.post(
        "/api/v1/org/nodes/",
        {"parent": org.unit_b.pk, "name": "越权", "kind": "department"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert not OrgNode.objects.filter(name="越权").exists()


def test_api_token_auth(org, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=org.users["cadre"])
    response = client.get("/api/v1/org/posts/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {org.post_a1_head.pk, org.post_a1.pk, org.post_a2.pk}


def test_vacant_key_posts_are_on_the_managers_to_do(org, client):
    from core.todo import todos_for

    staff = org.users["discipline"]
    # post_a1_head is a key post nobody holds; post_a1 is held
    person_holding(org.post_a1)
    [item] = todos_for(staff)
    assert item.count == 1
    person_holding(org.post_a1_head)
    assert todos_for(staff) == []
    assert todos_for(org.users["cadre"]) == []


def test_unit_page_counts_are_database_aggregates(org, client):
    client.force_login(org.users["commission"])
    counts = client.get(f"/org/nodes/{org.unit_a.pk}/").context["counts"]
    assert counts == {"units": 1, "departments": 3, "posts": 4, "key_posts": 1, "holders": 0}


def test_role_withdrawal_page_needs_a_reason(org, client):
    assignment = org.users[Role.CADRE].role_assignments.get()
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    assert client.get(f"/org/roles/{assignment.pk}/revoke/").status_code == 200
    page = client.post(f"/org/roles/{assignment.pk}/revoke/", {"reason": ""})
    assert page.status_code == 200 and RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(f"/org/roles/{assignment.pk}/revoke/", {"reason": "调离"}).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    client.force_login(org.users[Role.UNIT_CHIEF])
    other = org.users[Role.DEPUTY_IN_CHARGE].role_assignments.get()
    assert client.post(f"/org/roles/{other.pk}/revoke/", {"reason": "x"}).status_code == 403


def test_commission_grants_and_withdraws_supervision_in_the_app(org, client):
    from org.models import SupervisionGrantEvent

    supervisor = org.users["outsider"]
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    response = client.post(f"/org/nodes/{org.unit_b.pk}/supervisors/add/", {"username": "outsider", "reason": "聘任"})
    assert response.status_code == 302
    assert has_perm_fresh(supervisor, org.post_b1)
    page = client.get(f"/org/nodes/{org.unit_b.pk}/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    table = page[page.index('data-testid="node-supervisors"') :]
    assert "outsider" in table[: table.index("</table>")] and "outsider" not in title
    response = client.post(f"/org/nodes/{org.unit_b.pk}/supervisors/{supervisor.pk}/remove/", {"reason": "任期届满"})
    assert response.status_code == 302
    assert not has_perm_fresh(supervisor, org.post_b1)
    assert list(SupervisionGrantEvent.objects.values_list("kind", "reason")) == [("+", "聘任"), ("-", "任期届满")]


def test_unit_staff_cannot_grant_supervision(org, client):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    response = client.post(f"/org/nodes/{org.unit_a.pk}/supervisors/add/", {"username": "outsider", "reason": "x"})
    assert response.status_code == 403
    assert not has_perm_fresh(org.users["outsider"], org.post_a1)


def has_perm_fresh(user, obj) -> bool:
    from django.contrib.auth import get_user_model

    from org.permissions import has_perm

    return has_perm(get_user_model().objects.get(pk=user.pk), "org.view", obj)
