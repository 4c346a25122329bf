"""Periodic audit work (scheduled in :mod:`layanan.core.schedule`)."""

from __future__ import annotations

from django.tasks import task

from layanan.audit import roots
from layanan.audit.services import audit_seal_pending

MAX_BATCHES_PER_RUN = 100


@task()
def audit_seal() -> int:
    """Seal every event that is ready, batch after batch; return how many were sealed.

    Safe to run twice, also at the same time: sealers take turns on one lock and
    an event is sealed once. Stops after :data:`MAX_BATCHES_PER_RUN` batches so one
    run cannot hold a worker for ever; the next run continues.
    """
    sealed = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        seal = audit_seal_pending()
        if seal is None:
            break
        sealed += seal.count
    return sealed


@task()
def audit_roots_publish() -> int:
    """Publish each finished day's last seal root (file, and email when configured); return how
    many days were published. Safe to run twice: a day's file is written once."""
    return len(roots.audit_roots_publish().written)
