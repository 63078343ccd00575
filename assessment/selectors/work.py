"""Reads of the year's work: the education ledger, talks, commitments, self-inspections,
evaluations and spot checks, scoped to the user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from assessment import authority
from assessment.models import (
    LOCKED_COMMITMENT,
    Checkpoint,
    Commitment,
    CommitmentStatus,
    Cycle,
    CycleStatus,
    CycleUnit,
    EducationSession,
    Evaluation,
    InspectionStatus,
    SelfInspection,
    SpotCheck,
    Stage,
    Talk,
    TalkDuty,
    TalkKind,
)
from assessment.presets import EDUCATION_MIN_MINUTES, TALKS_PER_YEAR
from org.permissions import has_perm, scope_queryset

# --- cycles ---------------------------------------------------------------------------------


def months_due(year: int, today: dt.date) -> int:
    """Months of `year` that are over by `today` (each must have had a session)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def covered_months(unit_ids, year: int, today: dt.date) -> dict[int, set[int]]:
    """Months of `year` (up to the last one that is over) with a session of at least an
    hour, per unit: one query."""
    due = months_due(year, today)
    if not due:
        return {}
    rows = (
        EducationSession.objects.filter(
            unit_id__in=unit_ids, held_on__year=year, held_on__month__lte=due, minutes__gte=EDUCATION_MIN_MINUTES
        )
        .annotate(month=ExtractMonth("held_on"))
        .values_list("unit_id", "month")
        .distinct()
    )
    found: dict[int, set[int]] = defaultdict(set)
    for unit_id, month in rows:
        found[unit_id].add(month)
    return found


def missed_months(unit_ids, year: int, today: dt.date) -> dict[int, list[int]]:
    covered = covered_months(unit_ids, year, today)
    due = range(1, months_due(year, today) + 1)
    return {u: [m for m in due if m not in covered.get(u, set())] for u in unit_ids}


def education_list(*, user, unit, year: int) -> QuerySet[EducationSession]:
    qs = EducationSession.objects.filter(unit=unit, held_on__year=year).select_related("department")
    return scope_queryset(user, "assessment.view", qs)


def talk_list(*, user, unit, year: int) -> QuerySet[Talk]:
    qs = Talk.objects.filter(unit=unit, held_on__year=year).select_related("leader", "cadre")
    return scope_queryset(user, "assessment.view", qs) | qs.filter(leader__user=user)


def duty_talks(cycle_unit: CycleUnit) -> QuerySet[TalkDuty]:
    """The unit's talk duties with the routine talks held in the cycle year (one query)."""
    year = cycle_unit.cycle.year
    talks = (
        Talk.objects.filter(leader=OuterRef("leader"), cadre=OuterRef("cadre"), held_on__year=year)
        .order_by()
        .values("cadre")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        TalkDuty.objects.filter(cycle_unit=cycle_unit)
        .select_related("leader", "cadre")
        .annotate(held=Coalesce(Subquery(talks, output_field=IntegerField()), 0))
    )


def missing_talks(cycle_unit: CycleUnit) -> list[TalkDuty]:
    """Leaders and cadres who have not talked twice in the cycle year."""
    return list(duty_talks(cycle_unit).filter(held__lt=TALKS_PER_YEAR).order_by("leader__name", "cadre__name"))


def missing_life_event_talks(cycle_unit: CycleUnit) -> list:
    """Cadres who took up a new post in the cycle year (a promotion or transfer: they held
    another post before) with no life-event talk since a month before it."""
    from org.models import PostHolding

    year = cycle_unit.cycle.year
    earlier = PostHolding.objects.filter(person=OuterRef("person"), start_date__lt=OuterRef("start_date"))
    talked = Talk.objects.filter(
        cadre=OuterRef("person"),
        kind__in=[TalkKind.PROMOTION, TalkKind.TRANSFER],
        held_on__gte=OuterRef("start_date") - dt.timedelta(days=30),
    )
    return list(
        PostHolding.objects.filter(person__unit=cycle_unit.unit, start_date__year=year, person__is_active=True)
        .filter(Exists(earlier))
        .exclude(Exists(talked))
        .select_related("person", "post")
        .order_by("start_date", "pk")
    )


def my_commitment_cycles(user) -> list[tuple[Cycle, Commitment | None]]:
    """The open cycles the user's unit is in, with the user's commitment in each."""
    person = getattr(user, "person", None)
    if person is None:
        return []
    cycles = list(Cycle.objects.filter(status=CycleStatus.OPEN, units__unit=person.unit_id).order_by("-year", "-pk"))
    mine = {c.cycle_id: c for c in Commitment.objects.filter(person=person, cycle__in=cycles)}
    return [(c, mine.get(c.pk)) for c in cycles]


def may_see_commitment(user, commitment: Commitment) -> bool:
    """The cadre, those who read the unit's assessment, the leader in charge; and, once
    approved (published inside the unit), everyone who reads the unit."""
    return (
        commitment.person.user_id == user.pk
        or has_perm(user, "assessment.view", commitment)
        or authority.may_approve(user, commitment)
        or (commitment.is_locked and has_perm(user, "org.view", commitment.unit))
    )


def commitments_to_approve(user, status: str = CommitmentStatus.SUBMITTED) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(status=status)
        .filter(authority.approval_q(user))
        .select_related("person", "unit", "post", "cycle")
    )


def unit_commitments(*, user, cycle_unit: CycleUnit, published_only: bool = False) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(cycle=cycle_unit.cycle, unit=cycle_unit.unit).select_related("person", "post")
    if published_only:
        return qs.filter(status__in=LOCKED_COMMITMENT)
    return scope_queryset(user, "assessment.view", qs)


def public_commitments(unit_id: int | None = None) -> QuerySet[Commitment]:
    """Approved commitments of the units that publish them, in open cycles."""
    published = CycleUnit.objects.filter(
        cycle=OuterRef("cycle"), unit=OuterRef("unit"), commitments_public=True, cycle__status=CycleStatus.OPEN
    )
    qs = Commitment.objects.filter(status__in=LOCKED_COMMITMENT).filter(Exists(published))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.select_related("person", "unit", "post", "cycle")


def inspections_to_review(user) -> QuerySet[SelfInspection]:
    qs = SelfInspection.objects.filter(status=InspectionStatus.SUBMITTED).select_related(
        "cycle_unit__unit", "cycle_unit__cycle", "checkpoint"
    )
    return scope_queryset(user, "assessment.manage", qs)


def inspections_to_fill(user) -> QuerySet[CycleUnit]:
    """Units (in the user's charge) with an open checkpoint whose self-inspection they have
    not submitted yet."""
    today = timezone.localdate()
    submitted = SelfInspection.objects.filter(
        cycle_unit=OuterRef(OuterRef("pk")),
        checkpoint=OuterRef("pk"),
        status__in=[InspectionStatus.SUBMITTED, InspectionStatus.ACCEPTED],
    )
    owed = Checkpoint.objects.filter(cycle=OuterRef("cycle"), opens_on__lte=today).exclude(Exists(submitted))
    qs = CycleUnit.objects.filter(cycle__status=CycleStatus.OPEN).exclude(stage=Stage.DONE).filter(Exists(owed))
    return scope_queryset(user, "assessment.unit", qs)


def evaluation_list(*, user, unit=None, cycle=None) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.select_related("unit", "subject_person", "cycle")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return scope_queryset(user, "assessment.view", qs)


def evaluation_figures(evaluation: Evaluation) -> dict:
    """Issued and used tokens, and each question's answers (two queries)."""
    from assessment.models import Answer, BallotAnswer

    tokens = evaluation.tokens.aggregate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
    rows = (
        BallotAnswer.objects.filter(ballot__evaluation=evaluation)
        .values_list("question", "answer")
        .annotate(n=Count("pk"))
    )
    per_question: dict[int, dict[int, int]] = defaultdict(lambda: dict.fromkeys(Answer.values, 0))
    for question, answer, n in rows:
        per_question[question][answer] = n
    table = []
    for i, text in enumerate(evaluation.questions):
        counts = per_question[i]
        total = sum(counts.values())
        ok = counts[Answer.SATISFIED] + counts[Answer.BASICALLY]
        table.append(
            {
                "text": text,
                "counts": [counts[a] for a in Answer.values],
                "rate": round(100 * ok / total, 1) if total else None,
            }
        )
    issued, used = tokens["issued"], tokens["used"]
    return {
        "issued": issued,
        "used": used,
        "response_rate": round(100 * used / issued, 1) if issued else None,
        "questions": table,
    }


def spot_checks(*, user, unit=None, cycle=None) -> QuerySet[SpotCheck]:
    qs = SpotCheck.objects.select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return scope_queryset(user, "assessment.view", qs)
