"""PDCA cycles: opening, no stage skipped, blockers, Act carrying its decisions into the
next cycle's Plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment import selectors, services
from assessment.models import (
    Checkpoint,
    Commitment,
    CommitmentStatus,
    Cycle,
    CycleUnit,
    EducationSession,
    InspectionStatus,
    SelfInspection,
    Stage,
    StageEvent,
)
from org.models import Person, Role
from tests.assessment.conftest import OPENED, approved_point, measure, open_cycle

pytestmark = pytest.mark.django_db


def test_opening_puts_every_unit_of_the_area_in_plan_with_the_scheme(org, cycle):
    units = set(CycleUnit.objects.filter(cycle=cycle).values_list("unit__name", flat=True))
    assert units == {"甲县检察院", "派出检察室", "甲县环保局"}  # not 乙县财政局 of the other county
    assert set(CycleUnit.objects.filter(cycle=cycle).values_list("stage", flat=True)) == {Stage.PLAN}
    assert sum(i.weight for i in cycle.indicators.all()) == 100
    assert list(cycle.checkpoints.values_list("half", "due_on")) == [
        (1, dt.date(2026, 7, 15)),
        (2, dt.date(2026, 12, 31)),
    ]
    assert StageEvent.objects.filter(cycle_unit__cycle=cycle, kind="joined").count() == 3


def test_only_the_district_opens_a_cycle_and_once_a_year(org, cycle):
    with pytest.raises(PermissionDenied):
        services.cycle_open(
            user=org.users[Role.UNIT_CHIEF],
            area=org.unit_a,
            year=2027,
            commitment_due=dt.date(2027, 3, 31),
            h1_opens=dt.date(2027, 6, 1),
            h1_due=dt.date(2027, 7, 1),
            h2_opens=dt.date(2027, 12, 1),
            h2_due=dt.date(2027, 12, 31),
        )
    with pytest.raises(ValidationError) as exc:
        open_cycle(org)
    assert "year" in exc.value.message_dict
    assert Cycle.objects.count() == 1


def test_a_stage_cannot_be_skipped_and_nothing_changes(org, cu_a):
    events = StageEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.stage_advance(user=org.users[Role.DISCIPLINE_COMMISSION], cycle_unit=cu_a, to_stage=Stage.CHECK)
    assert "skipped" in exc.value.message_dict["stage"][0]
    cu_a.refresh_from_db()
    assert cu_a.stage == Stage.PLAN and StageEvent.objects.count() == events


def test_plan_is_blocked_until_rules_are_filed_and_the_year_is_planned(org, people, cu_a):
    office = org.users[Role.LEADING_GROUP_OFFICE]
    assert len(selectors.blockers_for([cu_a])[cu_a.pk]) == 2
    with pytest.raises(ValidationError) as exc:
        services.stage_advance(user=office, cycle_unit=cu_a, to_stage=Stage.DO)
    assert len(exc.value.message_dict["stage"]) == 2
    services.rules_file(user=office, cycle_unit=cu_a, note="甲检发〔2026〕3号 廉政风险防控实施细则")
    measure(approved_point(org), people.cadre, deadline=dt.date(2026, 6, 30))
    with pytest.raises(PermissionDenied):  # a cadre does not move the unit
        services.stage_advance(user=org.users[Role.CADRE], cycle_unit=cu_a, to_stage=Stage.DO)
    cu = services.stage_advance(user=office, cycle_unit=cu_a, to_stage=Stage.DO)
    assert cu.stage == Stage.DO
    assert StageEvent.objects.filter(cycle_unit=cu_a, kind="advanced", from_stage="plan", to_stage="do").exists()


def _do_the_year(org, cu, people, today):
    """Everything Do asks of unit A up to `today`: approved commitments of every cadre,
    a session every month that is over, the first half's self-inspection accepted."""
    for person in Person.objects.filter(unit=org.unit_a):
        c = Commitment.objects.create(cycle=cu.cycle, person=person, unit=org.unit_a, status=CommitmentStatus.APPROVED)
        assert c.pk
    for month in range(1, today.month):
        EducationSession.objects.create(
            unit=org.unit_a,
            held_on=dt.date(today.year, month, 20),
            minutes=90,
            place="会议室",
            form="lecture",
            topic=f"{month}月廉政教育",
            content="学习",
            participant_count=20,
        )
    for half in (1, 2):
        SelfInspection.objects.create(
            cycle_unit=cu,
            checkpoint=Checkpoint.objects.get(cycle=cu.cycle, half=half),
            status=InspectionStatus.ACCEPTED,
            submitted_on=today,
            on_time=True,
        )


def test_a_unit_goes_round_and_act_opens_next_years_plan_with_its_decisions(org, people, cu_a):
    district, office = org.users[Role.DISCIPLINE_COMMISSION], org.users[Role.LEADING_GROUP_OFFICE]
    point = approved_point(org)
    measure(point, people.cadre, deadline=dt.date(2026, 6, 30))
    services.rules_file(user=office, cycle_unit=cu_a, note="实施细则")
    services.stage_advance(user=office, cycle_unit=cu_a, to_stage=Stage.DO, today=dt.date(2026, 2, 1))
    today = dt.date(2026, 12, 20)
    blockers = selectors.blockers_for([CycleUnit.objects.get(pk=cu_a.pk)], today)[cu_a.pk]
    assert any("commitment" in b for b in blockers) and any("education" in b for b in blockers)
    _do_the_year(org, cu_a, people, today)
    services.stage_advance(user=office, cycle_unit=cu_a, to_stage=Stage.CHECK, today=today)
    with pytest.raises(PermissionDenied):  # Check → Act is the district's
        services.stage_advance(user=office, cycle_unit=cu_a, to_stage=Stage.ACT, today=today)
    with pytest.raises(ValidationError):  # not scored, no marks
        services.stage_advance(user=district, cycle_unit=cu_a, to_stage=Stage.ACT, today=today)
    services.scores_compute(user=district, cycle=cu_a.cycle, today=today)
    manual = cu_a.cycle.indicators.get(source="manual")
    services.mark_record(
        user=district, cycle_unit=cu_a, indicator=manual, points=manual.weight, reason="抽查未发现问题"
    )
    services.stage_advance(user=district, cycle_unit=cu_a, to_stage=Stage.ACT, today=today)
    with pytest.raises(ValidationError):  # no decision yet
        services.stage_advance(user=district, cycle_unit=cu_a, to_stage=Stage.DONE, today=today)
    services.act_decide(user=district, cycle_unit=cu_a, kind="reward", text="评为廉政风险防控先进单位")
    services.act_decide(user=district, cycle_unit=cu_a, kind="improvement", text="完善律师会见登记制度")
    services.act_decide(user=district, cycle_unit=cu_a, kind="regrade", text="上调为一级风险", risk_point=point)
    services.stage_advance(user=district, cycle_unit=cu_a, to_stage=Stage.DONE, today=today)
    cu_a.refresh_from_db()
    assert cu_a.stage == Stage.DONE and cu_a.archived_on == today
    # the next year's cycle is open for the unit, in Plan, with the decisions carried over
    nxt = CycleUnit.objects.select_related("cycle").get(previous=cu_a)
    assert (nxt.cycle.year, nxt.stage, nxt.cycle.opened_by_act) == (2027, Stage.PLAN, True)
    assert [c["kind"] for c in nxt.carryover] == ["improvement", "regrade"]  # not the reward
    assert nxt.carryover[1]["point"] == point.pk
    assert [cp.due_on for cp in nxt.cycle.checkpoints.all()] == [dt.date(2027, 7, 15), dt.date(2027, 12, 31)]
    with pytest.raises(ValidationError):  # archived: no stage after
        services.stage_advance(user=district, cycle_unit=cu_a, to_stage=Stage.DONE, today=today)
    # the district opening 2027 adopts that cycle and adds the other units
    adopted = open_cycle(org, year=2027, today=dt.date(2027, 1, 5))
    assert adopted.pk == nxt.cycle_id and not adopted.opened_by_act
    assert adopted.units.count() == 3
    assert CycleUnit.objects.get(pk=nxt.pk).carryover == nxt.carryover


def test_cycle_page_lists_each_units_stage_and_blockers(org, client, cu_a, cycle):
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    page = client.get(f"/assessment/{cycle.pk}/").content.decode()
    assert "甲县检察院" in page and "甲县环保局" in page
    assert page.count('data-testid="blockers"') == 3
    assert page.count("bi-exclamation-circle") == 6  # each unit: rules not filed, nothing planned


def test_a_sub_unit_opened_on_a_given_day(org, cycle):
    cu = CycleUnit.objects.get(cycle=cycle, unit=org.sub_unit)
    assert cu.stage_since == OPENED
