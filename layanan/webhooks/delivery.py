"""Sending one delivery: claim it, sign and POST the event, record what the receiver answered.

``tasks.webhook_deliver`` → :func:`delivery_send` (here) → ``client.post``. The delivery is
claimed with a conditional update (pending → sending, attempts + 1), so two runs at once send
it once. Then:

- a 2xx answer: delivered (the subscription's run of failures ends);
- anything else (an HTTP error, a timeout, no connection): back to pending with
  ``next_attempt_at`` (exponential backoff with jitter) until ``WEBHOOKS_MAX_ATTEMPTS``, then
  failed; our own refusal of the target (not http(s), a private address) fails at once;
- a failed delivery adds one to the subscription's failures in a row; at
  ``WEBHOOKS_PAUSE_AFTER_FAILURES`` the subscription is paused (audited, the admin shows it).

A delivery found still ``sending`` after ``WEBHOOKS_SENDING_STALE_SECONDS`` (its worker was
killed mid-send) is sent again with the same ``Layanan-Delivery`` id, which the receiver uses
to drop a repeat: nothing is lost, and a receiver that dedupes sees it once.
Every try leaves a :class:`~layanan.webhooks.models.DeliveryAttempt`. This module never enqueues.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from layanan.audit.services import audit_record
from layanan.webhooks import client
from layanan.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Event, Subscription
from layanan.webhooks.signing import HEADER, signature_header

logger = logging.getLogger("layanan.webhooks")

USER_AGENT = "LayananLampura-Webhooks/1"


def backoff_delay(attempt: int) -> timedelta:
    """base * 2^(attempt-1) seconds, capped, times a random 0.5 to 1."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS * (2 ** max(0, attempt - 1))
    capped = min(base, settings.WEBHOOKS_RETRY_MAX_SECONDS)
    return timedelta(seconds=capped * random.uniform(0.5, 1.0))  # noqa: S311  # nosec B311  # jitter, not security


def secrets_in_use(subscription: Subscription) -> list[str]:
    """The secret, and the previous one while its grace period lasts."""
    secrets = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > timezone.now():
        secrets.append(subscription.previous_secret)
    return secrets


def body_of(event: Event) -> bytes:
    return json.dumps(event.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode(
        "utf-8"
    )


def headers_for(delivery: Delivery, event: Event, subscription: Subscription, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Layanan-Event": str(event.id),
        "Layanan-Event-Type": event.type,
        "Layanan-Delivery": str(delivery.id),
        HEADER: signature_header(secrets_in_use(subscription), body),
    }


def _claim(delivery: Delivery) -> bool:
    now = timezone.now()
    same = Delivery.objects.filter(pk=delivery.pk, status=delivery.status, attempts=delivery.attempts)
    return bool(same.update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, sending_since=now))


def _subscription_failed(subscription: Subscription) -> None:
    """One more delivery failed in a row; pause the subscription at the threshold (audited)."""
    Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    failures = (
        Subscription.objects.filter(pk=subscription.pk).values_list("consecutive_failures", flat=True).get()
    )
    if failures < settings.WEBHOOKS_PAUSE_AFTER_FAILURES:
        return
    paused = Subscription.objects.filter(pk=subscription.pk, paused_at__isnull=True).update(
        paused_at=timezone.now()
    )
    if paused:  # each process's copy of the subscribed types follows within its re-check time
        audit_record(
            actor=None,
            action="webhooks.subscription_pause",
            obj=subscription,
            details={"failures": failures},
        )
        logger.warning("webhook subscription %s paused after %d failed deliveries", subscription.pk, failures)


def _record(delivery: Delivery, number: int, answer: client.Answer, subscription: Subscription) -> str:
    now = timezone.now()
    same = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=number)
    if answer.ok:
        outcome = "delivered"
        values: dict[str, object] = {
            "status": DeliveryStatus.DELIVERED,
            "delivered_at": now,
            "last_error": "",
        }
    elif not answer.permanent and number < settings.WEBHOOKS_MAX_ATTEMPTS:
        outcome = "retry"
        values = {"status": DeliveryStatus.PENDING, "next_attempt_at": now + backoff_delay(number)}
    else:
        outcome = "failed"
        values = {"status": DeliveryStatus.FAILED, "failed_at": now, "next_attempt_at": None}
    if not answer.ok:
        values["last_error"] = answer.error
    with transaction.atomic():
        moved = same.update(sending_since=None, last_status_code=answer.status_code, **values)
        if not moved:
            return "busy"  # another run took it over meanwhile (it counted as stale)
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk,
            number=number,
            at=now,
            status_code=answer.status_code,
            duration_ms=answer.duration_ms,
            outcome=outcome,
            error=answer.error,
        )
        if outcome == "delivered":
            Subscription.objects.filter(pk=subscription.pk, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
        elif outcome == "failed":
            _subscription_failed(subscription)
    if outcome != "delivered":
        logger.info("webhook delivery %s try %d: %s (%s)", delivery.pk, number, outcome, answer.error)
    return outcome


def _give_up(delivery: Delivery, code: str) -> str:
    """Fail a delivery without sending it (its subscription stopped receiving)."""
    with transaction.atomic():
        moved = Delivery.objects.filter(
            pk=delivery.pk, status=delivery.status, attempts=delivery.attempts
        ).update(status=DeliveryStatus.FAILED, failed_at=timezone.now(), last_error=code, sending_since=None)
        if moved:
            DeliveryAttempt.objects.create(
                delivery_id=delivery.pk, number=delivery.attempts, outcome="failed", error=code
            )
    return "failed" if moved else "busy"


def delivery_send(*, delivery_id: str) -> str:
    """Send one delivery if it is due; safe to run twice (see the module doc).

    Returns delivered, retry, failed, later, busy, settled (nothing to do) or gone. After
    ``retry`` the delivery is pending again, due at its ``next_attempt_at``; the caller enqueues.
    """
    now = timezone.now()
    delivery = Delivery.objects.select_related("event", "subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return "settled"
    if delivery.status == DeliveryStatus.PENDING:
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return "later"
    else:  # SENDING: an earlier run is on it, or died mid-send
        stale = timedelta(seconds=settings.WEBHOOKS_SENDING_STALE_SECONDS)
        if delivery.sending_since is not None and delivery.sending_since > now - stale:
            return "busy"
    subscription = delivery.subscription
    if not subscription.receives:
        return _give_up(
            delivery, "subscription_paused" if subscription.is_active else "subscription_inactive"
        )
    if not _claim(delivery):
        return "busy"
    number = delivery.attempts + 1
    event = delivery.event
    body = body_of(event)
    answer = client.post(
        subscription.url,
        body,
        headers_for(delivery, event, subscription, body),
        timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
    )
    return _record(delivery, number, answer, subscription)
