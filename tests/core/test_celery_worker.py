"""A real Celery worker process, on the configured broker (Redis in CI's second run, the
filesystem transport on the embedded default), runs a task that writes to the test
database, and the result comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import Heartbeat
from core.tasks import heartbeat


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_a_real_worker(tmp_path: Path):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:"):
        pytest.skip("an in-memory test database cannot be shared with a worker process")
    queue = f"test-{uuid.uuid4().hex[:10]}"  # a queue of its own: no other worker takes its task
    env = {**os.environ, "DATABASE_URL": _database_url()}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lianzheng",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        result = heartbeat.apply_async(queue=queue)
        value = result.get(timeout=90)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
    assert Heartbeat.objects.get(component="worker").last_seen.isoformat() == value
    print(f"round trip via {settings.CELERY_BROKER_URL.split('://')[0]}: ok")
