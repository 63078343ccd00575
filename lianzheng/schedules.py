"""Every periodic job, declared in one place.

django-celery-beat's DatabaseScheduler copies these entries into its tables when beat
starts, so operators can see (and pause) them in the admin; the code stays the source.
Later issues add their "scan for what is due" jobs here.
"""

from __future__ import annotations

BEAT_SCHEDULE: dict[str, dict] = {
    "core.heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}
