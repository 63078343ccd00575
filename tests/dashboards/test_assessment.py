"""The assessment part of the dashboards: on a known fixture of two cycle years, the summary
rows give the figures counted by hand, scoped to what the reader may see, with last year's
scores beside this year's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessment.models import (
    Checkpoint,
    Commitment,
    Cycle,
    CycleUnit,
    EducationSession,
    SelfInspection,
    Talk,
    TalkDuty,
)
from dashboards import selectors
from dashboards.models import AssessmentTally
from dashboards.services import tallies_refresh
from org.models import Person, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 8, 20)  # the first half-year checkpoint is open, the second is not


def _cycle(area, year, units, stages, scores=None, ranks=None):
    cycle = Cycle.objects.create(
        area=area, year=year, title=f"{year}", opened_on=dt.date(year, 1, 5), commitment_due=dt.date(year, 3, 31)
    )
    Checkpoint.objects.create(cycle=cycle, half=1, opens_on=dt.date(year, 6, 15), due_on=dt.date(year, 7, 15))
    Checkpoint.objects.create(cycle=cycle, half=2, opens_on=dt.date(year, 12, 1), due_on=dt.date(year, 12, 31))
    made = {}
    for i, unit in enumerate(units):
        made[unit.pk] = CycleUnit.objects.create(
            cycle=cycle,
            unit=unit,
            stage=stages[i],
            stage_since=dt.date(year, 1, 5),
            score_total=(scores or {}).get(unit.pk),
            score_rank=(ranks or {}).get(unit.pk),
        )
    return cycle, made


def _session(unit, day, minutes):
    return EducationSession.objects.create(
        unit=unit,
        held_on=day,
        minutes=minutes,
        place="会议室",
        form="lecture",
        topic="廉政党课",
        content="学习",
        participant_count=10,
    )


@pytest.fixture
def assessed(org):
    """2025: units A and B scored 80 and 90. 2026: A (Do, 85.5), its sub-unit (Plan) and
    B (Check, 88) of the county, C (Do, 70) of the other county; see the test for the
    figures this gives."""
    a, sub, b, c = org.unit_a, org.sub_unit, org.unit_b, org.unit_c
    _cycle(org.county, 2025, [a, b], ["done", "done"], {a.pk: Decimal(80), b.pk: Decimal(90)})
    cycle, cu = _cycle(
        org.county,
        2026,
        [a, sub, b],
        ["do", "plan", "check"],
        {a.pk: Decimal("85.5"), b.pk: Decimal(88)},
        {a.pk: 2, b.pk: 1},
    )
    other, cu_c = _cycle(org.other_county, 2026, [c], ["do"], {c.pk: Decimal(70)}, {c.pk: 1})
    h1 = cycle.checkpoints.get(half=1)
    SelfInspection.objects.create(cycle_unit=cu[a.pk], checkpoint=h1, status="accepted", on_time=True)
    SelfInspection.objects.create(cycle_unit=cu[b.pk], checkpoint=h1, status="submitted", on_time=True)
    SelfInspection.objects.create(cycle_unit=cu[sub.pk], checkpoint=h1, status="draft")
    SelfInspection.objects.create(cycle_unit=cu_c[c.pk], checkpoint=other.checkpoints.get(half=1), status="accepted")

    def person(unit, name, active=True):
        return Person.objects.create(name=name, unit=unit, is_active=active)

    cadre, head, chief = person(a, "检察官"), person(a, "科长"), person(a, "检察长")
    gone = person(a, "已调离", active=False)
    b_cadre, c_cadre = person(b, "审批员"), person(c, "预算员")
    person(sub, "组员")
    for who, unit, status, rating in [
        (cadre, a, "rated", 1),
        (head, a, "submitted", None),
        (gone, a, "approved", None),  # an inactive cadre counts nowhere
        (b_cadre, b, "approved", None),
        (c_cadre, c, "rated", 4),
    ]:
        Commitment.objects.create(
            cycle=other if unit == c else cycle, person=who, unit=unit, status=status, rating=rating
        )
    for unit, day, minutes in [
        (a, dt.date(2026, 1, 8), 60),
        (a, dt.date(2026, 1, 20), 90),  # the same month again
        (a, dt.date(2026, 3, 3), 45),  # too short
        (a, dt.date(2026, 7, 1), 60),
        (a, dt.date(2026, 8, 3), 60),  # August is not over
        (a, dt.date(2025, 5, 5), 60),  # last year
        (b, dt.date(2026, 2, 2), 120),
        (c, dt.date(2026, 4, 4), 60),
    ]:
        _session(unit, day, minutes)
    TalkDuty.objects.create(cycle_unit=cu[a.pk], leader=chief, cadre=head)
    TalkDuty.objects.create(cycle_unit=cu[a.pk], leader=head, cadre=cadre)
    for leader, who, day in [
        (chief, head, dt.date(2026, 3, 1)),
        (chief, head, dt.date(2026, 7, 1)),  # twice: met
        (head, cadre, dt.date(2026, 4, 1)),
        (head, cadre, dt.date(2025, 11, 1)),  # last year's talk does not count
    ]:
        Talk.objects.create(unit=a, leader=leader, cadre=who, held_on=day, summary="谈心")
    tallies_refresh(today=TODAY)
    return org


COUNTY_2026 = {
    "units": 3,
    "stage_plan": 1,
    "stage_do": 1,
    "stage_check": 1,
    "stage_act": 0,
    "stage_done": 0,
    "inspections_due": 3,  # one opened checkpoint for each of the three units
    "inspections_submitted": 2,
    "inspections_accepted": 1,
    "cadres": 5,  # A 3 (one left), sub-unit 1, B 1
    "commitments_filed": 3,
    "commitments_approved": 2,
    "commitments_kept": 1,
    "education_due": 21,  # 3 units x January-July
    "education_held": 3,  # A: January, July; B: February
    "talks_due": 2,
    "talks_held": 1,
    "scored_units": 2,
    "score_sum": Decimal("173.5"),
}


def test_the_tally_holds_the_figures_counted_by_hand(assessed):
    row = AssessmentTally.objects.get(node=assessed.county, year=2026)
    assert {f: getattr(row, f) for f in AssessmentTally.FIELDS} == COUNTY_2026
    last = AssessmentTally.objects.get(node=assessed.county, year=2025)
    assert (last.units, last.stage_done, last.scored_units, last.score_sum) == (2, 2, 2, Decimal(170))
    # the province adds the other county's unit C
    province = AssessmentTally.objects.get(node=assessed.province, year=2026)
    assert (province.units, province.cadres, province.commitments_kept, province.score_sum) == (
        4,
        6,
        1,
        Decimal("243.5"),
    )
    assert province.education_held == 4 and province.inspections_accepted == 2


def test_the_refresh_is_idempotent_for_the_assessment_rows(assessed):
    before = list(AssessmentTally.objects.order_by("node_id", "year").values())
    run = tallies_refresh(today=TODAY)
    assert run.nodes_changed == 0
    assert list(AssessmentTally.objects.order_by("node_id", "year").values()) == before


def test_a_new_commitment_shows_after_the_next_refresh(assessed):
    b = assessed.unit_b
    newcomer = Person.objects.create(name="新同志", unit=b)
    Commitment.objects.create(
        cycle=Cycle.objects.get(area=assessed.county, year=2026), person=newcomer, unit=b, status="approved"
    )
    run = tallies_refresh(today=TODAY)
    row = AssessmentTally.objects.get(node=assessed.county, year=2026)
    assert (row.cadres, row.commitments_approved) == (6, 3)
    assert run.nodes_changed == 3  # unit B, the county, the province


def test_the_county_dashboard_shows_completion_scores_and_the_change(assessed):
    superuser = UserFactory(username="root", is_superuser=True)
    board = selectors.build(superuser, assessed.county, year=2026)
    a = board.assessment
    assert a.years == [2025, 2026]
    assert (a.inspection_rate, a.commitment_rate, a.education_rate, a.talk_rate) == (
        Decimal("66.7"),
        Decimal("40.0"),
        Decimal("14.3"),
        Decimal("50.0"),
    )
    assert (a.average, a.last_average, a.change) == (Decimal("86.75"), Decimal("85.00"), Decimal("1.75"))
    # done, due, per cent: inspections submitted and accepted, commitments filed, approved
    # and kept, education months, talk duties
    assert [row[1:] for row in board.charts["completion"].rows] == [
        [2, 3, 66.7],
        [1, 3, 33.3],
        [3, 5, 60.0],
        [2, 5, 40.0],
        [1, 5, 20.0],
        [3, 21, 14.3],
        [1, 2, 50.0],
    ]
    # units by stage: Plan, Do, Check, Act, archived
    assert [row[1] for row in board.charts["stages"].rows] == [1, 1, 1, 0, 0]
    # ranking of the county's units by score, with last year's and the change
    scores = board.charts["scores"]
    assert scores.rows == [["甲县环保局", 1, 88.0, 90.0, -2.0, 1], ["甲县检察院", 2, 85.5, 80.0, 5.5, 1]]
    assert scores.links == [assessed.unit_b.pk, assessed.unit_a.pk]


def test_last_year_is_one_click_away(assessed):
    superuser = UserFactory(username="root", is_superuser=True)
    a = selectors.build(superuser, assessed.county, year=2025).assessment
    assert (a.year, a.figures["units"], a.average, a.last_average) == (2025, 2, Decimal("85.00"), None)
    # a year without a cycle falls back to the latest one
    assert selectors.build(superuser, assessed.county, year=1999).assessment.year == 2026


def test_a_unit_sees_its_own_rank_and_a_chief_not_the_sub_unit(assessed):
    # given unit A's chief, whose role does not reach the sub-unit
    chief = assessed.users[Role.UNIT_CHIEF]
    a = selectors.build(chief, assessed.unit_a, year=2026).assessment
    assert (a.own.score, a.own.rank, a.own.of) == (Decimal("85.50"), 2, 3)
    # then the sub-unit's unit, cadre and inspection are not in the chief's figures
    assert (a.figures["units"], a.figures["cadres"], a.figures["inspections_due"]) == (1, 3, 1)
    assert a.figures["stage_plan"] == 0
    # while the commission over the county sees the sub-unit inside unit A
    commission = assessed.users[Role.DISCIPLINE_COMMISSION]
    assert selectors.build(commission, assessed.unit_a, year=2026).assessment.figures["units"] == 2


def test_the_other_countys_figures_stay_out_of_the_county(assessed):
    commission = assessed.users[Role.DISCIPLINE_COMMISSION]
    a = selectors.build(commission, assessed.county, year=2026).assessment
    assert a.figures == COUNTY_2026


def test_the_leading_groups_report_has_the_assessment(assessed, settings, tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    from dashboards import report

    settings.MEDIA_ROOT = str(tmp_path)
    superuser = UserFactory(username="root", is_superuser=True)
    board = selectors.build(superuser, assessed.county, year=2026)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(report.report_pdf(board, period="year"))).pages)
    assert "六、考核评价（2026年）" in text
    assert "平均得分 86.75" in text and "比上年 +1.75" in text
    assert "甲县环保局" in text.split("六、考核评价")[1]
