"""The summary tables' scheduled refresh (every five minutes, see lianzheng/schedules.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="dashboards.tasks.refresh_tallies", soft_time_limit=240, time_limit=280)
def refresh_tallies() -> int:
    """Rebuild the dashboards' summary tables; returns how many nodes' figures changed."""
    from dashboards.services import tallies_refresh

    return tallies_refresh().nodes_changed
