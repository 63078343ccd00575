"""Add two years of assessment to a province made by generate_scale: a cycle per county for
last year (archived, every unit scored) and this year (units spread over the PDCA stages),
half-year checkpoints and the default scheme, self-inspections, a public commitment for
most cadres, monthly integrity education, talk duties and talks, and scores with ranks.

    manage.py generate_scale_assessment --code SCALE

Large tables are streamed (COPY on PostgreSQL) without per-row INSERTs, signals or history
rows, as generate_scale does; the dashboards' summary tables count it on their next refresh.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from assessment import presets
from assessment.models import (
    Checkpoint,
    Commitment,
    Cycle,
    CycleStatus,
    CycleUnit,
    EducationSession,
    Indicator,
    SelfInspection,
    Stage,
    Talk,
    TalkDuty,
)
from org.management.commands.generate_scale import Bulk
from org.models import NodeKind, OrgNode, Person

STAGE_WEIGHTS = {Stage.PLAN: 0.05, Stage.DO: 0.45, Stage.CHECK: 0.30, Stage.ACT: 0.15, Stage.DONE: 0.05}
INSPECTION_WEIGHTS = {"accepted": 0.6, "submitted": 0.2, "returned": 0.05, "draft": 0.1, None: 0.05}
COMMITMENT_NOW = {"approved": 0.6, "submitted": 0.15, "draft": 0.1, "returned": 0.05, None: 0.1}
TALKERS = 5  # cadres a unit's leader must talk with (the generated units have no roles)
COMMITMENT_FIELDS = [
    "cycle",
    "person",
    "unit",
    "status",
    "decision_note",
    "kept_report",
    "rating",
    "rating_note",
]
EDUCATION_FIELDS = ["unit", "held_on", "minutes", "place", "form", "topic", "content", "participant_count", "materials"]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Command(BaseCommand):
    help = "Generate two years of assessment for an already generated province (no per-row INSERTs)."

    def add_arguments(self, parser):
        parser.add_argument("--code", default="SCALE", help="Code of the generated province.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **o):
        province = OrgNode.objects.filter(code=o["code"], depth=1).first()
        if province is None:
            raise CommandError(f"no province has code {o['code']} (run generate_scale first)")
        if Cycle.objects.filter(area__path__startswith=province.path).exists():
            raise CommandError(f"{province.name} has assessment cycles already")
        started = time.perf_counter()
        rng = random.Random(o["seed"])
        today = timezone.localdate()
        bulk = Bulk()
        below = OrgNode.objects.filter(path__startswith=province.path)
        counties = list(below.filter(kind=NodeKind.COUNTY).order_by("path").values_list("pk", "path"))
        units = list(below.filter(kind=NodeKind.UNIT).order_by("path").values_list("pk", "path"))
        people: dict[int, list[int]] = defaultdict(list)
        for pk, unit in Person.objects.filter(unit__path__startswith=province.path, is_active=True).values_list(
            "pk", "unit_id"
        ):
            people[unit].append(pk)
        units_of = {c: [u for u, path in units if path.startswith(cpath)] for c, cpath in counties}
        with transaction.atomic():
            previous = {}
            for year in (today.year - 1, today.year):
                previous = self._year(bulk, rng, today, year, counties, units_of, people, previous)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for model in (CycleUnit, SelfInspection, Commitment, EducationSession, Talk, TalkDuty):
                        cursor.execute(f"ANALYZE {model._meta.db_table}")  # noqa: S608 (name from _meta)
        total = sum(bulk.counts.values())
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Generated assessment for {len(units)} units in {len(counties)} counties over two years: "
            + ", ".join(f"{n} {label.split('.')[-1]}" for label, n in sorted(bulk.counts.items()))
            + f" ({total} rows) in {seconds:.1f}s"
        )

    def _year(self, bulk, rng, today, year, counties, units_of, people, previous) -> dict[int, int]:
        """One cycle year; returns {unit id: cycle unit id} for the next year's `previous`."""
        past = year < today.year
        cycles = bulk(
            [
                Cycle(
                    area_id=c,
                    year=year,
                    title=f"{year}年度廉政风险防控考核",
                    status=CycleStatus.CLOSED if past else CycleStatus.OPEN,
                    opened_on=dt.date(year, 1, 10),
                    commitment_due=dt.date(year, 3, 31),
                )
                for c, _path in counties
            ],
            f"cycles {year}",
        )
        halves = [(1, dt.date(year, 6, 15), dt.date(year, 7, 15)), (2, dt.date(year, 12, 1), dt.date(year, 12, 31))]
        bulk(
            [Checkpoint(cycle=cy, half=h, opens_on=o, due_on=d) for cy in cycles for h, o, d in halves],
            f"checkpoints {year}",
        )
        bulk(
            [
                Indicator(cycle=cy, key=k, name=n, source=s, weight=w, reason_required=s == "manual", order=i)
                for cy in cycles
                for i, (k, n, s, w) in enumerate(presets.INDICATORS)
            ],
            f"indicators {year}",
        )
        rows = []
        for cy in cycles:
            for unit in units_of[cy.area_id]:
                stage = Stage.DONE if past else _pick(rng, STAGE_WEIGHTS)
                scored = past or stage in (Stage.CHECK, Stage.ACT, Stage.DONE)
                rows.append(
                    CycleUnit(
                        cycle=cy,
                        unit_id=unit,
                        stage=stage,
                        stage_since=dt.date(year, 1, 10),
                        previous_id=previous.get(unit),
                        rules_filed_on=dt.date(year, 2, 1) if stage != Stage.PLAN else None,
                        score_total=Decimal(f"{rng.uniform(62, 98):.2f}") if scored else None,
                        archived_on=dt.date(year, 12, 31) if past else None,
                    )
                )
        made = bulk(rows, f"units in cycles {year}")
        by_cycle = defaultdict(list)
        for cu in made:
            by_cycle[cu.cycle_id].append(cu)
        ranked = []
        for group in by_cycle.values():
            scored = sorted((cu for cu in group if cu.score_total is not None), key=lambda cu: -cu.score_total)
            for rank, cu in enumerate(scored, start=1):
                cu.score_rank = rank
                ranked.append(cu)
        CycleUnit.objects.bulk_update(ranked, ["score_rank"], batch_size=2000)
        checkpoints = {(cp.cycle_id, cp.half): cp for cp in Checkpoint.objects.filter(cycle__in=cycles)}
        self._inspections(bulk, rng, today, made, checkpoints)
        self._commitments(bulk, rng, past, made, people)
        self._education(bulk, rng, today, year, made)
        self._talks(bulk, rng, today, year, made, people)
        return {cu.unit_id: cu.pk for cu in made}

    def _inspections(self, bulk, rng, today, made, checkpoints) -> None:
        rows = []
        for cu in made:
            for half in (1, 2):
                cp = checkpoints[(cu.cycle_id, half)]
                status = _pick(rng, INSPECTION_WEIGHTS) if cp.opens_on <= today else None
                if status is None:
                    continue
                filed = status in ("accepted", "submitted", "returned")
                rows.append(
                    SelfInspection(
                        cycle_unit=cu,
                        checkpoint=cp,
                        status=status,
                        submitted_on=min(today, cp.due_on) if filed else None,
                        on_time=(rng.random() < 0.85) if filed else None,
                        reviewed_on=min(today, cp.due_on) if status in ("accepted", "returned") else None,
                    )
                )
        if rows:
            bulk(rows, "self-inspections")

    def _commitments(self, bulk, rng, past, made, people) -> None:
        def rows():
            for cu in made:
                for person in people.get(cu.unit_id, ()):
                    if past:
                        status, rating = "rated", rng.choices((1, 2, 3, 4), weights=(50, 35, 10, 5))[0]
                    else:
                        status, rating = _pick(rng, COMMITMENT_NOW), None
                    if status is not None:
                        yield (cu.cycle_id, person, cu.unit_id, status, "", "", rating, "")

        bulk.copy(Commitment, COMMITMENT_FIELDS, rows())

    def _education(self, bulk, rng, today, year, made) -> None:
        last = 12 if year < today.year else today.month

        def rows():
            for cu in made:
                for month in range(1, last + 1):
                    if rng.random() < 0.85:
                        day = dt.date(year, month, rng.randint(1, 28))
                        if day <= today:
                            minutes = rng.choice((45, 60, 90, 120))
                            yield (cu.unit_id, day, minutes, "会议室", "lecture", "廉政党课", "学习廉政规定", 30, "")

        bulk.copy(EducationSession, EDUCATION_FIELDS, rows())

    def _talks(self, bulk, rng, today, year, made, people) -> None:
        duties, talks = [], []
        for cu in made:
            staff = people.get(cu.unit_id, [])
            if len(staff) < 2:
                continue
            leader = staff[0]
            for cadre in staff[1 : 1 + TALKERS]:
                duties.append((cu.pk, leader, cadre))
                for _i in range(rng.choices((0, 1, 2, 3), weights=(10, 25, 50, 15))[0]):
                    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    if day <= today:
                        talks.append((cu.unit_id, leader, cadre, "routine", day, "", "谈心谈话"))
        bulk.copy(TalkDuty, ["cycle_unit", "leader", "cadre"], duties)
        bulk.copy(Talk, ["unit", "leader", "cadre", "kind", "held_on", "place", "summary"], talks)
