"""Scoring from the system's own data on a known fixture, compared with numbers computed
here independently; marks need reasons; ranking, year over year, Excel, PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from alerts import services as alert_services
from alerts.models import RiskWarning
from assessment import services
from assessment.models import (
    Ballot,
    BallotAnswer,
    Checkpoint,
    Commitment,
    CycleUnit,
    EducationSession,
    Evaluation,
    Indicator,
    Score,
    SelfInspection,
    Talk,
)
from assessment.pdf import unit_report_pdf
from org.models import Role
from tests.assessment.conftest import approved_point, measure, open_cycle
from tests.factories import node

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 10)  # the first half-year is due (15 July); months 1-8 are over
D = dt.date


def points(weight: int, ratio: Fraction) -> Decimal:
    return (Decimal(weight) * Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def session(unit, day, minutes=90):
    EducationSession.objects.create(
        unit=unit,
        held_on=day,
        minutes=minutes,
        place="会议室",
        form="lecture",
        topic="廉政教育",
        content="学习",
        participant_count=10,
    )


@pytest.fixture
def scored(org, people, cycle):
    """The known year of units A, B and the sub-unit (which has no cadres and no data)."""
    district = org.users[Role.DISCIPLINE_COMMISSION]
    cus = {cu.unit_id: cu for cu in CycleUnit.objects.filter(cycle=cycle)}
    a, b, sub = cus[org.unit_a.pk], cus[org.unit_b.pk], cus[org.sub_unit.pk]
    # measures: A 1 of 3 due ones on time (one late, one open; one not due yet, one cancelled); B 1 of 1
    pa, pb = approved_point(org), approved_point(org, unit=org.unit_b, post=org.post_b1, description="审批中吃拿卡要")
    measure(pa, people.cadre, deadline=D(2026, 5, 31), status="done", done_on=D(2026, 5, 1))
    measure(pa, people.cadre, deadline=D(2026, 6, 30), status="done", done_on=D(2026, 7, 2))
    measure(pa, people.cadre, deadline=D(2026, 8, 31))
    measure(pa, people.cadre, deadline=D(2026, 10, 31))
    measure(pa, people.cadre, deadline=D(2026, 6, 1), status="cancelled")
    measure(pb, people.b_cadre, deadline=D(2026, 4, 30), status="done", done_on=D(2026, 4, 30))
    # self-inspections of the first half: A on time, B late, the sub-unit none
    h1 = Checkpoint.objects.get(cycle=cycle, half=1)
    SelfInspection.objects.create(
        cycle_unit=a, checkpoint=h1, status="accepted", submitted_on=D(2026, 7, 10), on_time=True
    )
    SelfInspection.objects.create(
        cycle_unit=b, checkpoint=h1, status="accepted", submitted_on=D(2026, 7, 20), on_time=False
    )
    # warnings: A received two, one closed; B none
    for title in ("预警一", "预警二"):
        w = alert_services.warning_issue(
            user=district,
            level=1,
            target_kind="unit",
            unit=org.unit_a,
            title=title,
            facts="事实",
            disposals=["rectify"],
        )
        RiskWarning.objects.filter(pk=w.pk).update(
            issued_on=D(2026, 3, 1), status="closed" if title == "预警一" else "issued"
        )
    # education: A months 1,2,3,5,7,8 (April's 45 minutes do not count; September is not over); B every month
    for month in (1, 2, 3, 5, 7, 8, 9):
        session(org.unit_a, D(2026, month, 12))
    session(org.unit_a, D(2026, 4, 12), minutes=45)
    session(org.unit_a, D(2026, 3, 20))  # a second session in March is still one month
    for month in range(1, 9):
        session(org.unit_b, D(2026, month, 3))
    # talks: of A's three duties, the head talked twice with the cadre, the chief once with the head
    services.talk_duties_refresh(cycle_unit=a, day=TODAY)
    for leader, cadre, day in [
        (people.head, people.cadre, D(2026, 2, 1)),
        (people.head, people.cadre, D(2026, 8, 1)),
        (people.chief, people.head, D(2026, 3, 1)),
        (people.head, people.cadre, D(2025, 12, 1)),  # last year's does not count
    ]:
        Talk.objects.create(unit=org.unit_a, leader=leader, cadre=cadre, held_on=day, summary="谈心")
    # commitments: of A's 5 cadres, 2 kept (好, 较好), 1 partly; B's one not rated
    for person, rating in [(people.cadre, 1), (people.head, 2), (people.clerk, 3), (people.b_cadre, None)]:
        Commitment.objects.create(
            cycle=cycle, person=person, unit=person.unit, status="rated" if rating else "approved", rating=rating
        )
    # evaluation of A: 9 of 15 answers satisfied or basically satisfied
    e = Evaluation.objects.create(
        cycle=cycle,
        unit=org.unit_a,
        subject_kind="unit",
        title="测评",
        questions=["q"] * 5,
        status="closed",
        threshold=80,
        closes_on=D(2026, 6, 30),
    )
    for answers in ([1, 1, 1, 1, 1], [2, 3, 3, 3, 2], [3, 3, 1, 2, 3]):
        ballot = Ballot.objects.create(evaluation=e)
        BallotAnswer.objects.bulk_create(
            BallotAnswer(ballot=ballot, question=i, answer=x) for i, x in enumerate(answers)
        )
    services.scores_compute(cycle=cycle, today=TODAY)
    manual = cycle.indicators.get(source="manual")
    services.mark_record(user=district, cycle_unit=a, indicator=manual, points=Decimal(18), reason="抽查发现台账不全")
    services.mark_record(user=district, cycle_unit=b, indicator=manual, points=Decimal(20), reason="抽查无问题")
    return a, b, sub


EXPECTED = {
    # measures 20, inspection 10, warnings 10, education 10, talks 10, commitments 10, satisfaction 10, marks 20
    "a": [points(20, Fraction(1, 3)), points(10, Fraction(1)), points(10, Fraction(1, 2)), points(10, Fraction(6, 8)),
          points(10, Fraction(1, 3)), points(10, Fraction(2, 5)), points(10, Fraction(9, 15)), Decimal(18)],
    "b": [points(20, Fraction(1)), points(10, Fraction(0)), points(10, Fraction(1)), points(10, Fraction(1)),
          points(10, Fraction(1)), points(10, Fraction(0)), points(10, Fraction(0)), Decimal(20)],
    "sub": [points(20, Fraction(1)), points(10, Fraction(0)), points(10, Fraction(1)), points(10, Fraction(0)),
            points(10, Fraction(1)), points(10, Fraction(0)), points(10, Fraction(0)), None],
}  # fmt: skip


def test_scores_from_the_systems_data_match_an_independent_count(scored, cycle):
    indicators = list(cycle.indicators.all())
    assert [i.key for i in indicators][:7] == [
        "measures_on_time", "inspection_on_time", "warnings_closed", "education_months", "talks_done",
        "commitments_kept", "satisfaction",
    ]  # fmt: skip
    for cu, key in zip(scored, ("a", "b", "sub"), strict=True):
        got = {s.indicator_id: s.points for s in Score.objects.filter(cycle_unit=cu)}
        assert [got.get(i.pk) for i in indicators] == EXPECTED[key], key
        cu.refresh_from_db()
        assert cu.score_total == sum(p for p in EXPECTED[key] if p is not None)
    a, b, sub = (CycleUnit.objects.get(pk=cu.pk) for cu in scored)
    assert (a.score_total, b.score_total, sub.score_total) == (Decimal("60.50"), Decimal("70.00"), Decimal("40.00"))
    assert (b.score_rank, a.score_rank, sub.score_rank) == (1, 2, 3)
    basis = Score.objects.get(cycle_unit=a, indicator__key="measures_on_time").basis
    assert basis == "1/3"


def test_a_mark_needs_its_reason_and_stays_within_the_weight(org, scored, cycle):
    a, _b, sub = scored
    district, manual = org.users[Role.DISCIPLINE_COMMISSION], cycle.indicators.get(source="manual")
    with pytest.raises(ValidationError) as exc:
        services.mark_record(user=district, cycle_unit=sub, indicator=manual, points=Decimal(15), reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.mark_record(user=district, cycle_unit=sub, indicator=manual, points=Decimal(21), reason="超出")
    assert "points" in exc.value.message_dict
    assert not Score.objects.filter(cycle_unit=sub, indicator=manual).exists()
    with pytest.raises(ValidationError):  # a system indicator is not marked by hand
        services.mark_record(
            user=district, cycle_unit=a, indicator=cycle.indicators.get(key="talks_done"), points=Decimal(1), reason="x"
        )


def test_recomputing_keeps_the_marks_and_costs_the_same_for_more_units(org, scored, cycle):
    with CaptureQueriesContext(connection) as few:
        services.scores_compute(cycle=cycle, today=TODAY)
    county = org.county
    services.cycle_add_units(cycle=cycle, units=[node(county, f"新单位{i}", "unit") for i in range(6)], today=TODAY)
    with CaptureQueriesContext(connection) as more:
        services.scores_compute(cycle=cycle, today=TODAY)
    assert len(more.captured_queries) == len(few.captured_queries)
    assert Score.objects.get(cycle_unit=scored[0], indicator__source="manual").points == Decimal(18)


def test_indicator_weights_are_configurable_and_add_up_to_100(org, cycle):
    district = org.users[Role.DISCIPLINE_COMMISSION]
    indicators = {i.key: i for i in cycle.indicators.all()}
    with pytest.raises(ValidationError):
        services.indicators_configure(user=district, cycle=cycle, weights={indicators["satisfaction"].pk: Decimal(15)})
    services.indicators_configure(
        user=district,
        cycle=cycle,
        weights={indicators["satisfaction"].pk: Decimal(15), indicators["measures_on_time"].pk: Decimal(15)},
        new_manual="述职述廉",
    )
    assert Indicator.objects.get(cycle=cycle, name="述职述廉").weight == 0
    assert sum(i.weight for i in cycle.indicators.all()) == 100


def test_ranking_page_export_and_year_over_year(org, scored, cycle, client):
    a = scored[0]
    last = open_cycle(org, year=2025)
    previous = CycleUnit.objects.get(cycle=last, unit=org.unit_a)
    CycleUnit.objects.filter(pk=previous.pk).update(score_total=Decimal("50.00"), score_rank=3)
    CycleUnit.objects.filter(pk=a.pk).update(previous=previous)
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    page = client.get(f"/assessment/{cycle.pk}/ranking/").content.decode()
    assert "+10.50" in page
    book = load_workbook(io.BytesIO(client.get(f"/assessment/{cycle.pk}/ranking.xlsx").content))
    rows = list(book.active.values)
    assert rows[0][:3] == ("排名", "单位", "阶段") and rows[0][-3:] == ("总分", "上年总分", "增减")
    assert [r[1] for r in rows[1:]] == ["甲县环保局", "甲县检察院", "派出检察室"]
    assert rows[2][-3:] == (60.5, 50.0, 10.5)
    client.force_login(org.users[Role.UNIT_CHIEF])  # a unit sees its own row only
    chief = list(load_workbook(io.BytesIO(client.get(f"/assessment/{cycle.pk}/ranking.xlsx").content)).active.values)
    assert [r[1] for r in chief[1:]] == ["甲县检察院"]


def test_assessment_report_pdf(org, scored, client):
    a = scored[0]
    data = unit_report_pdf(CycleUnit.objects.select_related("cycle__area", "unit").get(pk=a.pk))
    assert b"/FontFile2" in data  # the Chinese font is embedded
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "甲县检察院2026年度廉政风险防控考核报告" in text
    assert "防控措施按期落实" in text and "60.50" in text and "抽查发现台账不全" in text
    client.force_login(org.users[Role.UNIT_CHIEF])
    response = client.get(f"/assessment/units/{a.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.force_login(org.users["outsider"])
    assert client.get(f"/assessment/units/{a.pk}/report.pdf").status_code == 403
