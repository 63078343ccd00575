"""Shared Celery tasks: they take ids and call one service."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from core import exports
from core.models import Heartbeat


@shared_task(name="core.tasks.heartbeat", ignore_result=False)
def heartbeat() -> str:
    """Record that a worker ran a task just now (beat sends this every 30 s)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        component="worker", defaults={"last_seen": now, "detail": socket.gethostname()[:200]}
    )
    return now.isoformat()


@shared_task(name="core.tasks.email_notification", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notification(notification_id: int) -> bool:
    from core.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task(name="core.tasks.run_export", soft_time_limit=exports.SOFT_TIME_LIMIT, time_limit=exports.TIME_LIMIT)
def run_export(job_id: int) -> bool:
    """Build one background export (core.exports); a doubled task builds it once."""
    return exports.export_run(job_id)
