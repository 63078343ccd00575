"""Scheduled jobs of the warnings area: each calls one idempotent service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="alerts.tasks.chase_warning_replies")
def chase_warning_replies() -> dict:
    """Remind targets of written replies coming due; escalate overdue ones."""
    from alerts.services import warnings_chase

    return warnings_chase()
