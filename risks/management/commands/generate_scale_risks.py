"""Add risk points (with their review trail and measures) to a province made by generate_scale."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from org.management.commands.generate_scale import Bulk
from org.models import NodeKind, OrgNode, Post
from risks.models import Measure, Review, RiskPoint
from risks.scale import generate_risks


class Command(BaseCommand):
    help = "Generate about N risk points per post for an already generated province (no per-row INSERTs)."

    def add_arguments(self, parser):
        parser.add_argument("--code", default="SCALE", help="Code of the generated province.")
        parser.add_argument("--risks-per-post", type=float, default=12)
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random choices (reproducible).")

    def handle(self, *args, **o):
        if o["risks_per_post"] <= 0:
            raise CommandError("--risks-per-post must be positive")
        province = OrgNode.objects.filter(code=o["code"]).first()
        if province is None:
            raise CommandError(f"No org node has code {o['code']}; run generate_scale first.")
        below = OrgNode.objects.filter(path__startswith=province.path)
        if RiskPoint.objects.filter(unit__in=below.filter(kind=NodeKind.UNIT)).exists():
            raise CommandError(f"{province.name} already has risk points; generate another province to add more.")
        units = list(below.filter(kind=NodeKind.UNIT).only("pk", "path").order_by("path"))
        departments = list(below.filter(kind=NodeKind.DEPARTMENT).only("pk", "path").order_by("path"))
        posts = list(
            Post.objects.filter(department__path__startswith=province.path).only("pk", "department_id").order_by("pk")
        )
        started = time.monotonic()
        bulk = Bulk()
        with transaction.atomic():
            points = generate_risks(units, departments, posts, o["risks_per_post"], bulk, seed=o["seed"])
        written = time.monotonic() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (RiskPoint, Review, Measure):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.monotonic() - started
        rows = sum(bulk.counts.values())
        detail = ", ".join(f"{n} {label}" for label, n in bulk.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {points} risk points for {len(posts)} posts in {len(units)} units ({detail}; {rows} rows) "
                f"in {elapsed:.1f}s ({written:.1f}s writing, {rows / max(written, 1e-9):,.0f} rows/s)"
            )
        )
