"""Test support for the append-only audit log.

A transactional test (``django_db(transaction=True)``) ends with Django flushing
every table. PostgreSQL flushes with TRUNCATE, which the row triggers do not
see; SQLite flushes with DELETE, which the guard refuses. The autouse fixture
below empties the audit tables (guard lifted) just before that flush. Import it
into a ``conftest.py`` to switch it on below that directory::

    from layanan.audit.testing import audit_log_flushable  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from layanan.audit import guard
from layanan.audit.models import AuditEvent, AuditSeal


def empty_audit_log(using: str = "default") -> None:
    """Delete every audit row, the way only a test (or a database owner) can."""
    with guard.lifted(using):
        AuditEvent.objects.using(using).all().delete()
        AuditSeal.objects.using(using).all().delete()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def audit_log_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _is_transactional(request):
        yield
        return
    # Requesting the database fixture here makes its teardown (the flush) run after ours.
    request.getfixturevalue("transactional_db")
    yield
    empty_audit_log()
