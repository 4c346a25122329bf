"""Builders for the webhook tests: a subscription, and running what the worker would run."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from layanan.accounts.models import User
from layanan.webhooks import services
from layanan.webhooks.models import Delivery, DeliveryStatus, Event, Subscription
from layanan.webhooks.tasks import webhook_deliver, webhook_event_dispatch


def subscribe(
    owner: User, url: str, events: list[str], *, actor: User | None = None
) -> tuple[Subscription, str]:
    return services.subscription_create(
        actor=actor or owner, owner=owner, description="Sistem uji", url=url, events=events
    )


def dispatch_all() -> None:
    """The dispatch tasks the steps enqueued (the tests run them as a worker would)."""
    for event_id in (
        Event.objects.filter(dispatched_at__isnull=True).order_by("occurred_at").values_list("pk", flat=True)
    ):
        webhook_event_dispatch.call(str(event_id))


def send_due() -> list[str]:
    """Send every delivery that is due now, once; the outcomes."""
    now = timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING).order_by("event__occurred_at", "created_at")
    return [
        webhook_deliver.call(str(delivery.pk))
        for delivery in due
        if delivery.next_attempt_at is None or delivery.next_attempt_at <= now
    ]


def run_all() -> list[str]:
    dispatch_all()
    return send_due()


def body(request: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(request.body)
    return loaded
