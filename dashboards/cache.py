"""Cached dashboards: what a reader's dashboard shows is a function of their grants, the
summary tables and the day, so it is built once and kept in the cache under a key naming
all of them:

    dash:<variant>:<user>:<grants version>:<figures version>:<day>:<language>:<node>:<year>

- the grants version (org.permissions.grants_version) changes with any role, grant, post
  holding, node or user status, so an entry is never served after the reader's scope
  changed: the permission check made when the entry was built still holds;
- the figures version is the latest refresh that changed a summary row: a refresh that
  finds nothing new keeps every entry; the day is in the key because the trend months and
  the default cycle year follow the calendar.

A hit costs two cache reads (the versions, then the entry) and no query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from dashboards.models import TallyRun
from org.permissions import GRANTS_VERSION_KEY, grants_changed

RUN_KEY = "dash:run"
RUN_TTL = 60  # a refresh committed by another process is seen within a minute at worst
ENTRY_TTL = 3600
STALE_AFTER = dt.timedelta(minutes=15)  # three refresh periods: the scheduled job is not running


@dataclass(frozen=True)
class RunInfo:
    """The latest refresh (its time is what the page says) and the latest one that changed a
    row (what the cached entries depend on)."""

    id: int
    finished_at: dt.datetime
    figures_id: int

    @property
    def stale(self) -> bool:
        return self.finished_at < timezone.now() - STALE_AFTER


def _read_run() -> RunInfo | None:
    latest = TallyRun.objects.order_by("-finished_at").values_list("pk", "finished_at").first()
    if latest is None:
        return None
    changed = TallyRun.objects.filter(nodes_changed__gt=0).order_by("-finished_at").values_list("pk", flat=True).first()
    return RunInfo(latest[0], latest[1], changed or latest[0])


def run_finished(run: TallyRun) -> None:
    """Called by the refresh inside its transaction: once committed, the new run is what
    every page reads (and, if it changed a row, every cached entry is built anew)."""
    transaction.on_commit(lambda: cache.set(RUN_KEY, ("run", _read_run()), RUN_TTL))


def _versions() -> tuple[str, RunInfo | None]:
    found = cache.get_many([GRANTS_VERSION_KEY, RUN_KEY])
    version = found.get(GRANTS_VERSION_KEY) or grants_changed()
    run = found.get(RUN_KEY)
    if run is None:
        run = ("run", _read_run())
        cache.set(RUN_KEY, run, RUN_TTL)
    return version, run[1]


def latest_run() -> RunInfo | None:
    return _versions()[1]


@dataclass(frozen=True)
class Entry:
    key: str
    run: RunInfo | None

    def get(self) -> Any:
        return cache.get(self.key)

    def set(self, value: Any) -> None:
        cache.set(self.key, value, ENTRY_TTL)

    def get_or_build(self, build: Callable[[], Any]) -> Any:
        value = self.get()
        if value is None:
            value = build()
            self.set(value)
        return value


def entry(variant: str, user, node: int | None, year: int | None) -> Entry:
    """The cache entry of one dashboard variant ("page", "cockpit", "data") for this reader."""
    version, run = _versions()
    parts = (
        variant,
        user.pk,
        version,
        run.figures_id if run else 0,
        timezone.localdate().isoformat(),
        translation.get_language() or "",
        node or "",
        year or "",
    )
    return Entry("dash:" + ":".join(str(p) for p in parts), run)
