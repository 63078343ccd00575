"""Measure the risk register's outputs: PDF pages/s of the system table as the unit grows,
and Excel import rows/s.

    manage.py bench_risk_outputs --sizes 250,1000,4000

Everything it creates (a throw-away unit with N approved points, each with a measure) is
rolled back at the end, so it can run against any database.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from openpyxl import load_workbook

from org.models import NodeKind, OrgNode, Person, Post, PostHolding, PostRank
from risks import excel, pdf
from risks.models import Measure, MeasureType, RiskCategory, RiskPoint, RiskStatus
from risks.presets import RULES

DESCRIPTION = "风险点描述"
MATRIX = {(likelihood, consequence): grade for likelihood, consequence, grade in RULES}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Print PDF pages/s for units of growing size and Excel import rows/s (all rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="250,1000,4000", help="approved points per unit, comma-separated")
        parser.add_argument("--import-rows", type=int, default=1000)

    def handle(self, *args, **o):
        sizes = [int(s) for s in o["sizes"].split(",") if s.strip()]
        rows = []
        try:
            with transaction.atomic():
                unit, posts, people = self._unit()
                done = 0
                for size in sizes:
                    self._points(unit, posts, people, size - done, RiskStatus.APPROVED)
                    done = size
                    started = time.perf_counter()
                    data = pdf.system_table_pdf(unit)
                    seconds = time.perf_counter() - started
                    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
                    rows.append(
                        ("system-table PDF", size, pages, seconds, pages / seconds, f"{len(data) / 1e6:.1f} MB")
                    )
                rows += self._imports(o["import_rows"])
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"{'output':<26}{'points':>8}{'pages/rows':>12}{'seconds':>10}{'per second':>12}  note")
        for name, size, count, seconds, rate, note in rows:
            self.stdout.write(f"{name:<26}{size:>8}{count:>12}{seconds:>10.2f}{rate:>12.1f}  {note}")

    def _unit(self, suffix: str = ""):
        suffix = f"{suffix}-{uuid.uuid4().hex[:8]}"  # never clashes, even with a left-over run
        add = OrgNode.objects.add_child
        root = OrgNode.objects.add_root(
            instance=OrgNode(name="基准测试省", kind=NodeKind.PROVINCE, code=f"BENCH{suffix}")
        )
        unit = add(root, instance=OrgNode(name="基准测试单位", kind=NodeKind.UNIT, code=f"BENCH-U{suffix}"))
        posts, people = [], []
        for d in range(6):
            dept = add(unit, instance=OrgNode(name=f"科室{d}", kind=NodeKind.DEPARTMENT))
            for p in range(5):
                post = Post.objects.create(department=dept, name=f"岗位{d}-{p}", rank=PostRank.STAFF)
                person = Person.objects.create(name=f"干部{d}-{p}", unit=unit)
                PostHolding.objects.create(person=person, post=post, start_date=dt.date(2024, 1, 1))
                posts.append(post)
                people.append(person)
        return unit, posts, people

    def _points(self, unit, posts, people, n: int, status: str) -> None:
        categories = list(RiskCategory.objects.all())
        kind = MeasureType.objects.first()
        points = RiskPoint.objects.bulk_create(
            [
                RiskPoint(
                    scope="post",
                    node=posts[i % len(posts)].department,
                    unit=unit,
                    post=posts[i % len(posts)],
                    category=categories[i % len(categories)],
                    kind="integrity" if i % 2 else "efficiency",
                    description=f"基准风险点{i}：审查中收受当事人财物，对证据取舍、量刑建议不当倾斜",
                    manifestation="私下会见当事人亲友",
                    source="self",
                    likelihood=1 + i % 2,
                    consequence=1 + i % 3,
                    suggested_grade=MATRIX[(1 + i % 2, 1 + i % 3)],
                    grade=MATRIX[(1 + i % 2, 1 + i % 3)],
                    status=status,
                )
                for i in range(n)
            ]
        )
        Measure.objects.bulk_create(
            [
                Measure(
                    point=p,
                    type=kind,
                    description="实行双人审查制度，重大事项集体研究",
                    check_method="纪检监察室每季度抽查案卷",
                    owner=people[i % len(people)],
                    deadline=dt.date(2026, 12, 31),
                )
                for i, p in enumerate(points)
            ]
        )

    def _imports(self, n: int) -> list[tuple]:
        """Export n draft points, import the workbook unchanged (rows/s of checking alone),
        then with every description changed (rows/s of a real update)."""
        user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
            "bench-outputs", password=None
        )
        unit, posts, people = self._unit("-IMPORT")
        self._points(unit, posts, people, n, RiskStatus.DRAFT)
        exported = excel.export_unit(unit)
        out = []
        started = time.perf_counter()
        excel.import_unit(user=user, unit=unit, data=exported)
        seconds = time.perf_counter() - started
        out.append(("Excel import (unchanged)", n, n, seconds, n / seconds, "every row checked, none written"))
        book = load_workbook(BytesIO(exported))
        sheet = book[excel.POINT_SHEET]
        column = [c.value for c in sheet[1]].index(DESCRIPTION)
        for row in sheet.iter_rows(min_row=2):
            row[column].value = f"{row[column].value}（修订）"
        changed = BytesIO()
        book.save(changed)
        started = time.perf_counter()
        try:
            excel.import_unit(user=user, unit=unit, data=changed.getvalue())
        except excel.ImportFailed as exc:
            raise CommandError(f"the changed workbook was refused: {exc.errors[:3]}") from exc
        seconds = time.perf_counter() - started
        out.append(("Excel import (all changed)", n, n, seconds, n / seconds, "every row updates a draft"))
        return out
