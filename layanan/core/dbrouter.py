"""Reads of the dashboards and exports on a PostgreSQL replica; everything else on the primary.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias,
:class:`ReadReplicaRouter` and :class:`ReadReplicaMiddleware`. A read goes to
``replica`` only

- inside :func:`read_replica` (a context variable, so per thread and per
  request), which the middleware enters for a GET or HEAD of a URL name
  matching ``READ_REPLICA_VIEWS`` (``monitoring:*`` by default: the dashboards,
  their exports and the transparency page), around the view only;
- outside any transaction on ``default`` (a read inside one must see the
  transaction's own writes);
- for a model that is not in :data:`PRIMARY_ONLY_APPS` (sessions, the users and
  their permissions, the audit log, the task queue: what decides who someone
  is, what they may do, or what must not be read stale).

Writes always go to ``default``. Without ``DATABASE_REPLICA_URL`` nothing is
routed at all. A replica lags the primary by up to a few seconds: a dashboard
read there may not show a case submitted a moment ago (docs/observability.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "auth",
        "accounts",
        "identity",
        "contenttypes",
        "admin",
        "audit",
        "core",
        "django_tasks_database",
    }
)

_reading_from_replica: ContextVar[bool] = ContextVar("read_replica", default=False)


@contextmanager
def read_replica() -> Iterator[None]:
    """Inside the block, reads that may be stale go to the replica (see the module doc)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReadReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _reading_from_replica.get():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read there may be tied to one from default.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == REPLICA else None


def replica_view_matches(view_name: str, patterns: list[str]) -> bool:
    """Whether a URL name (``namespace:name``) matches one of ``patterns`` (``monitoring:*``)."""
    return any(fnmatchcase(view_name, pattern) for pattern in patterns)


class ReadReplicaMiddleware:
    """Enter :func:`read_replica` around the view of a GET/HEAD whose URL name is in READ_REPLICA_VIEWS.

    Last in MIDDLEWARE: the session, the user and the second-factor check are read from the
    primary before the view runs. The decision per URL name is remembered, so a request pays a
    dictionary lookup.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.patterns = list(settings.READ_REPLICA_VIEWS)
        self.decided: dict[str, bool] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Set by process_view; the view and its template (rendered by the handler inside
        # get_response) read from the replica, then it is put back.
        request._replica_token = None  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            token = request._replica_token  # type: ignore[attr-defined]
            if token is not None:
                _reading_from_replica.reset(token)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or not self.patterns:
            return None
        match = request.resolver_match
        if match is None:
            return None
        name = match.view_name
        use = self.decided.get(name)
        if use is None:
            use = self.decided[name] = replica_view_matches(name, self.patterns)
        if use:
            request._replica_token = _reading_from_replica.set(True)  # type: ignore[attr-defined]
        return None
