"""Time the dashboards against the framework's floor, side by side, in one run.

    manage.py bench_dashboards --over SCALE -n 30

creates (once) a benchmark user holding the discipline commission's role over the node with
code `--over` (the same user as `bench_pages --role commission`), then for each dashboard
page requests a minimal view and the page `-n` times each through Django's test client (no
network, no server) and prints requests/s of both, their ratio, p50/p95 of the page and its
queries per request. The minimal view is routed in this module's own URLconf (the project's
URLs plus one path), so both go through the same middleware stack, session and user lookup
(it is `login_required`, as the pages are). Timings run with DEBUG off; queries are counted
in one extra request per page.

Each page is timed twice where it is cached: "built" bumps the grants version before every
request, so the board is built and rendered anew (what the first reader after a refresh
that changed the figures waits for); the plain row reads the reader's cached board. A web
worker's memory over many requests is measured by bench_worker_memory, with gunicorn.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path

from core.bench import bench_user
from org.models import NodeKind, OrgNode, Role
from org.permissions import grants_changed

MINIMAL_PATH = "/__bench__/minimal/"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


@login_required
def minimal(request):
    """The floor: a logged-in request that renders nothing."""
    return HttpResponse("ok", content_type="text/plain")


# This module is the URLconf while the benchmark runs: the minimal view plus the project.
urlpatterns = [
    path(MINIMAL_PATH.strip("/") + "/", minimal),
    path("", include(settings.ROOT_URLCONF)),
]


class Command(BaseCommand):
    help = "Print requests/s of the dashboards beside a minimal view's, p50/p95 and queries."

    def add_arguments(self, parser):
        parser.add_argument("--over", required=True, help="code of the org node the commission's role covers")
        parser.add_argument("-n", type=int, default=30, help="requests per page (and per minimal view)")
        parser.add_argument("--path", action="append", help="extra paths to time")

    def handle(self, *args, **o):
        role = Role.DISCIPLINE_COMMISSION
        node, user = bench_user(o["over"], role)
        below = OrgNode.objects.filter(path__startswith=node.path)
        county = below.filter(kind=NodeKind.COUNTY).order_by("path").first()
        unit = below.filter(kind=NodeKind.UNIT).order_by("path").first()
        board = "/dashboards/"
        api = "/api/v1/dashboards/"
        # (label, path, built: every request builds the board anew instead of reading the cache)
        pages = [
            (f"dashboard {node.kind}, built", f"{board}?node={node.pk}", True),
            (f"dashboard {node.kind}", f"{board}?node={node.pk}", False),
            *(
                [
                    ("dashboard county, built", f"{board}?node={county.pk}", True),
                    ("dashboard county", f"{board}?node={county.pk}", False),
                ]
                if county
                else []
            ),
            *(
                [
                    ("dashboard unit, built", f"{board}?node={unit.pk}", True),
                    ("dashboard unit", f"{board}?node={unit.pk}", False),
                ]
                if unit
                else []
            ),
            (f"cockpit {node.kind}", f"{board}?node={node.pk}&cockpit=1", False),
            (f"tiles API {node.kind}", f"{api}tiles/?node={node.pk}", False),
            *([("tiles API county", f"{api}tiles/?node={county.pk}", False)] if county else []),
            (f"dashboard API {node.kind}", f"{api}?node={node.pk}", False),
            (f"csv units {node.kind}", f"{board}?node={node.pk}&format=csv&chart=units", False),
            ("workbench", f"{board}workbench/", False),
            *(("extra", p, False) for p in o["path"] or []),
        ]
        client = Client()
        client.force_login(user)
        total = below.count()
        self.stdout.write(f"{connection.vendor}; user: {role} over {node.name} ({total} org nodes below); n={o['n']}")
        # DEBUG off as in production; plain static URLs so no collectstatic manifest is needed
        # (the manifest storage's lookup is one dict access per URL).
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False, STORAGES=storages):
            self.stdout.write(
                f"{'page':<26} {'path':<48} {'min r/s':>8} {'page r/s':>9} {'ratio':>6} "
                f"{'p50 ms':>7} {'p95 ms':>7} {'queries':>7}"
            )
            for label, url, built in pages:
                self._row(client, label, url, o["n"], built)

    def _one(self, client, url: str, built: bool) -> float:
        if built:
            grants_changed()  # a new key for every cached board: this request builds its own
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return elapsed

    def _times(self, client, url: str, n: int, built: bool) -> tuple[list[float], list[float]]:
        """The minimal view's and the page's timings, taken in turn (so a noisy neighbour
        slows both alike); the first two of each warm caches."""
        floor, page = [], []
        for _i in range(n + 2):
            floor.append(self._one(client, MINIMAL_PATH, False))
            page.append(self._one(client, url, built))
        return sorted(floor[2:]), sorted(page[2:])

    def _row(self, client, label: str, url: str, n: int, built: bool) -> None:
        floor, page = self._times(client, url, n, built)
        if built:
            grants_changed()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        floor_rps = len(floor) / sum(floor)
        page_rps = len(page) / sum(page)
        p95 = page[min(len(page) - 1, int(len(page) * 0.95))] * 1000
        self.stdout.write(
            f"{label:<26} {url:<48} {floor_rps:>8.0f} {page_rps:>9.1f} {page_rps / floor_rps:>6.2f} "
            f"{statistics.median(page) * 1000:>7.1f} {p95:>7.1f} {len(ctx.captured_queries):>7}"
        )
