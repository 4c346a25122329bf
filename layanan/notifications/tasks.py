"""Background sending of messages. Tasks take ids, re-read the database and are safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import message_deliver, message_enqueue

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
SWEEP_GRACE = timedelta(minutes=10)  # a task that long overdue was lost, not just late


@task()
def message_send(message_id: int) -> str:
    """Send message ``message_id`` if it is due (see :func:`message_deliver`)."""
    return message_deliver(message_id=message_id)


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
