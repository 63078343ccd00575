"""The Celery application: JSON only, time limits, schedules from lianzheng.schedules."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzheng.settings")

app = Celery("lianzheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def _beat_heartbeat(sender=None, **_kwargs) -> None:
    """Only beat publishes the heartbeat task: record that beat is alive as it sends it."""
    if sender != "core.tasks.heartbeat":
        return
    from django.utils import timezone

    from core.models import Heartbeat

    Heartbeat.objects.update_or_create(component="beat", defaults={"last_seen": timezone.now()})
