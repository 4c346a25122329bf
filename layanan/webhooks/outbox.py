"""Saving a case's webhook event with the step that caused it (the outbox), cheaply.

The case engine (:mod:`layanan.cases.workflow`) calls :func:`webhook_event_record` inside the
step's transaction. The :class:`~layanan.webhooks.models.Event` row and its dispatch task are
written with the step (``insert_later`` and ``enqueue_with_transaction``, so inside a
``batched()`` block they join the block's one statement): an event exists if and only if the
step committed, and is dispatched after the commit.

A step whose event nobody subscribes to costs no statement: each process keeps the set of
event types any receiving subscription asks for and reads it again at most every
``WEBHOOKS_SUBSCRIPTION_CHECK_SECONDS`` (a subscription saved in this process counts at once;
one saved on another host within that time). With ``WEBHOOKS_ENABLED`` off, or for a
practice case, nothing is looked at.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from layanan.core.writes import enqueue_with_transaction, insert_later
from layanan.webhooks.events import event_type_for
from layanan.webhooks.models import Event, Subscription
from layanan.webhooks.tasks import webhook_event_dispatch


@dataclass(frozen=True)
class _Subscribed:
    types: frozenset[str]
    checked_at: float


_subscribed: _Subscribed | None = None
_subscribed_lock = threading.Lock()


def subscribed_types() -> frozenset[str]:
    """The event types some receiving subscription asks for (this process's copy, see the module)."""
    global _subscribed
    interval = float(settings.WEBHOOKS_SUBSCRIPTION_CHECK_SECONDS)
    cached = _subscribed
    now = time.monotonic()
    if cached is not None and interval > 0 and now - cached.checked_at < interval:
        return cached.types
    rows = Subscription.objects.filter(is_active=True, paused_at__isnull=True).values_list(
        "events", flat=True
    )
    types = frozenset(name for events in rows for name in (events or []) if isinstance(name, str))
    with _subscribed_lock:
        _subscribed = _Subscribed(types, now)
    return types


def subscriptions_forget(**_signal: Any) -> None:
    """Drop this process's copy of the subscribed types (a subscription changed here)."""
    global _subscribed
    with _subscribed_lock:
        _subscribed = None
    if transaction.get_connection().in_atomic_block:  # and again once the change is visible to all
        transaction.on_commit(_forget_now)


def _forget_now() -> None:
    global _subscribed
    with _subscribed_lock:
        _subscribed = None


def connect_signals() -> None:
    """Called from ``WebhooksConfig.ready()``."""
    post_save.connect(subscriptions_forget, sender=Subscription, dispatch_uid="webhooks_forget_save")
    post_delete.connect(subscriptions_forget, sender=Subscription, dispatch_uid="webhooks_forget_delete")


def webhook_event_record(
    case: Any, *, kind: str, action: str, from_status: str, to_status: str
) -> Event | None:
    """Save the event of a step of ``case`` (a ``kind`` case), if anyone subscribes to its type.

    Call inside the step's transaction, after the change. Returns the event, or None when the
    step produces none (webhooks off, a practice case, no event for the step, nobody subscribed).
    """
    if not settings.WEBHOOKS_ENABLED or getattr(case, "practice", False):
        return None
    name = event_type_for(kind, action, from_status, to_status)
    if name is None or name not in subscribed_types():
        return None
    event = Event(
        type=name,
        occurred_at=timezone.now(),
        kind=kind,
        case_model=case._meta.label_lower,
        case_id=case.pk,
        tracking_number=getattr(case, "tracking_number", "") or "",
        status=to_status,
    )
    insert_later(event)
    enqueue_with_transaction(webhook_event_dispatch, str(event.id), key=("webhooks.event", event.id))
    return event
