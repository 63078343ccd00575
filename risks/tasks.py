"""Scheduled jobs of the risk register: they call one service each and are idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="risks.tasks.close_comment_periods")
def close_comment_periods() -> int:
    """Close the public comment periods whose last day has passed (the disclosure deadline)."""
    from risks.approval import comment_periods_close

    return comment_periods_close()


@shared_task(name="risks.tasks.notify_overdue_measures")
def notify_overdue_measures() -> int:
    """Tell owners about prevention measures past their deadline (once per measure and deadline)."""
    from risks.services import measures_notify_overdue

    return measures_notify_overdue()
