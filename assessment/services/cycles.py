"""The PDCA cycle: open it for an area's units, move a unit through Plan, Do, Check and Act
(no stage skipped, nothing moves while something blocks it), record what Act decided, and
archive — which opens the next cycle's Plan for the unit with the decisions carried over."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import authority, presets
from assessment.models import (
    CARRIED_KINDS,
    ActDecision,
    Checkpoint,
    Cycle,
    CycleStatus,
    CycleUnit,
    DecisionKind,
    Indicator,
    Stage,
    StageEvent,
    TalkDuty,
    next_stage,
)
from core.services import notify
from org.models import NodeKind, OrgNode, Role, RoleAssignment
from org.permissions import has_perm


def _check_upload(upload, field: str) -> None:
    from alerts.services import check_attachment

    check_attachment(upload, field)


def _units_under(area: OrgNode) -> list[OrgNode]:
    return list(OrgNode.objects.filter(path__startswith=area.path, kind=NodeKind.UNIT, is_active=True).order_by("path"))


def _indicators_for(cycle: Cycle, previous: Cycle | None) -> list[Indicator]:
    if previous is not None and previous.indicators.exists():
        source = [(i.key, i.name, i.source, i.weight, i.reason_required) for i in previous.indicators.all()]
    else:
        source = [(k, n, s, w, s == "manual") for k, n, s, w in presets.INDICATORS]
    return [
        Indicator(cycle=cycle, key=k, name=n, source=s, weight=w, reason_required=r, order=i)
        for i, (k, n, s, w, r) in enumerate(source)
    ]


def _carryover(cycle_unit: CycleUnit) -> list[dict]:
    return [
        {"kind": d.kind, "text": d.text, "point": d.risk_point_id}
        for d in cycle_unit.decisions.all()
        if d.kind in CARRIED_KINDS
    ]


def cycle_add_units(*, cycle: Cycle, units: Iterable[OrgNode], today: dt.date, actor=None) -> list[CycleUnit]:
    """Add units to a cycle at Plan (those already in it are left alone), each linked to
    its previous cycle's record with what that cycle's Act decided."""
    units = [u for u in units if u.kind == NodeKind.UNIT]
    present = set(CycleUnit.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    units = [u for u in units if u.pk not in present]
    previous: dict[int, CycleUnit] = {}
    if cycle.previous_id:
        taken = CycleUnit.objects.filter(previous__cycle_id=cycle.previous_id).values("previous_id")
        previous = {
            cu.unit_id: cu
            for cu in CycleUnit.objects.filter(cycle_id=cycle.previous_id, unit__in=units)
            .exclude(pk__in=taken)
            .prefetch_related("decisions")
        }
    rows = [
        CycleUnit(
            cycle=cycle,
            unit=u,
            stage=Stage.PLAN,
            stage_since=today,
            previous=previous.get(u.pk),
            carryover=_carryover(previous[u.pk]) if u.pk in previous else [],
        )
        for u in units
    ]
    created = CycleUnit.objects.bulk_create(rows, batch_size=1000)
    if created and created[0].pk is None:  # (backends that do not return ids)
        created = list(CycleUnit.objects.filter(cycle=cycle, unit__in=units))
    StageEvent.objects.bulk_create(
        [StageEvent(cycle_unit=cu, kind=StageEvent.Kind.JOINED, to_stage=Stage.PLAN, actor=actor) for cu in created],
        batch_size=1000,
    )
    return created


def _check_dates(commitment_due: dt.date, halves: list[tuple[dt.date, dt.date]]) -> None:
    errors: dict[str, list[str]] = {}
    for i, (opens, due) in enumerate(halves, start=1):
        if opens > due:
            errors[f"h{i}_opens"] = [_("A self-inspection cannot open after it is due.")]
    if len(halves) == 2 and halves[0][1] >= halves[1][1]:
        errors["h2_due"] = [_("The second half-year is due after the first.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_open(
    *,
    user,
    area: OrgNode,
    year: int,
    title: str = "",
    commitment_due: dt.date,
    h1_opens: dt.date,
    h1_due: dt.date,
    h2_opens: dt.date,
    h2_due: dt.date,
    units: Iterable[OrgNode] | None = None,
    remind_workdays: int = presets.REMIND_WORKDAYS,
    satisfaction_threshold: int = presets.SATISFACTION_THRESHOLD,
    today: dt.date | None = None,
) -> Cycle:
    """The district opens the year's cycle for the units of an area (all of them unless
    `units` names some), with its half-year checkpoints and the assessment scheme (the
    previous year's, else the default). Reminders go out once the cycle is committed."""
    if not has_perm(user, "assessment.manage", area):
        raise PermissionDenied
    if area.kind == NodeKind.DEPARTMENT:
        raise ValidationError({"area": _("Choose an area or a unit, not a department.")})
    today = today or timezone.localdate()
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if not 0 <= remind_workdays <= 30:
        raise ValidationError({"remind_workdays": _("Between 0 and 30 working days.")})
    if not 1 <= satisfaction_threshold <= 100:
        raise ValidationError({"satisfaction_threshold": _("Between 1 and 100 per cent.")})
    _check_dates(commitment_due, [(h1_opens, h1_due), (h2_opens, h2_due)])
    units = _units_under(area) if units is None else list(units)
    if any(not u.path.startswith(area.path) or u.kind != NodeKind.UNIT for u in units):
        raise ValidationError({"units": _("Every unit must be a unit of the area.")})
    if not units:
        raise ValidationError({"units": _("The area has no units.")})
    cycle = Cycle.objects.select_for_update().filter(area=area, year=year).first()
    if cycle is not None and not cycle.opened_by_act:
        raise ValidationError({"year": _("The area's cycle for %(year)s is already open.") % {"year": year}})
    previous = Cycle.objects.filter(area=area, year=year - 1).first()
    if cycle is None:
        cycle = Cycle(area=area, year=year, previous=previous if previous and not _has_successor(previous) else None)
    cycle.title = title.strip() or _("%(year)s integrity-risk assessment of %(area)s") % {
        "year": year,
        "area": area.name,
    }
    cycle.opened_on, cycle.opened_by, cycle.opened_by_act = today, user, False
    cycle.commitment_due, cycle.remind_workdays = commitment_due, remind_workdays
    cycle.satisfaction_threshold, cycle.status = satisfaction_threshold, CycleStatus.OPEN
    cycle.full_clean()
    adopted = cycle.pk is not None
    cycle.save()
    for half, (opens, due) in enumerate([(h1_opens, h1_due), (h2_opens, h2_due)], start=1):
        Checkpoint.objects.update_or_create(cycle=cycle, half=half, defaults={"opens_on": opens, "due_on": due})
    if not adopted or not cycle.indicators.exists():
        Indicator.objects.bulk_create(_indicators_for(cycle, cycle.previous))
    cycle_add_units(cycle=cycle, units=units, today=today, actor=user)
    transaction.on_commit(lambda: _after_open(cycle.pk))
    return cycle


def _has_successor(cycle: Cycle) -> bool:
    return Cycle.objects.filter(previous=cycle).exists()


def _after_open(cycle_id: int) -> None:
    from assessment.tasks import cycle_opened

    cycle_opened.delay(cycle_id)


def _lock(cycle_unit: CycleUnit) -> CycleUnit:
    return CycleUnit.objects.select_for_update(of=("self",)).select_related("cycle", "unit").get(pk=cycle_unit.pk)


def may_advance(user, cycle_unit: CycleUnit, to_stage: str) -> bool:
    """Plan → Do and Do → Check: the unit's leading group or the district; Check → Act and
    archiving: the district."""
    if to_stage in (Stage.DO, Stage.CHECK):
        return authority.is_unit_office(user, cycle_unit) or authority.is_district(user, cycle_unit)
    return authority.is_district(user, cycle_unit)


@transaction.atomic
def stage_advance(*, user, cycle_unit: CycleUnit, to_stage: str, note: str = "", today: dt.date | None = None):
    """Move a unit to `to_stage`, which must be the stage after its current one, once
    nothing blocks it. Archiving (Act → done) opens the next cycle's Plan for the unit with
    what Act decided carried over."""
    from assessment.selectors import blockers_for

    today = today or timezone.localdate()
    cu = _lock(cycle_unit)
    if cu.cycle.status != CycleStatus.OPEN:
        raise ValidationError({"stage": _("The cycle is closed.")})
    if to_stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    expected = next_stage(cu.stage)
    if expected is None:
        raise ValidationError({"stage": _("This unit's cycle is archived.")})
    if to_stage != expected:
        raise ValidationError(
            {
                "stage": _(
                    "A stage cannot be skipped or repeated: %(unit)s is in %(current)s; the next stage is %(next)s."
                )
                % {"unit": cu.unit.name, "current": Stage(cu.stage).label, "next": Stage(expected).label}
            }
        )
    if not may_advance(user, cu, to_stage):
        raise PermissionDenied
    blockers = blockers_for([cu], today)[cu.pk]
    if blockers:
        raise ValidationError({"stage": blockers})
    previous_stage = cu.stage
    cu.stage, cu.stage_since = to_stage, today
    if to_stage == Stage.DONE:
        cu.archived_on = today
    cu._change_reason = note.strip() or Stage(to_stage).label
    cu.save(update_fields=["stage", "stage_since", "archived_on"])
    kind = StageEvent.Kind.ARCHIVED if to_stage == Stage.DONE else StageEvent.Kind.ADVANCED
    StageEvent.objects.create(
        cycle_unit=cu, kind=kind, from_stage=previous_stage, to_stage=to_stage, actor=user, note=note.strip()
    )
    if to_stage == Stage.DONE:
        _open_next(cu, user, today)
    _tell_unit(cu, to_stage)
    return cu


def _next_cycle(cycle: Cycle, today: dt.date) -> Cycle:
    """The next year's cycle of the area: the one following this one, else a new one
    (opened by Act, to be adopted by the district when it opens the year)."""
    found = Cycle.objects.select_for_update().filter(previous=cycle).first()
    if found is not None:
        return found
    found = Cycle.objects.select_for_update().filter(area=cycle.area, year=cycle.year + 1).first()
    if found is not None:
        if found.previous_id is None:
            found.previous = cycle
            found.save(update_fields=["previous"])
        return found

    def shift(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year + 1, day=28)

    nxt = Cycle.objects.create(
        area=cycle.area,
        year=cycle.year + 1,
        title=_("%(year)s integrity-risk assessment of %(area)s") % {"year": cycle.year + 1, "area": cycle.area.name},
        opened_on=today,
        opened_by_act=True,
        commitment_due=shift(cycle.commitment_due),
        remind_workdays=cycle.remind_workdays,
        satisfaction_threshold=cycle.satisfaction_threshold,
        previous=cycle,
    )
    Checkpoint.objects.bulk_create(
        [
            Checkpoint(cycle=nxt, half=c.half, opens_on=shift(c.opens_on), due_on=shift(c.due_on))
            for c in cycle.checkpoints.all()
        ]
    )
    Indicator.objects.bulk_create(_indicators_for(nxt, cycle))
    return nxt


def _open_next(cu: CycleUnit, user, today: dt.date) -> CycleUnit:
    nxt = _next_cycle(cu.cycle, today)
    found = CycleUnit.objects.filter(cycle=nxt, unit=cu.unit).first()
    carried = _carryover(cu)
    if found is None:
        found = cycle_add_units(cycle=nxt, units=[cu.unit], today=today, actor=user)[0]
    elif found.previous_id is None:
        found.previous, found.carryover = cu, carried
        found.save(update_fields=["previous", "carryover"])
    return found


def _tell_unit(cu: CycleUnit, stage: str) -> None:
    holders = RoleAssignment.objects.filter(
        node=cu.unit, role__in=[Role.UNIT_CHIEF, Role.LEADING_GROUP_OFFICE]
    ).select_related("user")
    for a in holders:
        notify(
            recipient=a.user,
            key=f"assessment-stage:{cu.pk}:{stage}",
            title=_("%(unit)s moved to %(stage)s (%(cycle)s)")
            % {"unit": cu.unit.name, "stage": Stage(stage).label, "cycle": cu.cycle.title},
            url=reverse("assessment:unit", args=[cu.pk]),
            email=False,
        )


@transaction.atomic
def rules_file(*, user, cycle_unit: CycleUnit, note: str, upload=None, today: dt.date | None = None) -> CycleUnit:
    """The unit files its implementation rules with the leading group (Plan)."""
    cu = _lock(cycle_unit)
    if not authority.is_unit_office(user, cu):
        raise PermissionDenied
    if cu.stage != Stage.PLAN:
        raise ValidationError(_("The implementation rules are filed in the Plan stage."))
    if not note.strip():
        raise ValidationError({"note": _("Name the rules (title and document number).")})
    _check_upload(upload, "upload")
    cu.rules_note, cu.rules_filed_on = note.strip(), today or timezone.localdate()
    if upload is not None:
        cu.rules_file = upload
    cu._change_reason = _("Implementation rules filed")
    cu.save()
    StageEvent.objects.create(
        cycle_unit=cu, kind=StageEvent.Kind.RULES, to_stage=cu.stage, actor=user, note=cu.rules_note
    )
    return cu


@transaction.atomic
def act_decide(*, user, cycle_unit: CycleUnit, kind: str, text: str, risk_point=None) -> ActDecision:
    """Record what Act decided for a unit (the district)."""
    cu = _lock(cycle_unit)
    if not authority.is_district(user, cu):
        raise PermissionDenied
    if cu.stage != Stage.ACT:
        raise ValidationError(_("Decisions are recorded in the Act stage."))
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Choose a decision.")})
    if not text.strip():
        raise ValidationError({"text": _("Say what was decided.")})
    if kind == DecisionKind.REGRADE and risk_point is None:
        raise ValidationError({"risk_point": _("Choose the risk point to regrade.")})
    if risk_point is not None and risk_point.unit_id != cu.unit_id:
        raise ValidationError({"risk_point": _("The risk point must belong to the unit.")})
    decision = ActDecision(cycle_unit=cu, kind=kind, text=text.strip(), risk_point=risk_point, decided_by=user)
    decision.full_clean()
    decision.save()
    StageEvent.objects.create(
        cycle_unit=cu, kind=StageEvent.Kind.DECIDED, to_stage=cu.stage, actor=user, note=text.strip()
    )
    return decision


def talk_duties_refresh(*, cycle_unit: CycleUnit, day: dt.date | None = None) -> int:
    """Rebuild who must talk with whom in the unit from the roles and posts in force."""
    pairs = authority.led_pairs(cycle_unit.unit, day)
    existing = set(TalkDuty.objects.filter(cycle_unit=cycle_unit).values_list("leader_id", "cadre_id"))
    gone = existing - pairs
    if gone:
        by_leader: dict[int, list[int]] = defaultdict(list)
        for leader, cadre in gone:
            by_leader[leader].append(cadre)
        for leader, cadres in by_leader.items():
            TalkDuty.objects.filter(cycle_unit=cycle_unit, leader_id=leader, cadre_id__in=cadres).delete()
    TalkDuty.objects.bulk_create(
        [TalkDuty(cycle_unit=cycle_unit, leader_id=a, cadre_id=b) for a, b in pairs - existing], ignore_conflicts=True
    )
    return len(pairs)
