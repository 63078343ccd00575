"""Real concurrent transactions on PostgreSQL: the row lock in holding_start lets exactly
one of two simultaneous appointments to a single-holder post through."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from org import services
from org.models import Person, PostHolding


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_appointments_at_once_only_one_counts(org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    staff = org.users["discipline"]
    people = [Person.objects.create(name=f"候选人{i}", unit=org.unit_a) for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def appoint(person):
        try:
            barrier.wait(timeout=10)
            services.holding_start(user=staff, person=person, post=org.post_a2, start_date=dt.date(2026, 1, 5))
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=appoint, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert PostHolding.objects.filter(post=org.post_a2).count() == 1
