"""The outbox steps every adapter shares: claim a row for one attempt, record the attempt's end."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from layanan.integrations.http import RemoteError, RemoteRefused, backoff
from layanan.integrations.models import Delivery, Outbox

logger = logging.getLogger(__name__)


# How long a claimed row is left to the worker that claimed it before another may try again.
LEASE_MARGIN = timedelta(seconds=60)


def outbox_claim[RowT: Outbox](model: type[RowT], pk: int, *, timeout: float) -> RowT | None:
    """Take ``pk`` for one attempt if it is pending and due; None when it is not (or another took it).

    A conditional update moves ``next_attempt_at`` past the attempt (the lease), so two workers
    never send the same row at once; a worker that dies mid-attempt leaves a row that is due again
    once the lease ends, and the retry carries the same idempotency key.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=timeout) + LEASE_MARGIN
    with transaction.atomic():
        claimed = model._default_manager.filter(
            pk=pk, delivery=Delivery.PENDING, next_attempt_at__isnull=False, next_attempt_at__lte=now
        ).update(next_attempt_at=lease, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return model._default_manager.get(pk=pk)


def outbox_failed(row: Outbox, error: RemoteError, *, max_attempts: int) -> None:
    """An attempt failed: try again after a back-off, or give up (a refusal, or too many attempts)."""
    row.last_error = error.code[:40]
    if isinstance(error, RemoteRefused) or row.attempts >= max_attempts:
        row.delivery = Delivery.FAILED
        row.next_attempt_at = None
    else:
        row.next_attempt_at = timezone.now() + backoff(row.attempts)
    row.save(update_fields=["last_error", "delivery", "next_attempt_at"])
    logger.warning(
        "%s %s: attempt %d failed (%s)%s",
        row._meta.model_name,
        row.pk,
        row.attempts,
        row.last_error,
        ", given up" if row.delivery == Delivery.FAILED else "",
    )


def outbox_due[RowT: Outbox](model: type[RowT], *, limit: int) -> list[int]:
    """The pending rows due for an attempt, oldest first."""
    return list(
        model._default_manager.filter(
            delivery=Delivery.PENDING, next_attempt_at__isnull=False, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
