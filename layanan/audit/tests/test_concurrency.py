"""Many writers at once, then the sealer: every event lands and joins one chain.

Real threads with their own database connections, so these tests use committed
transactions (``transaction=True``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.services import audit_record, audit_seal_pending, audit_verify
from layanan.audit.tests.conftest import old_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database puts every connection in one shared cache, which "
        "refuses concurrent writers ('database table is locked') instead of queueing them; "
        "on a SQLite file the library serialises writers anyway",
    ),
]

WRITERS = 6
EVENTS_EACH = 20


def _in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(n)`` in ``count`` threads released together; return what they raised."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as error:  # report it to the test, whatever it is
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_all_land_and_seal_into_one_chain():
    def write(n: int) -> None:
        for i in range(EVENTS_EACH):
            with transaction.atomic():
                audit_record(actor=None, action="test.concurrent", details={"writer": n, "i": i})

    assert _in_threads(WRITERS, write) == []
    total = WRITERS * EVENTS_EACH
    assert AuditEvent.objects.count() == total

    while audit_seal_pending(limit=25, grace=timedelta(0)) is not None:
        pass
    sequences = list(AuditEvent.objects.order_by("id").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    report = audit_verify()
    assert report.ok, report.problems
    assert (report.events, report.unsealed) == (total, 0)
    assert report.seals == AuditSeal.objects.count() == -(-total // 25)


def test_concurrent_sealers_take_turns_and_seal_each_event_once():
    for i in range(60):
        old_event(details={"i": i})

    def seal(n: int) -> None:
        while audit_seal_pending(limit=7, grace=timedelta(0)) is not None:
            pass

    assert _in_threads(4, seal) == []
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()
    assert list(AuditSeal.objects.values_list("number", flat=True)) == list(range(1, 10))
    assert audit_verify().ok
