"""Reminders: exactly once per person and stage across repeated runs, concurrent runs and a
worker killed in the middle of a chunk."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from assessment import services
from assessment.models import Reminder
from assessment.services import reminders
from assessment.tasks import remind_chunk
from core.models import Notification
from org.models import Person, Role
from tests.assessment.conftest import OPENED

pytestmark = pytest.mark.django_db


def run_now(cycle_id, stage, lo, hi):
    """Enqueue that runs the chunk at once (what a worker does)."""
    return services.reminders_send_chunk(cycle_id=cycle_id, stage=stage, lo=lo, hi=hi)


def sent(cycle, stage) -> tuple[int, int]:
    """(guard rows, notifications) of a stage."""
    return (
        Reminder.objects.filter(cycle=cycle, stage=stage).count(),
        Notification.objects.filter(key=f"assessment:{cycle.pk}:{stage}").count(),
    )


def test_stages_fall_due_on_their_days(cycle):
    assert reminders.due_stages(cycle, OPENED) == ["commitment:open"]
    assert reminders.due_stages(cycle, dt.date(2026, 2, 20)) == []
    assert "commitment:before" in reminders.due_stages(cycle, dt.date(2026, 3, 26))  # 3 working days before
    assert "commitment:before" not in reminders.due_stages(cycle, dt.date(2026, 3, 25))
    assert reminders.due_stages(cycle, dt.date(2026, 3, 31)) == ["commitment:due"]
    assert reminders.due_stages(cycle, dt.date(2026, 4, 1)) == ["commitment:overdue", "commitment:escalated"]
    assert "inspection-1:open" in reminders.due_stages(cycle, dt.date(2026, 6, 15))
    assert "inspection-2:due" in reminders.due_stages(cycle, dt.date(2026, 12, 31))


def test_each_cadre_is_reminded_once_however_often_the_job_runs(cycle, people):
    cadres = Person.objects.filter(unit__assessment_cycles__cycle=cycle).count()
    assert cadres == 6
    services.reminders_run(today=OPENED, cycle=cycle, enqueue=run_now)
    assert sent(cycle, "commitment:open") == (6, 6)
    assert services.reminders_run(today=OPENED, cycle=cycle, enqueue=run_now) == {f"{cycle.pk}:commitment:open": 0}
    assert run_now(cycle.pk, "commitment:open", 0, 10**9) == 0  # a doubled chunk sends nothing
    assert remind_chunk.apply(args=(cycle.pk, "commitment:open", 0, 10**9)).get() == 0  # nor a redelivered task
    assert sent(cycle, "commitment:open") == (6, 6)


def test_the_fan_out_is_cut_into_chunks_of_ids(cycle, people):
    chunks = []
    services.reminders_dispatch(cycle=cycle, stage="commitment:open", chunk=4, enqueue=lambda *a: chunks.append(a[2:]))
    ids = sorted(Person.objects.filter(unit__assessment_cycles__cycle=cycle).values_list("pk", flat=True))
    assert len(chunks) == 2 and chunks[0][0] <= ids[0] and chunks[-1][1] == ids[-1]
    assert chunks[0][1] == ids[3] and chunks[1][0] == ids[4]
    for lo, hi in chunks:
        run_now(cycle.pk, "commitment:open", lo, hi)
    assert sent(cycle, "commitment:open") == (6, 6)


def test_later_reminders_reach_only_those_who_have_not_filed(cycle, people):
    services.commitment_save(user=people.cadre.user, cycle=cycle, own_items=[], submit=True)
    services.commitment_save(user=people.clerk.user, cycle=cycle, own_items=[], submit=False)  # a draft is not filed
    services.reminders_run(today=dt.date(2026, 3, 26), cycle=cycle, enqueue=run_now)
    reminded = set(Reminder.objects.filter(stage="commitment:before").values_list("person_id", flat=True))
    assert people.cadre.pk not in reminded and people.clerk.pk in reminded and len(reminded) == 5


def test_a_worker_killed_mid_chunk_loses_nothing_and_doubles_nothing(cycle, people, monkeypatch):
    real_notify, calls = reminders.notify, []

    def dies_on_the_third(**kwargs):
        calls.append(kwargs["recipient"])
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return real_notify(**kwargs)

    monkeypatch.setattr(reminders, "notify", dies_on_the_third)
    with pytest.raises(RuntimeError):
        run_now(cycle.pk, "commitment:open", 0, 10**9)
    assert sent(cycle, "commitment:open") == (0, 0)  # two were inserted and notified, then rolled back
    monkeypatch.setattr(reminders, "notify", real_notify)
    assert run_now(cycle.pk, "commitment:open", 0, 10**9) == 6  # the redelivered chunk sends it all
    assert run_now(cycle.pk, "commitment:open", 0, 10**9) == 0
    assert sent(cycle, "commitment:open") == (6, 6)
    per_person = Notification.objects.filter(key=f"assessment:{cycle.pk}:commitment:open").values_list("recipient_id")
    assert len(set(per_person)) == 6


def test_overdue_escalates_to_the_chief_and_the_district_once(org, cycle, people):
    day = dt.date(2026, 4, 1)
    services.commitment_save(user=people.b_cadre.user, cycle=cycle, own_items=[], submit=True)  # unit B is done
    services.reminders_run(today=day, cycle=cycle, enqueue=run_now)
    services.reminders_run(today=day, cycle=cycle, enqueue=run_now)
    chief, district = org.users[Role.UNIT_CHIEF], org.users[Role.DISCIPLINE_COMMISSION]
    escalated = Notification.objects.filter(key=f"assessment:{cycle.pk}:commitment:escalated")
    assert sorted(escalated.values_list("recipient__username", flat=True)) == sorted(
        [chief.username, district.username]
    )
    assert "甲县检察院" in escalated.get(recipient=chief).title
    assert sent(cycle, "commitment:overdue") == (5, 5)  # everyone of unit A, nobody of unit B


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers, so there is no race to test"
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(cycle, people):
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(run_now(cycle.pk, "commitment:open", 0, 10**9))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results)[-1] + sorted(results)[0] == 6
    assert sent(cycle, "commitment:open") == (6, 6)
