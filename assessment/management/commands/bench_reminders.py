"""Measure the reminder fan-out: every cadre of an area reminded once, in chunks of person
ids, by real Celery workers — and a forced second run of every chunk, which must send
nothing. Prints reminders/s.

Run it against the database and broker the workers use, e.g.

    DATABASE_URL=postgres://…/lianzheng_scale CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/celery -A lianzheng worker -l warning --pool=solo [-Q bench] &
    DATABASE_URL=… CELERY_BROKER_URL=… .venv/bin/python manage.py bench_reminders --area SCALE [--queue bench]

(--queue keeps the bench's tasks apart from whatever else waits on a shared broker.)

Only the assessment area's own tables are written (a bench cycle of a far-off year, its
units and the reminder rows); everything is deleted afterwards unless --keep.
"""

from __future__ import annotations

import time

from celery.result import ResultSet
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from assessment.models import Checkpoint, Cycle, CycleUnit, Reminder
from assessment.services import reminders
from core.models import Notification
from org.models import NodeKind, OrgNode, Person

STAGE = "commitment:open"
BENCH_YEAR = 9000  # far from any real cycle's year


class Command(BaseCommand):
    help = "Fan reminders out to N cadres through the Celery workers and print reminders/s."

    def add_arguments(self, parser):
        parser.add_argument("--area", default="SCALE", help="Code of the area whose cadres are reminded.")
        parser.add_argument("--cadres", type=int, default=0, help="How many cadres (whole units); 0: all of the area.")
        parser.add_argument("--chunk", type=int, default=reminders.CHUNK, help="Person ids per task.")
        parser.add_argument("--timeout", type=int, default=1800, help="Seconds to wait for the workers.")
        parser.add_argument("--keep", action="store_true", help="Keep the bench cycle and its reminders.")
        parser.add_argument("--eager", action="store_true", help="Run the chunks in this process (no worker).")
        parser.add_argument(
            "--queue",
            default="",
            help="Send the chunks to this queue (a worker started with -Q QUEUE); default queue if empty.",
        )

    def handle(self, *args, **o):
        area = OrgNode.objects.filter(code=o["area"]).first()
        if area is None:
            raise CommandError(f"No node with code {o['area']}.")
        units = self._units(area, o["cadres"])
        cycle = self._cycle(area, units)
        try:
            self._run(cycle, o)
        finally:
            if not o["keep"]:
                self._drop(cycle)

    def _units(self, area: OrgNode, wanted: int) -> list[int]:
        counts = (
            Person.objects.filter(is_active=True, unit__path__startswith=area.path, unit__kind=NodeKind.UNIT)
            .values_list("unit_id", "unit__path")
            .annotate(n=Count("pk"))
            .order_by("unit__path")
        )
        chosen, total = [], 0
        for unit_id, _path, n in counts:
            if wanted and total >= wanted:
                break
            chosen.append(unit_id)
            total += n
        if not chosen:
            raise CommandError(f"{area.name} has no cadres.")
        if wanted and total < wanted:
            self.stderr.write(f"Only {total} cadres in {area.name}; reminding all of them.")
        self.stdout.write(f"{len(chosen)} units, {total} cadres of {area.name}")
        return chosen

    @transaction.atomic
    def _cycle(self, area: OrgNode, unit_ids: list[int]) -> Cycle:
        year = max(BENCH_YEAR, (Cycle.objects.filter(area=area).aggregate(y=Max("year"))["y"] or 0) + 1)
        today = timezone.localdate()
        cycle = Cycle.objects.create(
            area=area, year=year, title="bench_reminders", opened_on=today, commitment_due=today
        )
        Checkpoint.objects.bulk_create([Checkpoint(cycle=cycle, half=h, opens_on=today, due_on=today) for h in (1, 2)])
        CycleUnit.objects.bulk_create(
            [CycleUnit(cycle=cycle, unit_id=u, stage_since=today) for u in unit_ids], batch_size=5000
        )
        return cycle

    def _run(self, cycle: Cycle, o: dict) -> None:
        enqueue = self._eager if o["eager"] else self._enqueue(o["queue"])
        notes_before = Notification.objects.filter(key=f"assessment:{cycle.pk}:{STAGE}").count()
        started = time.perf_counter()
        results = reminders.reminders_dispatch(cycle=cycle, stage=STAGE, chunk=o["chunk"], enqueue=enqueue)
        dispatched = time.perf_counter() - started
        counts = self._wait(results, o)
        elapsed = time.perf_counter() - started
        sent = sum(counts)
        rows = Reminder.objects.filter(cycle=cycle, stage=STAGE).count()
        notes = Notification.objects.filter(key=f"assessment:{cycle.pk}:{STAGE}").count() - notes_before
        self.stdout.write(
            f"first run: {len(results)} chunks of ≤{o['chunk']} (dispatched in {dispatched:.2f}s), "
            f"{sent} reminders in {elapsed:.2f}s, {notes} in-app notifications (cadres with an account)"
        )
        self.stdout.write(self.style.SUCCESS(f"{sent / elapsed:,.0f} reminders/s"))
        # A forced second run of every chunk (a redelivered or doubled job): nothing is sent.
        ranges = reminders._chunks(reminders.audience(cycle, STAGE), o["chunk"])
        started = time.perf_counter()
        again = self._wait([enqueue(cycle.pk, STAGE, lo, hi) for lo, hi in ranges], o)
        rerun = time.perf_counter() - started
        self.stdout.write(
            f"second run of all {len(ranges)} chunks: {sum(again)} reminders sent in {rerun:.2f}s; "
            f"guard rows {rows}, one per cadre: {rows == sent}"
        )

    @staticmethod
    def _enqueue(queue: str):
        from assessment.tasks import remind_chunk

        if not queue:
            return reminders._enqueue
        return lambda *args: remind_chunk.apply_async(args=args, queue=queue)

    @staticmethod
    def _eager(cycle_id: int, stage: str, lo: int, hi: int) -> int:
        return reminders.reminders_send_chunk(cycle_id=cycle_id, stage=stage, lo=lo, hi=hi)

    def _wait(self, results: list, o: dict) -> list[int]:
        if o["eager"]:
            return results
        return ResultSet(results).join(timeout=o["timeout"], propagate=True)

    def _drop(self, cycle: Cycle) -> None:
        """Delete the bench rows (plain DELETEs: no per-row signals for 250,000 rows)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM assessment_reminder WHERE cycle_id = %s", [cycle.pk])
            cursor.execute("DELETE FROM assessment_cycleunit WHERE cycle_id = %s", [cycle.pk])
            cursor.execute("DELETE FROM assessment_checkpoint WHERE cycle_id = %s", [cycle.pk])
            Notification.objects.filter(key=f"assessment:{cycle.pk}:{STAGE}").delete()
            Cycle.objects.filter(pk=cycle.pk).delete()
        self.stdout.write("bench cycle and its reminders deleted")
