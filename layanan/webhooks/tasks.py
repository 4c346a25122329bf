"""The webhook queue. Tasks take ids, re-read the database and are safe to run twice.

``outbox.webhook_event_record`` enqueues :func:`webhook_event_dispatch` with the step; the
dispatch makes the deliveries and enqueues :func:`webhook_deliver` for each; a delivery put back
for a retry enqueues its next run for when it is due. :func:`webhooks_send_due` (every minute,
``layanan/core/schedule.py``) picks up whatever lost its task.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from layanan.webhooks.delivery import delivery_send
from layanan.webhooks.dispatch import event_dispatch
from layanan.webhooks.models import Delivery, DeliveryStatus, Event

logger = logging.getLogger("layanan.webhooks")

SWEEP_BATCH = 500
SWEEP_GRACE = timedelta(minutes=5)  # a task that long overdue was lost, not just late


def delivery_enqueue(delivery_id: str, at: datetime | None = None) -> None:
    """Enqueue the send of a delivery, to run at ``at`` when the task backend can defer."""
    if at is not None and at > timezone.now() and webhook_deliver.get_backend().supports_defer:
        webhook_deliver.using(run_after=at).enqueue(delivery_id)
    else:
        webhook_deliver.enqueue(delivery_id)


@task()
def webhook_event_dispatch(event_id: str) -> int:
    """Make the deliveries of event ``event_id`` and enqueue their sends; how many were made."""
    made = event_dispatch(event_id=event_id)
    for delivery_id in made:
        transaction.on_commit(partial(delivery_enqueue, delivery_id))
    return len(made)


@task()
def webhook_deliver(delivery_id: str) -> str:
    """Send delivery ``delivery_id`` if it is due, and queue its next try after a failure."""
    outcome = delivery_send(delivery_id=delivery_id)
    if outcome == "retry":
        due = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).values_list(
            "next_attempt_at", flat=True
        )
        for at in due[:1]:
            transaction.on_commit(partial(delivery_enqueue, delivery_id, at))
    return outcome


@task()
def webhooks_send_due() -> int:
    """Safety net: dispatch events and send deliveries whose own task was lost; how many.

    Events still undispatched, deliveries pending and overdue, and deliveries stuck sending
    past ``WEBHOOKS_SENDING_STALE_SECONDS`` (their worker died). Each is still handled once:
    dispatch and send claim with conditional updates.
    """
    now = timezone.now()
    events = list(
        Event.objects.filter(dispatched_at__isnull=True, occurred_at__lte=now - SWEEP_GRACE)
        .order_by("occurred_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for event_id in events:
        webhook_event_dispatch.enqueue(str(event_id))
    due = Q(status=DeliveryStatus.PENDING) & (
        Q(next_attempt_at__lte=now - SWEEP_GRACE)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
    )
    stale = Q(
        status=DeliveryStatus.SENDING,
        sending_since__lte=now - timedelta(seconds=settings.WEBHOOKS_SENDING_STALE_SECONDS),
    )
    deliveries = list(
        Delivery.objects.filter(due | stale).order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for delivery_id in deliveries:
        delivery_enqueue(str(delivery_id))
    if events or deliveries:
        logger.info("webhooks: re-enqueued %d events and %d deliveries", len(events), len(deliveries))
    return len(events) + len(deliveries)


PRUNE_CHUNK = 1000


@task()
def webhooks_prune() -> int:
    """Delete events older than ``WEBHOOKS_RETENTION_DAYS`` with every delivery settled; how many.

    Their deliveries and attempts go with them. Daily (``layanan/core/schedule.py``); in chunks,
    safe to run twice or at the same time.
    """
    before = timezone.now() - timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    unsettled = Delivery.objects.filter(status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING))
    old = Event.objects.filter(occurred_at__lt=before).exclude(pk__in=unsettled.values("event_id"))
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:PRUNE_CHUNK])
        if not ids:
            return deleted
        Event.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
