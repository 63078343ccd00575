"""Every periodic job, declared in one place.

django-celery-beat's DatabaseScheduler copies these entries into its tables when beat
starts, so operators can see (and pause) them in the admin; the code stays the source.
Later issues add their "scan for what is due" jobs here.
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "core.heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # The disclosure deadline: public comment periods close after their last working day.
    "risks.close_comment_periods": {
        "task": "risks.tasks.close_comment_periods",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
    "alerts.chase_warning_replies": {
        "task": "alerts.tasks.chase_warning_replies",
        "schedule": crontab(minute=30, hour=8),
        "options": {"expires": 3 * 3600},
    },
    "risks.notify_overdue_measures": {
        "task": "risks.tasks.notify_overdue_measures",
        "schedule": crontab(minute=0, hour=8),
        "options": {"expires": 3 * 3600},
    },
    # Assessment: deadline reminders (each once per person and stage), evaluations past
    # their closing date, and who must talk with whom (roles and posts change).
    "assessment.send_reminders": {
        "task": "assessment.tasks.send_reminders",
        "schedule": crontab(minute=15, hour=8),
        "options": {"expires": 3 * 3600},
    },
    "assessment.close_evaluations": {
        "task": "assessment.tasks.close_evaluations",
        "schedule": crontab(minute=20, hour=0),
        "options": {"expires": 3 * 3600},
    },
    "assessment.refresh_talk_duties": {
        "task": "assessment.tasks.refresh_talk_duties",
        "schedule": crontab(minute=0, hour=2, day_of_week=1),
        "options": {"expires": 6 * 3600},
    },
    # The dashboards' summary tables (idempotent; a missed run only leaves them older).
    "dashboards.refresh_tallies": {
        "task": "dashboards.tasks.refresh_tallies",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
}
