"""Reads from a PostgreSQL read replica, without ever showing a user stale data of their own.

With DATABASE_REPLICA_URL set, the `replica` alias is a streaming replica of `default` and
this router is installed:

- only the reads of a *safe* request (GET/HEAD/OPTIONS) go to the replica — dashboards and
  lists, the bulk of the traffic;
- everything else stays on the primary: writes, reads in the same request after a write,
  POST requests from their first query, Celery tasks and management commands (nothing marks
  them as safe requests), and a browser's requests for PIN_SECONDS after it wrote (a cookie),
  so the page shown after "save" reads what was just saved even if the replica lags.

`select_for_update()` querysets count as writes (Django asks db_for_write for them).
"""

from __future__ import annotations

from contextvars import ContextVar

PIN_COOKIE = "lz_primary"
PIN_SECONDS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# True: this context reads from the primary. Outside a request (tasks, commands, shells)
# the default keeps every read on the primary.
_on_primary: ContextVar[bool] = ContextVar("lianzheng_on_primary", default=True)
_wrote: ContextVar[bool] = ContextVar("lianzheng_wrote", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return "default" if _on_primary.get() else "replica"

    def db_for_write(self, model, **hints):
        _on_primary.set(True)
        _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks safe requests (without a recent write by this browser) as replica-readable, and
    pins the browser to the primary for PIN_SECONDS after a request that wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica_ok = request.method in SAFE_METHODS and request.COOKIES.get(PIN_COOKIE) != "1"
        primary_token = _on_primary.set(not replica_ok)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            wrote = _wrote.get() or request.method not in SAFE_METHODS
        finally:
            _on_primary.reset(primary_token)
            _wrote.reset(wrote_token)
        if wrote:
            response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax")
        return response
