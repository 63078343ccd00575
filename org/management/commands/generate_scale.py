"""Bulk-generate a province-sized organisation for benchmarks (no per-row INSERTs)."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections import Counter
from collections.abc import Iterable, Sequence

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model
from tqdm import tqdm

from alerts.scale import generate_alerts
from org.models import NodeKind, OrgNode, Person, Post, PostHolding, PostRank
from powers.scale import generate_powers
from risks.scale import generate_risks

BATCH = 5000
DEPARTMENTS_PER_UNIT = 6
# COPY's text format: backslash escapes for the characters that delimit fields and rows.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    kind = type(value)  # the common cases first: this runs for every value of millions of rows
    if kind is int:
        return str(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # and datetimes: ISO 8601, with the offset when aware
        return value.isoformat()
    return str(value)


class Bulk:
    """The inserts of generated data, counted per table.

    `bulk(objects, label)` bulk_creates model instances in batches (with a progress bar) and
    returns them with their ids. Tables too large for model instances use `bulk.ids(model, n)`
    to reserve primary keys (so later rows can point at them) and `bulk.copy(model, fields,
    rows)` to stream plain tuples: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._next_id: dict[type[Model], int] = {}

    def __call__(self, rows: list[Model], label: str) -> list[Model]:
        created = []
        model = type(rows[0]) if rows else OrgNode
        for i in tqdm(range(0, len(rows), BATCH), desc=label, unit="batch", disable=None):
            created += model.objects.bulk_create(rows[i : i + BATCH])
        self.counts[model._meta.label] += len(created)
        return created

    def ids(self, model: type[Model], n: int) -> list[int]:
        """`n` new primary keys of `model`, taken from its sequence on PostgreSQL (so a
        concurrent insert cannot collide); elsewhere counted on from the largest id."""
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
                )
                return [row[0] for row in cursor.fetchall()]
            if model not in self._next_id:
                qn = connection.ops.quote_name
                cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(table)}")  # noqa: S608 (names from _meta)
                self._next_id[model] = (cursor.fetchone()[0] or 0) + 1
        start = self._next_id[model]
        self._next_id[model] = start + n
        return list(range(start, start + n))

    def copy(self, model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Insert `rows` (tuples of values for `fields`, as the database stores them: ids
        for foreign keys, aware datetimes). Nothing is saved through the ORM: no signals,
        no history rows, no auto_now; the caller supplies every column."""
        qn = connection.ops.quote_name
        columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
        table = qn(model._meta.db_table)
        n = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(map(_copy_text, row)))
                    buffer.write("\n")
                    n += 1
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            else:
                ops = connection.ops
                adapted = [
                    [
                        ops.adapt_datetimefield_value(v)
                        if isinstance(v, dt.datetime)
                        else ops.adapt_datefield_value(v)
                        if isinstance(v, dt.date)
                        else v
                        for v in row
                    ]
                    for row in rows
                ]
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", adapted)  # noqa: S608
                n = len(adapted)
        self.counts[model._meta.label] += n
        return n


class Command(BaseCommand):
    help = "Generate N units (in cities and counties) with M posts each, and a cadre per post."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=6000)
        parser.add_argument("--posts-per-unit", type=int, default=42)
        parser.add_argument("--units-per-county", type=int, default=60)
        parser.add_argument("--counties-per-city", type=int, default=10)
        parser.add_argument("--code", default="SCALE", help="Code of the generated province (must be new).")
        parser.add_argument("--no-people", action="store_true", help="Posts only, no cadres or holdings.")
        parser.add_argument("--powers-per-unit", type=int, default=12, help="Published power items per unit.")
        parser.add_argument(
            "--risks-per-post",
            type=float,
            default=12,
            help="Risk points per post (post, department and unit points together); 0 for none.",
        )
        parser.add_argument(
            "--infos-per-unit",
            type=int,
            default=50,
            help="Risk information per unit (and a fifth as many petitions); 0 for none.",
        )
        parser.add_argument("--warnings-per-unit", type=int, default=5, help="Warnings per unit; 0 for none.")

    def handle(self, *args, **o):
        if o["units"] < 1 or o["posts_per_unit"] < 1:
            raise CommandError("--units and --posts-per-unit must be positive")
        if o["risks_per_post"] < 0:
            raise CommandError("--risks-per-post must not be negative")
        if o["infos_per_unit"] < 0 or o["warnings_per_unit"] < 0:
            raise CommandError("--infos-per-unit and --warnings-per-unit must not be negative")
        if OrgNode.objects.filter(code=o["code"]).exists():
            raise CommandError(f"A node with code {o['code']} exists; pass another --code.")
        started = time.monotonic()
        self._bulk = Bulk()
        with transaction.atomic():
            province = OrgNode.objects.add_root(
                create_kwargs={"code": o["code"], "name": f"规模测试省 {o['code']}", "kind": NodeKind.PROVINCE}
            )
            units = self._areas_and_units(province, o)
            departments = self._children(units, DEPARTMENTS_PER_UNIT, NodeKind.DEPARTMENT, "科室", "D")
            posts = self._posts(departments, o["posts_per_unit"])
            if not o["no_people"]:
                self._people(posts, units)
            powers = (
                generate_powers(units, departments, posts, o["powers_per_unit"], self._bulk)
                if o["powers_per_unit"] > 0
                else 0
            )
            risks = (
                generate_risks(units, departments, posts, o["risks_per_post"], self._bulk)
                if o["risks_per_post"] > 0
                else 0
            )
            alerts = (
                generate_alerts(units, departments, posts, o["infos_per_unit"], o["warnings_per_unit"], self._bulk)
                if o["infos_per_unit"] > 0 or o["warnings_per_unit"] > 0
                else 0
            )
        if connection.vendor == "postgresql":
            # Fresh planner statistics: without them PostgreSQL plans subtree joins as full scans.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        rows = sum(self._bulk.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {len(units)} units, {len(departments)} departments, {len(posts)} posts, {powers} powers, "
                f"{risks} risk points, {alerts} information, petitions and warnings ({rows} rows) "
                f"in {elapsed:.1f}s ({rows / max(elapsed, 1e-9):,.0f} rows/s)"
            )
        )

    def _children(self, parents, per_parent, kind, label, tag, total=None):
        rows, remaining = [], total
        for parent in parents:
            n = per_parent if remaining is None else min(per_parent, remaining)
            for i in range(1, n + 1):
                rows.append(
                    OrgNode(
                        path=OrgNode._get_path(parent.path, parent.depth + 1, i),
                        depth=parent.depth + 1,
                        numchild=0,
                        name=f"{parent.name}{label}{i}",
                        kind=kind,
                        code=f"{parent.code}-{tag}{i}",
                    )
                )
            parent.numchild = n
            if remaining is not None:
                remaining -= n
                if remaining <= 0:
                    break
        OrgNode.objects.bulk_update([p for p in parents if p.numchild], ["numchild"], batch_size=BATCH)
        created = self._bulk(rows, label)
        # bulk_create returns ids on PostgreSQL and SQLite; refetch to be safe on others.
        if created and created[0].pk is None:
            created = list(OrgNode.objects.filter(path__in=[r.path for r in rows]).order_by("path"))
        return created

    def _areas_and_units(self, province, o):
        counties_needed = -(-o["units"] // o["units_per_county"])
        cities_needed = -(-counties_needed // o["counties_per_city"])
        cities = self._children([province], cities_needed, NodeKind.CITY, "市", "C")
        counties = self._children(cities, o["counties_per_city"], NodeKind.COUNTY, "县", "X", counties_needed)
        return self._children(counties, o["units_per_county"], NodeKind.UNIT, "单位", "U", o["units"])

    def _posts(self, departments, posts_per_unit):
        per_dept = max(1, posts_per_unit // DEPARTMENTS_PER_UNIT)
        ranks = [PostRank.SECTION, PostRank.DEPUTY_SECTION, PostRank.SECTION_MEMBER, PostRank.STAFF]
        rows = [
            Post(department=d, name=f"岗位{i}", code=f"{d.code}-P{i}", rank=ranks[min(i - 1, 3)], is_key_post=i <= 2)
            for d in departments
            for i in range(1, per_dept + 1)
        ]
        return self._bulk(rows, "岗位 posts")

    def _people(self, posts, units):
        unit_ids = {u.path: u.pk for u in units}
        people = [
            Person(name=f"干部{post.pk}", unit_id=unit_ids[post.department.path[: -OrgNode.steplen]]) for post in posts
        ]
        people = self._bulk(people, "干部 cadres")
        start = dt.date(2024, 1, 1)
        holdings = [PostHolding(person=pe, post=po, start_date=start) for pe, po in zip(people, posts, strict=True)]
        self._bulk(holdings, "任职 holdings")
