"""Reads of notifications: the delivery log and the delivery-rate figure, scoped to the actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet

from layanan.accounts.permissions import Actor, can, require
from layanan.accounts.phone import normalize_phone
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import phone_hash

# What a search by phone number must leave out, from the apps whose notices would tie the number to
# something confidential (complaints: every notice about a report, ``complaints/disclosure.py``).
_phone_search_exclusions: list[Callable[[], Q]] = []


def phone_search_exclusion_register(exclusion: Callable[[], Q]) -> None:
    """Leave the rows ``exclusion()`` matches out of every search by phone (once, however often called)."""
    if exclusion not in _phone_search_exclusions:
        _phone_search_exclusions.append(exclusion)


def message_log(
    *,
    actor: Actor,
    tracking_number: str = "",
    phone: str = "",
    status: str = "",
    channel: str = "",
    event: str = "",
    day_from: date | None = None,
    day_to: date | None = None,
) -> QuerySet[Message]:
    """The delivery log, newest first, for those who may read it (``message.log.read``).

    ``phone`` is matched through its keyed hash, never stored or compared in clear; a search by
    phone never finds a notice about a report (who reported is nobody's to find this way: see
    ``layanan/complaints/disclosure.py``), whatever else is asked.
    """
    require(actor, "message.log.read")
    rows = Message.objects.all()
    if tracking_number:
        rows = rows.filter(tracking_number__iexact=tracking_number.strip())
    if phone:
        try:
            rows = rows.filter(phone_hash=phone_hash(normalize_phone(phone)))
        except ValidationError:
            rows = rows.none()
        for exclusion in _phone_search_exclusions:
            rows = rows.exclude(exclusion())
    if status:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel=channel)
    if event:
        rows = rows.filter(event=event)
    if day_from:
        rows = rows.filter(created_at__date__gte=day_from)
    if day_to:
        rows = rows.filter(created_at__date__lte=day_to)
    return rows.only(
        "pk",
        "event",
        "tracking_number",
        "channel",
        "status",
        "attempts",
        "gateway_ref",
        "error_code",
        "created_at",
        "sent_at",
        "delivered_at",
        "failed_at",
    ).order_by("-pk")


@dataclass(frozen=True)
class DeliveryFigures:
    queued: int
    sending: int
    sent: int
    delivered: int
    failed: int
    skipped: int

    @property
    def finished(self) -> int:
        return self.sent + self.delivered + self.failed

    @property
    def rate(self) -> float | None:
        """Delivered or sent over all finished messages (0 to 1); None when none finished."""
        return None if self.finished == 0 else (self.sent + self.delivered) / self.finished

    @property
    def rate_percent(self) -> int | None:
        """The delivery rate in whole percent (for pages)."""
        rate = self.rate
        return None if rate is None else round(rate * 100)


def delivery_figures(*, actor: Actor, start: datetime, end: datetime) -> DeliveryFigures:
    """Counts by status of messages created in [start, end), and the delivery rate.

    Aggregates only (no person), for the delivery log's readers and the dashboard's.
    """
    if not (can(actor, "message.log.read") or can(actor, "dashboard.read")):
        raise PermissionDenied
    counts = dict(
        Message.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return DeliveryFigures(**{status.value: int(counts.get(status.value, 0)) for status in MessageStatus})
