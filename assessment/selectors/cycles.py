"""Reads of cycles: lists, what blocks each unit, progress, scores and ranking. Figures for
many units at once are one aggregate query each, whatever the number of units."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment.models import (
    FILED_COMMITMENT,
    LOCKED_COMMITMENT,
    ActDecision,
    Commitment,
    Cycle,
    CycleUnit,
    Indicator,
    IndicatorSource,
    InspectionStatus,
    Score,
    SelfInspection,
    Stage,
)

# --- cycles ---------------------------------------------------------------------------------
from assessment.selectors.work import covered_months, missed_months, months_due
from org.models import Person
from org.permissions import scope_q, scope_queryset
from risks.models import Measure, MeasureStatus, RiskStatus


def cycle_list(*, user) -> QuerySet[Cycle]:
    """Cycles over an area in the user's scope, or with a unit in it."""
    units = CycleUnit.objects.filter(cycle=OuterRef("pk")).filter(scope_q(user, "assessment.view", CycleUnit))
    return (
        Cycle.objects.filter(Q(scope_q(user, "assessment.view", Cycle)) | Q(Exists(units)))
        .select_related("area")
        .annotate(n_units=Count("units"))
    )


def cycle_units(*, user, cycle: Cycle, stage: str = "") -> QuerySet[CycleUnit]:
    qs = CycleUnit.objects.filter(cycle=cycle).select_related("unit", "previous")
    if stage:
        qs = qs.filter(stage=stage)
    return scope_queryset(user, "assessment.view", qs)


def stage_counts(qs: QuerySet[CycleUnit]) -> dict[str, int]:
    return dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))


def may_see_cycle(user, cycle: Cycle) -> bool:
    return cycle_list(user=user).filter(pk=cycle.pk).exists()


def _cadre_counts(unit_ids) -> dict[int, int]:
    rows = Person.objects.filter(unit_id__in=unit_ids, is_active=True).values_list("unit_id").annotate(n=Count("pk"))
    return dict(rows)


def _approved_commitment_counts(cycle: Cycle, unit_ids) -> dict[int, int]:
    rows = (
        Commitment.objects.filter(
            cycle=cycle, unit_id__in=unit_ids, status__in=LOCKED_COMMITMENT, person__is_active=True
        )
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def _inspection_states(cycle_unit_ids) -> dict[tuple[int, int], str]:
    rows = SelfInspection.objects.filter(cycle_unit_id__in=cycle_unit_ids).values_list(
        "cycle_unit_id", "checkpoint__half", "status"
    )
    return {(cu, half): status for cu, half, status in rows}


def _planned_units(unit_ids, year: int) -> set[int]:
    """Units with an approved risk point that has a measure (the year's plan)."""
    rows = Measure.objects.filter(
        point__unit_id__in=unit_ids, point__status=RiskStatus.APPROVED, deadline__year__gte=year
    ).exclude(status=MeasureStatus.CANCELLED)
    return set(rows.values_list("point__unit_id", flat=True).distinct())


def _marked(cycle: Cycle, cycle_unit_ids) -> tuple[int, dict[int, int]]:
    manual = Indicator.objects.filter(cycle=cycle, source=IndicatorSource.MANUAL).count()
    rows = (
        Score.objects.filter(cycle_unit_id__in=cycle_unit_ids, indicator__source=IndicatorSource.MANUAL)
        .values_list("cycle_unit_id")
        .annotate(n=Count("pk"))
    )
    return manual, dict(rows)


def _decided(cycle_unit_ids) -> set[int]:
    return set(ActDecision.objects.filter(cycle_unit_id__in=cycle_unit_ids).values_list("cycle_unit_id", flat=True))


def blockers_for(cycle_units: list[CycleUnit], today: dt.date | None = None) -> dict[int, list[str]]:
    """What keeps each unit from moving to its next stage, in words. A bounded number of
    queries for any number of units (only the figures the units' stages need)."""
    today = today or timezone.localdate()
    found: dict[int, list[str]] = {cu.pk: [] for cu in cycle_units}
    if not cycle_units:
        return found
    cycle = cycle_units[0].cycle
    by_stage: dict[str, list[CycleUnit]] = defaultdict(list)
    for cu in cycle_units:
        by_stage[cu.stage].append(cu)
    halves = {cp.half: cp for cp in cycle.checkpoints.all()}
    states = _inspection_states([cu.pk for cu in cycle_units]) if by_stage[Stage.DO] or by_stage[Stage.CHECK] else {}

    def inspection(cu: CycleUnit, half: int) -> None:
        if half not in halves:
            return
        state = states.get((cu.pk, half))
        label = halves[half].get_half_display()
        if state != InspectionStatus.ACCEPTED:
            status = dict(InspectionStatus.choices).get(state, _("not started"))
            found[cu.pk].append(
                _("%(half)s self-inspection not accepted by the district (%(status)s).")
                % {"half": label, "status": status}
            )

    if by_stage[Stage.PLAN]:
        planned = _planned_units([cu.unit_id for cu in by_stage[Stage.PLAN]], cycle.year)
        for cu in by_stage[Stage.PLAN]:
            if cu.rules_filed_on is None:
                found[cu.pk].append(_("The implementation rules are not filed with the leading group."))
            if cu.unit_id not in planned:
                found[cu.pk].append(_("No approved risk point with a prevention measure for the year."))
    if by_stage[Stage.DO]:
        ids = [cu.unit_id for cu in by_stage[Stage.DO]]
        cadres, approved = _cadre_counts(ids), _approved_commitment_counts(cycle, ids)
        missed = missed_months(ids, cycle.year, today)
        for cu in by_stage[Stage.DO]:
            missing = cadres.get(cu.unit_id, 0) - approved.get(cu.unit_id, 0)
            if missing > 0:
                found[cu.pk].append(
                    ngettext(
                        "%(n)d cadre has no approved public commitment.",
                        "%(n)d cadres have no approved public commitment.",
                        missing,
                    )
                    % {"n": missing}
                )
            if missed.get(cu.unit_id):
                months = "、".join(str(m) for m in missed[cu.unit_id])
                found[cu.pk].append(_("No integrity education in month(s) %(months)s.") % {"months": months})
            inspection(cu, 1)
    if by_stage[Stage.CHECK]:
        manual, marked = _marked(cycle, [cu.pk for cu in by_stage[Stage.CHECK]])
        for cu in by_stage[Stage.CHECK]:
            inspection(cu, 2)
            if cu.score_total is None:
                found[cu.pk].append(_("Not scored yet."))
            if marked.get(cu.pk, 0) < manual:
                found[cu.pk].append(_("The assessors' marks are not all given."))
    if by_stage[Stage.ACT]:
        decided = _decided([cu.pk for cu in by_stage[Stage.ACT]])
        for cu in by_stage[Stage.ACT]:
            if cu.pk not in decided:
                found[cu.pk].append(_("No Act decision recorded (reward, penalty, improvement …)."))
    return found


def progress_for(cycle_units: list[CycleUnit], today: dt.date | None = None) -> dict[int, dict]:
    """The Do-stage figures of each unit for the cycle page: commitments filed/approved out
    of cadres, education months covered out of due, self-inspections (a bounded number of
    queries)."""
    today = today or timezone.localdate()
    if not cycle_units:
        return {}
    cycle = cycle_units[0].cycle
    ids = [cu.unit_id for cu in cycle_units]
    cadres = _cadre_counts(ids)
    rows = (
        Commitment.objects.filter(cycle=cycle, unit_id__in=ids)
        .values_list("unit_id")
        .annotate(
            filed=Count("pk", filter=Q(status__in=FILED_COMMITMENT)),
            approved=Count("pk", filter=Q(status__in=LOCKED_COMMITMENT)),
        )
    )
    commitments = {u: (f, a) for u, f, a in rows}
    covered = covered_months(ids, cycle.year, today)
    states = _inspection_states([cu.pk for cu in cycle_units])
    due = months_due(cycle.year, today)
    return {
        cu.pk: {
            "cadres": cadres.get(cu.unit_id, 0),
            "filed": commitments.get(cu.unit_id, (0, 0))[0],
            "approved": commitments.get(cu.unit_id, (0, 0))[1],
            "months": len(covered.get(cu.unit_id, ())),
            "months_due": due,
            "inspections": {half: status for (c, half), status in states.items() if c == cu.pk},
        }
        for cu in cycle_units
    }


def score_table(cycle_units: list[CycleUnit]) -> dict[int, dict[int, Score]]:
    """{cycle unit id: {indicator id: score}} (one query)."""
    found: dict[int, dict[int, Score]] = defaultdict(dict)
    for s in Score.objects.filter(cycle_unit__in=cycle_units).select_related("assessor"):
        found[s.cycle_unit_id][s.indicator_id] = s
    return found


def ranking(*, user, cycle: Cycle) -> QuerySet[CycleUnit]:
    return cycle_units(user=user, cycle=cycle).order_by("score_rank", "unit__path")


def unit_years(*, user, unit) -> QuerySet[CycleUnit]:
    """Year over year: the unit's cycles with their scores and ranks."""
    qs = CycleUnit.objects.filter(unit=unit).select_related("cycle").order_by("-cycle__year")
    return scope_queryset(user, "assessment.view", qs)
