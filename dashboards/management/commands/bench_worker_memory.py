"""The memory of a real web worker over many requests.

    manage.py bench_worker_memory --over SCALE -n 10000

starts gunicorn with one sync worker (the production server, as in the Dockerfile) on a free
local port with this process's settings, signs the benchmark user in (the discipline
commission over the node with code `--over`, as bench_dashboards does), then sends `-n`
requests over HTTP, taking the pages in turn: the dashboards of the node, of its first
county and of its first 50 units, the tiles API and the workbench. It prints the worker's
resident memory (from /proc) after a warm-up and every 1,000 requests, and the growth per
1,000 requests over the second half, where a leak would show and start-up would not.

(In-process loops through Django's test client are no measure of this: the client connects
and disconnects signal receivers on every request, and Django's dispatcher leaves a
weakref.finalize entry behind each time.)
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError

from core.bench import bench_user
from org.models import NodeKind, OrgNode

WARM_UP = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise CommandError(f"no VmRSS for process {pid}")


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise CommandError("gunicorn started no worker")


class Command(BaseCommand):
    help = "Print a gunicorn worker's memory over N requests of the dashboards."

    def add_arguments(self, parser):
        parser.add_argument("--over", required=True, help="code of the org node the commission's role covers")
        parser.add_argument("-n", type=int, default=10000, help="requests after the warm-up")
        parser.add_argument("--path", action="append", help="request these paths instead (e.g. /healthz, the floor)")

    def handle(self, *args, **o):
        node, user = bench_user(o["over"])
        below = OrgNode.objects.filter(path__startswith=node.path)
        county = below.filter(kind=NodeKind.COUNTY).order_by("path").first() or node
        units = list(below.filter(kind=NodeKind.UNIT).order_by("path").values_list("pk", flat=True)[:50])
        paths = [
            f"/dashboards/?node={node.pk}",
            f"/dashboards/?node={county.pk}",
            *(f"/dashboards/?node={u}" for u in units),
            f"/api/v1/dashboards/tiles/?node={county.pk}",
            "/dashboards/workbench/",
        ]
        paths = o["path"] or paths
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        port = _free_port()
        env = {**os.environ, "DJANGO_DEBUG": "0", "PYTHONUNBUFFERED": "1"}
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lianzheng.wsgi:application",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        try:
            worker = _worker_pid(server.pid)
            self._run(port, cookie, paths, worker, o["n"])
        finally:
            server.terminate()
            server.wait(timeout=30)

    def _get(self, port: int, cookie: str, path: str) -> None:
        for attempt in range(50):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                conn.close()
                break
            except ConnectionRefusedError:
                time.sleep(0.2 * (attempt + 1))
        else:
            raise CommandError("the server does not answer")
        if response.status != 200:
            raise CommandError(f"{path} answered {response.status}")

    def _run(self, port: int, cookie: str, paths: list[str], worker: int, n: int) -> None:
        for i in range(WARM_UP):
            self._get(port, cookie, paths[i % len(paths)])
        start = _rss_kb(worker)
        self.stdout.write(f"gunicorn worker {worker}; {len(paths)} pages in turn; after {WARM_UP} warm-up requests")
        self.stdout.write(f"{'requests':>9} {'RSS MB':>8} {'delta MB':>9} {'r/s':>7}")
        self.stdout.write(f"{0:>9} {start / 1024:>8.1f} {0:>9.1f}")
        samples = [(0, start)]
        started = time.perf_counter()
        for i in range(1, n + 1):
            self._get(port, cookie, paths[i % len(paths)])
            if i % 1000 == 0 or i == n:
                now = _rss_kb(worker)
                samples.append((i, now))
                rate = i / (time.perf_counter() - started)
                self.stdout.write(f"{i:>9} {now / 1024:>8.1f} {(now - start) / 1024:>9.1f} {rate:>7.1f}")
        half = [s for s in samples if s[0] >= n // 2]
        if len(half) >= 2 and half[-1][0] > half[0][0]:
            growth = (half[-1][1] - half[0][1]) / 1024 / ((half[-1][0] - half[0][0]) / 1000)
            self.stdout.write(f"growth over the second half: {growth:+.2f} MB per 1,000 requests")
