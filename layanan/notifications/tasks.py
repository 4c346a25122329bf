"""The queue of outgoing messages. Tasks take ids, re-read the database and are safe to run twice.

``services.notify()`` enqueues :func:`message_send`, which hands the message to
:func:`~layanan.notifications.delivery.message_deliver` and, when delivery put it
back in the queue (a retry, the next channel, an unconfirmed send), enqueues its
next run. This module imports delivery and never the services.
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

from layanan.notifications.delivery import AGAIN, message_deliver
from layanan.notifications.models import Message, MessageStatus

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
SWEEP_GRACE = timedelta(minutes=10)  # a task that long overdue was lost, not just late


def message_enqueue(message_id: int, at: datetime | None = None) -> None:
    """Enqueue the send task of a message, to run at ``at`` when the task backend can defer."""
    if at is not None and at > timezone.now() and message_send.get_backend().supports_defer:
        message_send.using(run_after=at).enqueue(message_id)
    else:
        message_send.enqueue(message_id)


@task()
def message_send(message_id: int) -> str:
    """Send message ``message_id`` if it is due (see :func:`message_deliver`), and queue its next run.

    After a retry, a move to the next channel or an unconfirmed send the message
    is queued again, due at its ``next_attempt_at`` (or now): its next run is
    enqueued for then, when the transaction commits.
    """
    outcome = message_deliver(message_id=message_id)
    if outcome in AGAIN:
        due = Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).values_list(
            "next_attempt_at", flat=True
        )
        for at in due[:1]:  # none when a delivery report settled it meanwhile
            transaction.on_commit(partial(message_enqueue, message_id, at))
    return outcome


@task()
def notifications_send_due() -> int:
    """Safety net: enqueue messages whose own task was lost (queued and due, or stuck sending).

    Runs every minute (layanan/core/schedule.py). A message enqueued twice is
    still sent once: message_deliver claims it with a conditional update.
    """
    now = timezone.now()
    due = Q(status=MessageStatus.QUEUED) & (
        Q(next_attempt_at__lte=now - SWEEP_GRACE)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
    )
    stale = Q(
        status=MessageStatus.SENDING,
        sending_since__lte=now - timedelta(seconds=settings.NOTIFY_SENDING_STALE_SECONDS) - SWEEP_GRACE,
    )
    ids = list(Message.objects.filter(due | stale).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    for message_id in ids:
        message_enqueue(message_id)
    if ids:
        logger.info("re-enqueued %d due messages", len(ids))
    return len(ids)
