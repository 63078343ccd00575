"""Scoring: each system indicator is a ratio computed for every unit of the cycle by one
aggregate query; points = weight x ratio; assessors' marks carry their reasons; totals and
ranks are written back in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, ExtractMonth, Rank
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import RiskWarning, WarningStatus
from assessment import authority, presets
from assessment.models import (
    KEPT_RATINGS,
    SATISFIED_ANSWERS,
    BallotAnswer,
    Commitment,
    Cycle,
    CycleUnit,
    EducationSession,
    EvaluationStatus,
    Indicator,
    IndicatorSource,
    Score,
    SelfInspection,
    Talk,
    TalkDuty,
)
from assessment.selectors import months_due
from org.models import Person
from risks.models import Measure, MeasureStatus, RiskStatus

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
# {unit id: (ratio 0..1, basis in words)}
Figures = dict[int, tuple[Decimal, str]]


def _ratio(done: int, total: int, *, empty: Decimal) -> Decimal:
    return (Decimal(done) / total).quantize(FOUR, ROUND_HALF_UP) if total else empty


def _units(cycle: Cycle):
    return CycleUnit.objects.filter(cycle=cycle).values("unit_id")


def _period_end(cycle: Cycle, today: dt.date) -> dt.date:
    return min(today, dt.date(cycle.year, 12, 31))


def measures_on_time(cycle: Cycle, today: dt.date) -> Figures:
    """Measures of approved points due in the year so far, done by their deadline."""
    end = _period_end(cycle, today)
    rows = (
        Measure.objects.filter(
            point__unit_id__in=_units(cycle),
            point__status=RiskStatus.APPROVED,
            deadline__year=cycle.year,
            deadline__lte=end,
        )
        .exclude(status=MeasureStatus.CANCELLED)
        .values_list("point__unit_id")
        .annotate(due=Count("pk"), ok=Count("pk", filter=Q(status=MeasureStatus.DONE, done_on__lte=F("deadline"))))
    )
    found = {u: (_ratio(ok, due, empty=Decimal(1)), f"{ok}/{due}") for u, due, ok in rows}
    return found | {"default": (Decimal(1), "0/0")}


def inspection_on_time(cycle: Cycle, today: dt.date) -> Figures:
    """Self-inspections submitted by their due date, of the checkpoints due so far."""
    due = cycle.checkpoints.filter(due_on__lte=today).count()
    rows = (
        SelfInspection.objects.filter(cycle_unit__cycle=cycle, on_time=True, checkpoint__due_on__lte=today)
        .values_list("cycle_unit__unit_id")
        .annotate(n=Count("pk"))
    )
    found = {u: (_ratio(n, due, empty=Decimal(1)), f"{n}/{due}") for u, n in rows}
    return found | {"default": (Decimal(1) if not due else Decimal(0), f"0/{due}")}


def warnings_closed(cycle: Cycle, today: dt.date) -> Figures:
    """Warnings issued to the unit in the year, and how many are closed."""
    rows = (
        RiskWarning.objects.filter(unit_id__in=_units(cycle), issued_on__year=cycle.year, issued_on__lte=today)
        .values_list("unit_id")
        .annotate(received=Count("pk"), closed=Count("pk", filter=Q(status=WarningStatus.CLOSED)))
    )
    found = {u: (_ratio(c, r, empty=Decimal(1)), f"{c}/{r}") for u, r, c in rows}
    return found | {"default": (Decimal(1), "0/0")}


def education_months(cycle: Cycle, today: dt.date) -> Figures:
    """Months (that are over) with a session of at least an hour."""
    due = months_due(cycle.year, today)
    rows = (
        EducationSession.objects.filter(
            unit_id__in=_units(cycle),
            held_on__year=cycle.year,
            held_on__month__lte=due,
            minutes__gte=presets.EDUCATION_MIN_MINUTES,
        )
        .annotate(month=ExtractMonth("held_on"))
        .values_list("unit_id")
        .annotate(n=Count("month", distinct=True))
    )
    found = {u: (_ratio(n, due, empty=Decimal(1)), f"{n}/{due}") for u, n in rows}
    return found | {"default": (Decimal(1) if not due else Decimal(0), f"0/{due}")}


def talks_done(cycle: Cycle, today: dt.date) -> Figures:
    """Leader-cadre pairs who talked at least twice in the year, of those who must."""
    held = (
        Talk.objects.filter(leader=OuterRef("leader"), cadre=OuterRef("cadre"), held_on__year=cycle.year)
        .order_by()
        .values("cadre")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        TalkDuty.objects.filter(cycle_unit__cycle=cycle)
        .annotate(held=Coalesce(Subquery(held, output_field=IntegerField()), 0))
        .values_list("cycle_unit__unit_id")
        .annotate(required=Count("pk"), ok=Count("pk", filter=Q(held__gte=presets.TALKS_PER_YEAR)))
    )
    found = {u: (_ratio(ok, req, empty=Decimal(1)), f"{ok}/{req}") for u, req, ok in rows}
    return found | {"default": (Decimal(1), "0/0")}


def commitments_kept(cycle: Cycle, today: dt.date) -> Figures:
    """Cadres whose commitment was rated kept (好 or 较好), of all the unit's cadres."""
    kept = dict(
        Commitment.objects.filter(cycle=cycle, rating__in=KEPT_RATINGS, person__is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    cadres = (
        Person.objects.filter(unit_id__in=_units(cycle), is_active=True).values_list("unit_id").annotate(n=Count("pk"))
    )
    found = {u: (_ratio(kept.get(u, 0), n, empty=Decimal(0)), f"{kept.get(u, 0)}/{n}") for u, n in cadres}
    return found | {"default": (Decimal(0), "0/0")}


def satisfaction(cycle: Cycle, today: dt.date) -> Figures:
    """Satisfied and basically-satisfied answers of the unit's closed evaluations in the
    cycle, of all their answers; no evaluation held counts nothing."""
    rows = (
        BallotAnswer.objects.filter(ballot__evaluation__cycle=cycle, ballot__evaluation__status=EvaluationStatus.CLOSED)
        .values_list("ballot__evaluation__unit_id")
        .annotate(total=Count("pk"), ok=Count("pk", filter=Q(answer__in=SATISFIED_ANSWERS)))
    )
    found = {u: (_ratio(ok, total, empty=Decimal(0)), f"{ok}/{total}") for u, total, ok in rows}
    return found | {"default": (Decimal(0), _("no evaluation"))}


METRICS: dict[str, Callable[[Cycle, dt.date], Figures]] = {
    "measures_on_time": measures_on_time,
    "inspection_on_time": inspection_on_time,
    "warnings_closed": warnings_closed,
    "education_months": education_months,
    "talks_done": talks_done,
    "commitments_kept": commitments_kept,
    "satisfaction": satisfaction,
}


@transaction.atomic
def scores_compute(*, cycle: Cycle, user=None, today: dt.date | None = None) -> int:
    """Recompute every unit's system indicators, totals and ranks (the district, or a job).
    Assessors' marks are kept. Returns the number of units scored."""
    if user is not None and not authority.is_district(user, cycle):
        raise PermissionDenied
    today = today or timezone.localdate()
    indicators = list(cycle.indicators.filter(source=IndicatorSource.SYSTEM))
    cycle_units = list(CycleUnit.objects.filter(cycle=cycle).values_list("pk", "unit_id"))
    Score.objects.filter(cycle_unit__cycle=cycle, indicator__source=IndicatorSource.SYSTEM).delete()
    rows = []
    for indicator in indicators:
        metric = METRICS.get(indicator.key)
        if metric is None:
            continue
        figures = metric(cycle, today)
        default = figures.pop("default")
        for cu_id, unit_id in cycle_units:
            ratio, basis = figures.get(unit_id, default)
            points = (indicator.weight * ratio).quantize(TWO, ROUND_HALF_UP)
            rows.append(Score(cycle_unit_id=cu_id, indicator=indicator, ratio=ratio, points=points, basis=basis))
    Score.objects.bulk_create(rows, batch_size=2000)
    _totals(cycle)
    return len(cycle_units)


def _totals(cycle: Cycle) -> None:
    """Totals by one UPDATE with a subquery; ranks (1, 2, 2, 4 …) by a window query."""
    total = (
        Score.objects.filter(cycle_unit=OuterRef("pk"))
        .order_by()
        .values("cycle_unit")
        .annotate(s=Sum("points"))
        .values("s")
    )
    CycleUnit.objects.filter(cycle=cycle).update(
        score_total=Coalesce(Subquery(total, output_field=DecimalField()), Value(Decimal(0))),
        scored_at=timezone.now(),
    )
    ranked = CycleUnit.objects.filter(cycle=cycle).annotate(r=Window(Rank(), order_by=F("score_total").desc()))
    updates = [CycleUnit(pk=pk, score_rank=r) for pk, r in ranked.values_list("pk", "r")]
    CycleUnit.objects.bulk_update(updates, ["score_rank"], batch_size=1000)


@transaction.atomic
def mark_record(*, user, cycle_unit: CycleUnit, indicator: Indicator, points: Decimal, reason: str = "") -> Score:
    """An assessor's mark on a manual indicator, between 0 and its weight, with the reason
    where the scheme requires one (always when points are taken off)."""
    if not authority.is_district(user, cycle_unit):
        raise PermissionDenied
    if indicator.cycle_id != cycle_unit.cycle_id or indicator.source != IndicatorSource.MANUAL:
        raise ValidationError({"indicator": _("Choose an assessor's indicator of this cycle.")})
    try:
        points = Decimal(str(points)).quantize(TWO, ROUND_HALF_UP)
    except ArithmeticError:
        raise ValidationError({"points": _("Enter a number.")})
    if not Decimal(0) <= points <= indicator.weight:
        raise ValidationError(
            {"points": _("Between 0 and %(weight)s points.") % {"weight": indicator.weight.normalize()}}
        )
    if (indicator.reason_required or points < indicator.weight) and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this mark.")})
    score = Score.objects.filter(cycle_unit=cycle_unit, indicator=indicator).first() or Score(
        cycle_unit=cycle_unit, indicator=indicator
    )
    score.points, score.reason, score.assessor = points, reason.strip(), user
    score.ratio = (points / indicator.weight).quantize(FOUR, ROUND_HALF_UP) if indicator.weight else None
    score.basis = _("assessor's mark")
    score._change_reason = reason.strip()
    score.full_clean(validate_unique=False)
    score.save()
    _totals(cycle_unit.cycle)
    return score


@transaction.atomic
def indicators_configure(*, user, cycle: Cycle, weights: dict[int, Decimal], new_manual: str = "") -> list[Indicator]:
    """Change the weights of the cycle's indicators (they must add up to 100) and add an
    assessors' indicator. Not once a unit has reached Act."""
    from assessment.models import Stage

    if not authority.is_district(user, cycle):
        raise PermissionDenied
    if cycle.units.filter(stage__in=[Stage.ACT, Stage.DONE]).exists():
        raise ValidationError(_("The scheme is fixed once a unit has reached Act."))
    indicators = {i.pk: i for i in cycle.indicators.all()}
    if set(weights) - set(indicators):
        raise ValidationError({"weights": _("An indicator of another cycle.")})
    if any(w < 0 for w in weights.values()):
        raise ValidationError({"weights": _("A weight cannot be negative.")})
    new = new_manual.strip()
    merged = {pk: weights.get(pk, i.weight) for pk, i in indicators.items()}
    if sum(merged.values()) != 100:
        raise ValidationError(
            {"weights": _("The weights add up to %(sum)s; they must add up to 100.") % {"sum": sum(merged.values())}}
        )
    for pk, weight in merged.items():
        indicator = indicators[pk]
        if indicator.weight != weight:
            indicator.weight = weight
            indicator.save(update_fields=["weight"])
    if new:
        key = f"manual_{cycle.indicators.count() + 1}"
        Indicator.objects.create(
            cycle=cycle, key=key, name=new[:100], source=IndicatorSource.MANUAL, weight=0, order=len(indicators)
        )
    return list(cycle.indicators.all())
