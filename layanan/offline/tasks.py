"""The offline app's periodic work (docs/offline.md)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from layanan.offline.models import FormReceipt

# An outbox item waits on the phone until the connection returns: a month covers a long trip away.
RECEIPTS_KEPT = timedelta(days=30)


@task()
def offline_receipts_prune() -> int:
    """Forget the submit keys of saved steps older than :data:`RECEIPTS_KEPT`; returns how many."""
    deleted, _ = FormReceipt.objects.filter(created_at__lt=timezone.now() - RECEIPTS_KEPT).delete()
    return deleted
