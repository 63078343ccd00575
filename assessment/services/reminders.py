"""Reminders of a cycle's deadlines (the annual commitment, each half-year self-inspection):
when it opens, N working days before it is due, on the due date, and once overdue — with
escalation to the unit chief and the district.

Exactly once per person (or user) and stage, however often and however concurrently the
job runs: every send first inserts a Reminder row (unique per person/user, cycle and stage)
with ON CONFLICT DO NOTHING, tagged with this run's batch id, and notifies only the rows
that carry its batch — in the same transaction. A worker killed mid-chunk rolls the whole
chunk back (rows and notifications), so the redelivered task sends it in full; a second run
finds the rows and sends nothing.

The fan-out to every cadre is cut into chunks of person ids, one task each.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import (
    FILED_COMMITMENT,
    Commitment,
    Cycle,
    CycleStatus,
    CycleUnit,
    InspectionStatus,
    Reminder,
    SelfInspection,
    Stage,
)
from core.services import notify
from core.workdays import add_workdays, workdays_between
from org.models import Person, Role, RoleAssignment

CHUNK = 2000
PHASES = ("open", "before", "due", "overdue", "escalated")
CATCH_UP_WORKDAYS = 2  # a window the daily job may have missed (a stopped beat) is caught up


@dataclass(frozen=True)
class Deadline:
    key: str  # "commitment", "inspection-1", "inspection-2"
    opens_on: dt.date
    due_on: dt.date
    half: int = 0


def deadlines(cycle: Cycle) -> list[Deadline]:
    found = [Deadline("commitment", cycle.opened_on, cycle.commitment_due)]
    found += [Deadline(cp.reminder_key, cp.opens_on, cp.due_on, cp.half) for cp in cycle.checkpoints.all()]
    return found


def due_stages(cycle: Cycle, today: dt.date) -> list[str]:
    """The reminder stages of `cycle` whose window contains `today`."""
    stages = []
    for d in deadlines(cycle):
        if d.opens_on <= today <= min(d.due_on, add_workdays(d.opens_on, CATCH_UP_WORKDAYS)):
            stages.append(f"{d.key}:open")
        if today < d.due_on and workdays_between(today, d.due_on) <= cycle.remind_workdays:
            stages.append(f"{d.key}:before")
        if today == d.due_on:
            stages.append(f"{d.key}:due")
        if d.due_on < today <= add_workdays(d.due_on, CATCH_UP_WORKDAYS):
            stages += [f"{d.key}:overdue", f"{d.key}:escalated"]
    return stages


def _deadline(cycle: Cycle, stage: str) -> tuple[Deadline, str]:
    key, phase = stage.rsplit(":", 1)
    found = next((d for d in deadlines(cycle) if d.key == key), None)
    if found is None or phase not in PHASES:
        raise ValueError(f"unknown reminder stage {stage!r}")
    return found, phase


def _pending_units(cycle: Cycle, d: Deadline) -> QuerySet[CycleUnit]:
    """The cycle's units (not archived) that still owe the deadline's work."""
    units = CycleUnit.objects.filter(cycle=cycle).exclude(stage=Stage.DONE)
    if d.key == "commitment":
        unfiled = Person.objects.filter(unit=OuterRef("unit"), is_active=True).exclude(
            Exists(Commitment.objects.filter(cycle=cycle, person=OuterRef("pk"), status__in=FILED_COMMITMENT))
        )
        return units.filter(Exists(unfiled))
    done = SelfInspection.objects.filter(
        cycle_unit=OuterRef("pk"),
        checkpoint__half=d.half,
        status__in=[InspectionStatus.SUBMITTED, InspectionStatus.ACCEPTED],
    )
    return units.exclude(Exists(done))


def audience(cycle: Cycle, stage: str) -> QuerySet[Person]:
    """The cadres a stage reaches: everyone of the cycle's units when a deadline opens;
    later, those whose own commitment, or whose unit's self-inspection, is still owed."""
    d, phase = _deadline(cycle, stage)
    people = Person.objects.filter(is_active=True)
    if phase == "open":
        units = CycleUnit.objects.filter(cycle=cycle).exclude(stage=Stage.DONE)
        return people.filter(unit_id__in=units.values("unit_id"))
    people = people.filter(unit_id__in=_pending_units(cycle, d).values("unit_id"))
    if d.key == "commitment":
        filed = Commitment.objects.filter(cycle=cycle, person=OuterRef("pk"), status__in=FILED_COMMITMENT)
        people = people.exclude(Exists(filed))
    return people


def _message(cycle: Cycle, stage: str) -> tuple[str, str]:
    d, phase = _deadline(cycle, stage)
    what = _("your public commitment") if d.key == "commitment" else _("your unit's half-year self-inspection")
    date = d.due_on.isoformat()
    titles = {
        "open": _("%(cycle)s: %(what)s is due %(date)s"),
        "before": _("Reminder: %(what)s is due %(date)s"),
        "due": _("Due today: %(what)s"),
        "overdue": _("Overdue since %(date)s: %(what)s"),
    }
    return titles[phase] % {"cycle": cycle.title, "what": what, "date": date}, reverse("assessment:mine")


def _notify_inserted(cycle: Cycle, stage: str, batch: uuid.UUID) -> None:
    title, url = _message(cycle, stage)
    users = get_user_model().objects.filter(
        is_active=True, pk__in=Reminder.objects.filter(batch=batch, person__isnull=False).values("person__user")
    )
    for user in users:
        notify(recipient=user, key=f"assessment:{cycle.pk}:{stage}", title=title, url=url)


def reminders_send_chunk(*, cycle_id: int, stage: str, lo: int, hi: int) -> int:
    """Remind the audience with person ids in [lo, hi] once; returns the reminders this
    call sent (0 when another run already did)."""
    cycle = Cycle.objects.select_related("area").get(pk=cycle_id)
    batch = uuid.uuid4()
    with transaction.atomic():
        sent = Reminder.objects.filter(cycle=cycle, stage=stage, person=OuterRef("pk"))
        ids = list(
            audience(cycle, stage).filter(pk__gte=lo, pk__lte=hi).exclude(Exists(sent)).values_list("pk", flat=True)
        )
        Reminder.objects.bulk_create(
            [Reminder(cycle=cycle, stage=stage, person_id=pk, batch=batch) for pk in ids],
            ignore_conflicts=True,
            batch_size=1000,
        )
        _notify_inserted(cycle, stage, batch)
        return Reminder.objects.filter(batch=batch).count()


def _chunks(people: QuerySet[Person], size: int) -> list[tuple[int, int]]:
    """Id ranges of at most `size` people each, from one pass over the audience's ids in
    key order (streamed, so a province's quarter-million ids cost one query)."""
    ranges: list[tuple[int, int]] = []
    first = last = None
    count = 0
    for pk in people.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=20000):
        if first is None:
            first = pk
        last, count = pk, count + 1
        if count == size:
            ranges.append((first, last))
            first, count = None, 0
    if first is not None:
        ranges.append((first, last))
    return ranges


def _escalate(cycle: Cycle, stage: str) -> int:
    """Tell the chiefs of the units still owing the deadline, and the district, once each."""
    d, _phase = _deadline(cycle, stage)
    pending = list(_pending_units(cycle, d).select_related("unit"))
    if not pending:
        return 0
    names = {cu.unit_id: cu.unit.name for cu in pending}
    chiefs: dict[int, list[str]] = defaultdict(list)
    for user_id, unit_id in RoleAssignment.objects.filter(role=Role.UNIT_CHIEF, node_id__in=names).values_list(
        "user_id", "node_id"
    ):
        chiefs[user_id].append(names[unit_id])
    district = set(
        RoleAssignment.objects.filter(role=Role.DISCIPLINE_COMMISSION, node__path__in=cycle.area.path_prefixes())
        .filter(Q(include_descendants=True) | Q(node=cycle.area))
        .values_list("user_id", flat=True)
    )
    if cycle.opened_by_id:
        district.add(cycle.opened_by_id)
    what = _("public commitments") if d.key == "commitment" else _("half-year self-inspection")
    batch = uuid.uuid4()
    with transaction.atomic():
        rows = [Reminder(cycle=cycle, stage=stage, user_id=u, batch=batch) for u in set(chiefs) | district]
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        mine = set(Reminder.objects.filter(batch=batch).values_list("user_id", flat=True))
        for user in get_user_model().objects.filter(pk__in=mine, is_active=True):
            if user.pk in chiefs:
                body = "、".join(chiefs[user.pk])
                title = _("Overdue (due %(date)s): %(what)s of %(units)s") % {
                    "date": d.due_on,
                    "what": what,
                    "units": body,
                }
            else:
                body = "、".join(sorted(names.values())[:50])
                title = _("%(n)d units overdue (due %(date)s): %(what)s") % {
                    "n": len(names),
                    "date": d.due_on,
                    "what": what,
                }
            notify(
                recipient=user,
                key=f"assessment:{cycle.pk}:{stage}",
                title=title,
                body=body,
                url=reverse("assessment:cycle", args=[cycle.pk]) + "?overdue=" + d.key,
            )
        return len(mine)


Enqueue = Callable[[int, str, int, int], object]


def _enqueue(cycle_id: int, stage: str, lo: int, hi: int) -> object:
    from assessment.tasks import remind_chunk

    return remind_chunk.delay(cycle_id, stage, lo, hi)


def reminders_dispatch(*, cycle: Cycle, stage: str, chunk: int = CHUNK, enqueue: Enqueue = _enqueue) -> list:
    """Fan a stage out: escalation is sent here; cadres' reminders are enqueued as one task
    per chunk of person ids. Returns what `enqueue` returned for each chunk."""
    _d, phase = _deadline(cycle, stage)
    if phase == "escalated":
        _escalate(cycle, stage)
        return []
    sent = Reminder.objects.filter(cycle=cycle, stage=stage, person=OuterRef("pk"))
    people = audience(cycle, stage).exclude(Exists(sent))
    return [enqueue(cycle.pk, stage, lo, hi) for lo, hi in _chunks(people, chunk)]


def reminders_run(*, today: dt.date | None = None, cycle: Cycle | None = None, enqueue: Enqueue = _enqueue) -> dict:
    """The daily job: every open cycle's stages due today, fanned out."""
    today = today or timezone.localdate()
    cycles = (
        [cycle] if cycle is not None else list(Cycle.objects.filter(status=CycleStatus.OPEN).select_related("area"))
    )
    done: dict[str, int] = {}
    for c in cycles:
        for stage in due_stages(c, today):
            done[f"{c.pk}:{stage}"] = len(reminders_dispatch(cycle=c, stage=stage, enqueue=enqueue))
    return done
