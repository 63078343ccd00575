"""The pages: a permission matrix (role x in scope / out of scope), list pages whose query
count does not grow with their rows, the menu and the to-do items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import services
from assessment.models import Checkpoint, Commitment, CycleUnit, EducationSession, SelfInspection, Talk
from core.todo import todos_for
from org.models import Person, Role
from tests.assessment.conftest import approved_point, measure
from tests.factories import UserFactory, node, person_holding

pytestmark = pytest.mark.django_db

VIEWERS = {
    Role.DISCIPLINE_COMMISSION,
    Role.LEADING_GROUP_READER,
    Role.DISCIPLINE_STAFF,
    Role.LEADING_GROUP_OFFICE,
    Role.UNIT_CHIEF,
    Role.LEADERSHIP_MEMBER,
}
COUNTY_WIDE = {Role.DISCIPLINE_COMMISSION, Role.LEADING_GROUP_READER}
UNIT_OFFICE = {Role.DISCIPLINE_STAFF, Role.LEADING_GROUP_OFFICE, Role.UNIT_CHIEF}
EVERYONE = [*Role.values, "outsider"]


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def other_cycle(org):
    """A cycle of the other county, opened by a superuser."""
    admin = UserFactory(username="root", is_superuser=True)
    return services.cycle_open(
        user=admin,
        area=org.other_county,
        year=2026,
        commitment_due=dt.date(2026, 3, 31),
        h1_opens=dt.date(2026, 6, 15),
        h1_due=dt.date(2026, 7, 15),
        h2_opens=dt.date(2026, 12, 1),
        h2_due=dt.date(2026, 12, 31),
    )


@pytest.mark.parametrize("who", EVERYONE)
def test_permission_matrix(org, client, cycle, other_cycle, who):
    cu_a = CycleUnit.objects.get(cycle=cycle, unit=org.unit_a)
    cu_b = CycleUnit.objects.get(cycle=cycle, unit=org.unit_b)
    cu_c = CycleUnit.objects.get(cycle=other_cycle, unit=org.unit_c)
    client.force_login(org.users[who])
    expected = {
        "/assessment/mine/": True,
        "/assessment/": who in VIEWERS,
        f"/assessment/{cycle.pk}/": who in VIEWERS,
        f"/assessment/{other_cycle.pk}/": False,
        f"/assessment/units/{cu_a.pk}/": who in VIEWERS,
        f"/assessment/units/{cu_b.pk}/": who in COUNTY_WIDE,
        f"/assessment/units/{cu_c.pk}/": False,
        f"/assessment/units/{cu_a.pk}/education/": who in VIEWERS,
        f"/assessment/units/{cu_a.pk}/education/new/": who in UNIT_OFFICE,
        f"/assessment/units/{cu_a.pk}/spotchecks/new/": who == Role.DISCIPLINE_COMMISSION,
        f"/assessment/units/{cu_b.pk}/spotchecks/new/": who == Role.DISCIPLINE_COMMISSION,
        f"/assessment/{cycle.pk}/indicators/": who == Role.DISCIPLINE_COMMISSION,
        f"/assessment/{cycle.pk}/ranking/": who in VIEWERS,
        f"/assessment/units/{cu_a.pk}/report.pdf": who in VIEWERS,
        f"/assessment/units/{cu_c.pk}/report.pdf": False,
    }
    got = {url: client.get(url).status_code for url in expected}
    assert got == {url: 200 if ok else 403 for url, ok in expected.items()}
    # writes: moving a unit on, and a district's decision
    moved = client.post(f"/assessment/units/{cu_b.pk}/advance/", {"stage": "do"})
    assert moved.status_code == (302 if who == Role.DISCIPLINE_COMMISSION else 403)
    assert CycleUnit.objects.get(pk=cu_b.pk).stage == "plan"  # (blocked: nothing is filed)


def test_the_unit_office_files_rules_and_the_district_reviews(org, client, people, cu_a):
    client.force_login(org.users[Role.LEADING_GROUP_OFFICE])
    response = client.post(f"/assessment/units/{cu_a.pk}/rules/", {"note": "甲检发〔2026〕3号"})
    assert response.status_code == 302
    measure(approved_point(org), people.cadre, deadline=dt.date(2026, 6, 30))
    client.post(f"/assessment/units/{cu_a.pk}/advance/", {"stage": "check"})  # a skip: refused
    assert CycleUnit.objects.get(pk=cu_a.pk).stage == "plan"
    client.post(f"/assessment/units/{cu_a.pk}/advance/", {"stage": "do"})
    assert CycleUnit.objects.get(pk=cu_a.pk).stage == "do"
    page = client.get(f"/assessment/units/{cu_a.pk}/").content.decode()
    assert 'data-stage="do"' in page and 'data-testid="unit-blockers"' in page


def _grow(org, cycle, people, n: int) -> None:
    """More units, cadres, commitments, sessions, talks and inspections."""
    units = [node(org.county, f"扩充单位{i}", "unit") for i in range(n)]
    added = services.cycle_add_units(cycle=cycle, units=units, today=dt.date(2026, 1, 20))
    h1 = Checkpoint.objects.get(cycle=cycle, half=1)
    for i, (unit, cu) in enumerate(zip(units, added, strict=True)):
        dept = node(unit, "综合科", "department")
        from tests.factories import PostFactory

        person = person_holding(PostFactory(department=dept), username=f"grow{i}")
        Commitment.objects.create(cycle=cycle, person=person, unit=unit, status="approved")
        SelfInspection.objects.create(
            cycle_unit=cu, checkpoint=h1, status="submitted", submitted_on=dt.date(2026, 7, 1)
        )
        EducationSession.objects.create(
            unit=unit,
            held_on=dt.date(2026, 1, 5),
            minutes=60,
            place="室",
            form="lecture",
            topic="课",
            content="学",
            participant_count=5,
        )
    cu_a = CycleUnit.objects.get(cycle=cycle, unit=org.unit_a)
    for i in range(n):
        EducationSession.objects.create(
            unit=org.unit_a,
            held_on=dt.date(2026, 1 + i % 9, 3),
            minutes=60,
            place="室",
            form="lecture",
            topic=f"课{i}",
            content="学",
            participant_count=5,
        )
        Talk.objects.create(
            unit=org.unit_a, leader=people.head, cadre=people.cadre, held_on=dt.date(2026, 2, 1 + i), summary="谈"
        )
        other = Person.objects.create(name=f"同事{i}", unit=org.unit_a)
        Commitment.objects.create(cycle=cycle, person=other, unit=org.unit_a, status="approved")
    services.talk_duties_refresh(cycle_unit=cu_a)
    services.scores_compute(cycle=cycle)


@pytest.mark.parametrize(
    "url",
    [
        "/assessment/",
        "/assessment/{cycle}/",
        "/assessment/{cycle}/ranking/",
        "/assessment/units/{cu}/",
        "/assessment/units/{cu}/commitments/",
        "/assessment/units/{cu}/education/",
        "/assessment/units/{cu}/talks/",
    ],
)
def test_list_pages_queries_do_not_grow(org, client, people, cycle, url):
    # one row of each on the first count (a prefetch runs only for rows)
    Commitment.objects.create(cycle=cycle, person=people.cadre, unit=org.unit_a, status="approved")
    Talk.objects.create(
        unit=org.unit_a, leader=people.head, cadre=people.cadre, held_on=dt.date(2026, 1, 9), summary="谈"
    )
    services.scores_compute(cycle=cycle)
    cu = CycleUnit.objects.get(cycle=cycle, unit=org.unit_a)
    url = url.format(cycle=cycle.pk, cu=cu.pk)
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    few = queries(client, url)
    _grow(org, cycle, people, 6)
    assert queries(client, url) == few


def test_approval_queue_queries_do_not_grow(org, client, people, cycle):
    services.commitment_save(user=people.cadre.user, cycle=cycle, own_items=[], submit=True)
    deputy = org.users[Role.DEPUTY_IN_CHARGE]
    client.force_login(deputy)
    few = queries(client, "/assessment/commitments/approve/")
    for i in range(6):
        services.commitment_save(
            user=person_holding(org.post_a1, username=f"more{i}").user, cycle=cycle, own_items=[], submit=True
        )
    assert queries(client, "/assessment/commitments/approve/") == few


def test_menu_and_to_do(org, client, people, cycle, routed):
    client.force_login(people.cadre.user)
    page = client.get("/").content.decode()
    assert 'data-menu="assessment.mine"' in page and 'data-menu="assessment.cycles"' not in page
    assert {i.url for i in todos_for(people.cadre.user)} == {"/assessment/mine/"}
    services.commitment_save(user=people.cadre.user, cycle=cycle, own_items=[], submit=True)
    assert "/assessment/mine/" not in {i.url for i in todos_for(people.cadre.user)}
    deputy = {i.url: i.count for i in todos_for(org.users[Role.DEPUTY_IN_CHARGE])}
    assert deputy["/assessment/commitments/approve/"] == 1
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    assert 'data-menu="assessment.cycles"' in client.get("/").content.decode()


def test_the_unit_office_is_told_of_a_self_inspection_to_submit(org, people, cycle, routed):
    office = org.users[Role.LEADING_GROUP_OFFICE]
    # the first half-year's checkpoint is open, the second's not yet (whatever today is)
    today = timezone.localdate()
    Checkpoint.objects.filter(cycle=cycle, half=1).update(opens_on=dt.date(2020, 1, 1))
    Checkpoint.objects.filter(cycle=cycle, half=2).update(
        opens_on=today + dt.timedelta(days=30), due_on=today + dt.timedelta(days=60)
    )
    assert {i.title: i.count for i in todos_for(office)}["Self-inspections to submit"] == 1
    cu = CycleUnit.objects.get(cycle=cycle, unit=org.unit_a)
    SelfInspection.objects.create(
        cycle_unit=cu, checkpoint=Checkpoint.objects.get(cycle=cycle, half=1), status="submitted"
    )
    assert "Self-inspections to submit" not in {str(i.title) for i in todos_for(office)}
    district = {str(i.title): i.count for i in todos_for(org.users[Role.DISCIPLINE_COMMISSION])}
    assert district["Self-inspections to review"] == 1
