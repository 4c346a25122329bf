"""Dispatching a saved event: its payload, and one delivery per subscription allowed to hear it.

Runs in a task after the step committed (``tasks.webhook_event_dispatch``). A subscription
gets the event when it receives (active, not paused), asked for the event's type, and its
owner may read the case now (``<kind>.read`` in :mod:`layanan.accounts.permissions`: a
confidential report only reaches those who may read it). Safe to run twice: the event is
marked dispatched, and a delivery exists once per (event, subscription).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from layanan.accounts.permissions import can
from layanan.core.writes import insert_if_new
from layanan.webhooks.models import Delivery, Event, Subscription

API_PATHS = {"application": "/api/v1/applications/", "report": "/api/v1/reports/"}


def case_of(event: Event) -> Any:
    """The case an event is about, as it is now (None: deleted since)."""
    model = apps.get_model(event.case_model)
    return model._default_manager.filter(pk=event.case_id).first()


def _office_codes(case: Any) -> list[str]:
    """The office handling the case: an application's office; the offices a report is disposed to."""
    office = getattr(case, "office", None) if hasattr(case, "office_id") else None
    if office is not None:
        return [office.code]
    dispositions = getattr(case, "dispositions", None)
    if dispositions is None:
        return []
    return sorted(set(dispositions.filter(is_active=True).values_list("office__code", flat=True)))


def payload_of(event: Event, case: Any) -> dict[str, Any]:
    """What every delivery of ``event`` sends: ids, type, time, the case's kind, number, status,
    offices and API address. Never a name, NIK, phone number, text, or a report's reporter."""
    tracking = event.tracking_number
    return {
        "id": str(event.id),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "data": {
            "kind": event.kind,
            "tracking_number": tracking,
            "status": event.status,
            "offices": _office_codes(case),
            "url": f"{settings.SITE_URL}{API_PATHS.get(event.kind, '/api/v1/')}{tracking}",
        },
    }


def event_dispatch(*, event_id: str) -> list[str]:
    """Make the deliveries of one event (see the module doc); the ids of those made now, which the
    caller enqueues (``tasks.webhook_event_dispatch``)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.dispatched_at is not None:
        return []
    case = case_of(event)
    made: list[str] = []
    with transaction.atomic():
        claimed = Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now(), payload=payload_of(event, case) if case is not None else {}
        )
        if not claimed or case is None:
            return []
        subscriptions = Subscription.objects.filter(is_active=True, paused_at__isnull=True).select_related(
            "owner"
        )
        for subscription in subscriptions:
            if event.type not in (subscription.events or []):
                continue
            if not can(subscription.owner, f"{event.kind}.read", case):
                continue
            delivery = Delivery(event=event, subscription=subscription)
            if insert_if_new(delivery):
                made.append(str(delivery.id))
    return made
