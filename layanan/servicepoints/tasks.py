"""Background work: tell the subscribers of a published announcement, each once.

Tasks take ids, re-read the database and are safe to run twice: every message's key names the
announcement and the person (``announcement:<id>:published:u<user id>``), so :func:`notify` returns
the first message for a key it has seen and sends nothing more, whether the task is retried after
a crash, enqueued twice, or the announcement is withdrawn and published again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.notifications.services import notify
from layanan.servicepoints.models import Announcement
from layanan.servicepoints.selectors import subscribers_of

logger = logging.getLogger(__name__)

BATCH = 200  # people told per transaction
# A published announcement whose subscribers were not told this long after it began lost its task.
LOST_AFTER = timedelta(minutes=10)


def announcement_key(announcement_id: int, user_id: int) -> str:
    return f"announcement:{announcement_id}:published:u{user_id}"


def announcement_link(announcement_id: int) -> str:
    return settings.SITE_URL + reverse("servicepoints:announcement_detail", args=[announcement_id])


@task()
def announcement_fan_out(announcement_id: int) -> int:
    """Queue one message per subscriber of a published announcement; the number queued this run.

    An announcement shown from a later moment is told at that moment (the task waits for it).
    """
    announcement = Announcement.objects.select_related("office").filter(pk=announcement_id).first()
    if announcement is None or not announcement.published:
        return 0
    now = timezone.now()
    if announcement.ends_at is not None and announcement.ends_at <= now:
        return 0  # over before anyone was told: nothing to say any more
    if announcement.starts_at > now:
        announcement_fan_out.using(run_after=announcement.starts_at).enqueue(announcement_id)
        return 0
    user_ids = sorted(set(subscribers_of(announcement).values_list("user_id", flat=True)))
    data = {"office": announcement.office.name, "link": announcement_link(announcement.pk)}
    queued = 0
    for start in range(0, len(user_ids), BATCH):
        with transaction.atomic():
            for user in User.objects.filter(pk__in=user_ids[start : start + BATCH], is_active=True):
                message = notify(
                    to=user,
                    event="announcement.published",
                    data=data,
                    key=announcement_key(announcement.pk, user.pk),
                )
                queued += message is not None
    Announcement.objects.filter(pk=announcement.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    logger.info("servicepoints: announcement %d told %d subscribers", announcement.pk, queued)
    return queued


@task()
def announcements_fan_out_due() -> int:
    """Every 15 minutes: enqueue the fan-out of current announcements nobody was told of (a lost task)."""
    now = timezone.now()
    due = Announcement.objects.filter(
        published=True,
        notified_at__isnull=True,
        starts_at__lte=now - LOST_AFTER,
        published_at__lte=now - LOST_AFTER,
    ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    ids = list(due.values_list("pk", flat=True)[:100])
    for announcement_id in ids:
        announcement_fan_out.enqueue(announcement_id)
    return len(ids)
