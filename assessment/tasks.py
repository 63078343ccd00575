"""Celery jobs of the assessment area: they take ids and call one idempotent service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

TALK_DUTY_CHUNK = 200


@shared_task(name="assessment.tasks.send_reminders")
def send_reminders() -> dict:
    """Daily: every open cycle's reminder stages due today, fanned out in chunks."""
    from assessment.services import reminders_run

    return reminders_run()


@shared_task(
    name="assessment.tasks.remind_chunk",
    acks_late=True,  # a worker killed mid-chunk: the broker hands the chunk to another one
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_chunk(cycle_id: int, stage: str, lo: int, hi: int) -> int:
    from assessment.services import reminders_send_chunk

    return reminders_send_chunk(cycle_id=cycle_id, stage=stage, lo=lo, hi=hi)


@shared_task(name="assessment.tasks.cycle_opened")
def cycle_opened(cycle_id: int) -> dict:
    """A cycle was opened: the reminders due now, and who must talk with whom."""
    from assessment.models import Cycle, CycleUnit
    from assessment.services import reminders_run

    cycle = Cycle.objects.select_related("area").get(pk=cycle_id)
    ids = list(CycleUnit.objects.filter(cycle=cycle).values_list("pk", flat=True))
    for i in range(0, len(ids), TALK_DUTY_CHUNK):
        refresh_talk_duties.delay(ids[i : i + TALK_DUTY_CHUNK])
    return reminders_run(cycle=cycle)


@shared_task(name="assessment.tasks.refresh_talk_duties")
def refresh_talk_duties(cycle_unit_ids: list[int] | None = None) -> int:
    """Rebuild who must talk with whom: for the given units, or (weekly) every unit of an
    open cycle, in chunks."""
    from assessment.models import CycleStatus, CycleUnit
    from assessment.services import talk_duties_refresh

    if cycle_unit_ids is None:
        ids = list(
            CycleUnit.objects.filter(cycle__status=CycleStatus.OPEN).exclude(stage="done").values_list("pk", flat=True)
        )
        for i in range(0, len(ids), TALK_DUTY_CHUNK):
            refresh_talk_duties.delay(ids[i : i + TALK_DUTY_CHUNK])
        return len(ids)
    done = 0
    for cu in CycleUnit.objects.filter(pk__in=cycle_unit_ids).select_related("unit", "cycle"):
        talk_duties_refresh(cycle_unit=cu)
        done += 1
    return done


@shared_task(name="assessment.tasks.close_evaluations")
def close_evaluations() -> int:
    """Close the democratic evaluations whose closing date has passed."""
    from assessment.services import evaluations_close_due

    return evaluations_close_due()
