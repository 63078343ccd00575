"""Add a year of the warnings area (risk information, petitions, warnings) to a province
made by generate_scale."""

from __future__ import annotations

import time
from collections import namedtuple

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from alerts.models import Petition, RiskInfo, RiskWarning, WarningEvent
from alerts.scale import generate_alerts
from org.management.commands.generate_scale import Bulk
from org.models import NodeKind, OrgNode, Post

# What the generator reads of the organisation, as plain tuples: a quarter of a million
# posts as model instances would cost more memory than all the rows written.
Node = namedtuple("Node", "pk path code")
PostRow = namedtuple("PostRow", "pk department_id")


class Command(BaseCommand):
    help = "Generate risk information, petitions and warnings for an already generated province (no per-row INSERTs)."

    def add_arguments(self, parser):
        parser.add_argument("--code", default="SCALE", help="Code of the generated province.")
        parser.add_argument("--infos-per-unit", type=int, default=50, help="Risk information per unit.")
        parser.add_argument("--warnings-per-unit", type=int, default=5, help="Warnings per unit.")
        parser.add_argument(
            "--petitions-per-unit",
            type=int,
            default=None,
            help="Petitions per unit (default: a fifth of the information).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random choices (reproducible).")

    def handle(self, *args, **o):
        if o["infos_per_unit"] < 0 or o["warnings_per_unit"] < 0 or (o["petitions_per_unit"] or 0) < 0:
            raise CommandError("the numbers per unit must not be negative")
        province = OrgNode.objects.filter(code=o["code"]).first()
        if province is None:
            raise CommandError(f"No org node has code {o['code']}; run generate_scale first.")
        below = OrgNode.objects.filter(path__startswith=province.path)
        unit_nodes = below.filter(kind=NodeKind.UNIT)
        if (
            RiskInfo.objects.filter(unit__in=unit_nodes).exists()
            or RiskWarning.objects.filter(unit__in=unit_nodes).exists()
            or Petition.objects.filter(node__path__startswith=province.path).exists()
        ):
            raise CommandError(f"{province.name} already has warnings-area rows; generate another province for more.")
        units = [Node(*row) for row in unit_nodes.order_by("path").values_list("pk", "path", "code")]
        departments = [
            Node(*row)
            for row in below.filter(kind=NodeKind.DEPARTMENT).order_by("path").values_list("pk", "path", "code")
        ]
        posts = [
            PostRow(*row)
            for row in Post.objects.filter(department__path__startswith=province.path)
            .order_by("pk")
            .values_list("pk", "department_id")
            .iterator(chunk_size=20000)
        ]
        started = time.monotonic()
        bulk = Bulk()
        with transaction.atomic():
            written = generate_alerts(
                units,
                departments,
                posts,
                o["infos_per_unit"],
                o["warnings_per_unit"],
                bulk,
                seed=o["seed"],
                petitions_per_unit=o["petitions_per_unit"],
            )
        writing = time.monotonic() - started
        if connection.vendor == "postgresql":
            # Planner statistics, and (outside a transaction) the visibility map that lets the
            # count indexes answer without reading the rows.
            analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (RiskInfo, Petition, RiskWarning, WarningEvent, RiskWarning.risk_points.through):
                    cursor.execute(f"{analyze} {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.monotonic() - started
        rows = sum(bulk.counts.values())
        detail = ", ".join(f"{n} {label}" for label, n in bulk.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {written} information, petitions and warnings for {len(units)} units ({detail}; "
                f"{rows} rows) in {elapsed:.1f}s ({writing:.1f}s writing, {rows / max(writing, 1e-9):,.0f} rows/s)"
            )
        )
