from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Heartbeat
from core.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_heartbeats(client):
    body = client.get("/healthz").json()
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["worker"] == {"ok": False, "last_seen": None}
    heartbeat()  # what the worker runs
    Heartbeat.objects.create(component="beat", last_seen=timezone.now() - dt.timedelta(hours=1))
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is True
    assert body["beat"]["ok"] is False and body["beat"]["age_seconds"] >= 3600
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    from kombu import Connection

    # a broker address where nothing listens (port 1)
    monkeypatch.setattr("core.views._broker_connection", lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
