"""Time pages and API calls in-process for one user: p50/p95 latency and queries per request.

    manage.py bench_pages --over SCALE --role commission -n 30

creates (once) a benchmark user holding `--role` over the node with code `--over`, then
requests each page `-n` times through Django's test client (no network, no server: the
figure is the application's own cost) and prints a table. `--holds-post` also makes the
user the cadre holding a post below that node, as most real users are, so the pages about
one's own posts and measures have rows.
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import override_settings

from alerts.models import RiskWarning
from core.bench import bench_user
from org.models import NodeKind, OrgNode, Person, PostHolding, Role
from risks.models import Measure, RiskPoint


class Command(BaseCommand):
    help = "Print p50/p95 latency and queries per request of the main pages for a scoped user."

    def add_arguments(self, parser):
        parser.add_argument("--over", required=True, help="code of the org node the user's role covers")
        parser.add_argument("--role", default=Role.DISCIPLINE_COMMISSION, choices=Role.values)
        parser.add_argument("-n", type=int, default=30, help="requests per page")
        parser.add_argument("--path", action="append", help="extra paths to time")
        parser.add_argument("--holds-post", action="store_true", help="make the user the holder of a post below --over")

    def handle(self, *args, **o):
        node, user = bench_user(o["over"], o["role"])
        if o["holds_post"]:
            self._hold_post(user, node)
        below = OrgNode.objects.filter(path__startswith=node.path)
        # The first unit at or below the node (for a department: the department itself).
        unit = below.filter(kind=NodeKind.UNIT).order_by("path").first() or node
        county = below.filter(kind=NodeKind.COUNTY).order_by("path").first()
        point = self._point(unit)
        warning = self._warning(unit, node)
        client = Client()
        client.force_login(user)
        paths = [
            "/",
            "/org/",
            f"/org/nodes/{node.pk}/",
            f"/org/nodes/{unit.pk}/",
            f"/org/nodes/{node.pk}/children/",
            "/org/posts/",
            "/org/posts/?q=岗位3",
            "/org/posts/?key=1&vacant=1",
            f"/org/posts/?under={unit.pk}",
            "/org/people/",
            "/api/v1/org/posts/",
            "/api/v1/org/people/?q=干部1",
            "/org/roles/",
            "/powers/",
            "/powers/?q=许可",
            f"/powers/?under={unit.pk}",
            "/public/",
            "/public/?q=行政处罚",
            "/api/v1/public/powers/?q=行政许可",
            "/risks/",
            f"/risks/?under={unit.pk}",
            f"/risks/?under={node.pk}&grade=1",
            "/risks/reviews/",
            f"/risks/rollup/?under={unit.pk}",
            *([f"/risks/rollup/?under={county.pk}"] if county else []),
            *([f"/risks/{point}/"] if point else []),
            "/risks/measures/",
            "/api/v1/risks/",
            "/alerts/",
            "/alerts/?level=1&status=open",
            "/alerts/?overdue=1",
            f"/alerts/?under={unit.pk}",
            "/alerts/info/",
            f"/alerts/info/?under={unit.pk}&late=1",
            "/alerts/petitions/",
            "/alerts/mine/",
            *([f"/alerts/{warning}/"] if warning else []),
            "/api/v1/alerts/warnings/",
            "/api/v1/alerts/info/",
        ] + (o["path"] or [])
        total = OrgNode.objects.filter(path__startswith=node.path).count()
        self.stdout.write(f"{connection.vendor}; user: {o['role']} over {node.name} ({total} org nodes below)")
        self.stdout.write(f"{'path':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        with override_settings(DEBUG=True):
            for path in paths:
                self._time(client, path, o["n"])

    def _point(self, unit: OrgNode) -> int | None:
        """A risk point of the unit with a prevention measure (so its page shows a review
        trail and measures), else any of its points."""
        measured = Measure.objects.filter(point__node__path__startswith=unit.path).order_by("-point_id")
        found = measured.values_list("point_id", flat=True).first()
        if found is None:
            points = RiskPoint.objects.filter(node__path__startswith=unit.path).order_by("-pk")
            found = points.values_list("pk", flat=True).first()
        return found

    def _warning(self, unit: OrgNode, node: OrgNode) -> int | None:
        """The newest warning to the unit (or department) or below, else below the node."""
        for where in (unit, node):
            found = (
                RiskWarning.objects.filter(node__path__startswith=where.path)
                .order_by("-pk")
                .values_list("pk", flat=True)
                .first()
            )
            if found is not None:
                return found
        return None

    def _hold_post(self, user, node: OrgNode) -> None:
        """Link the user to the current holder of the first post below `node` that has
        no login yet (once: a user already linked keeps their person)."""
        if Person.objects.filter(user=user).exists():
            return
        holding = (
            PostHolding.objects.current()
            .filter(post__department__path__startswith=node.path, person__user__isnull=True)
            .order_by("post__department__path", "post_id")
            .first()
        )
        if holding is None:
            raise CommandError(f"no post below {node.name} has a holder without a login")
        Person.objects.filter(pk=holding.person_id).update(user=user)

    def _time(self, client, path, n):
        timings, queries = [], 0
        for _i in range(n + 2):
            reset_queries()
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 403 and not timings:
                # A narrower role (a department head) may not see every page: say so, go on.
                self.stdout.write(f"{path:<44} {'403 for this role':>26}")
                return
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
            timings.append(elapsed)
            queries = len(connection.queries)
        timings = sorted(timings[2:])  # the first two warm caches
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        self.stdout.write(f"{path:<44} {statistics.median(timings):>8.1f} {p95:>8.1f} {queries:>8}")
