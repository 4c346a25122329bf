"""Writes of webhooks: subscriptions (create, change, rotate the secret, resume) and replays.

Each is one transaction with its audit row (``webhooks.<action>``). Audit details name the
receiver's host and the events, never the secret, the full URL or a payload.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import can
from layanan.audit.services import audit_record
from layanan.core.writes import enqueue_with_transaction
from layanan.webhooks.dispatch import case_of
from layanan.webhooks.events import EVENT_TYPES
from layanan.webhooks.models import Delivery, Subscription
from layanan.webhooks.tasks import webhook_deliver

SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105  # the prefix of generated secrets, not a secret


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def url_clean(url: str) -> str:
    """A receiver URL: http or https, with a host, without user name or password."""
    value = (url or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("URL penerima harus diawali http:// atau https:// dan punya nama host."))
    if parts.username or parts.password:
        raise ValidationError(_("Jangan menaruh nama pengguna atau kata sandi di URL penerima."))
    return value


def events_clean(events: Sequence[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError(_("Pilih paling sedikit satu peristiwa."))
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown:
        raise ValidationError(_("Peristiwa tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)})
    return chosen


def _details(subscription: Subscription) -> dict[str, object]:
    return {"host": urlsplit(subscription.url).hostname or "", "events": list(subscription.events)}


def subscription_create(
    *, actor: User, owner: User, description: str, url: str, events: Sequence[str]
) -> tuple[Subscription, str]:
    """A new subscription and its secret, which is shown once (stored sealed)."""
    secret = secret_new()
    with transaction.atomic():
        subscription = Subscription.objects.create(
            owner=owner,
            description=description.strip()[:120],
            url=url_clean(url),
            events=events_clean(events),
            secret=secret,
        )
        audit_record(
            actor=actor,
            action="webhooks.subscription_create",
            obj=subscription,
            details=_details(subscription),
        )
    return subscription, secret


def subscription_change(
    *,
    actor: User,
    subscription: Subscription,
    owner: User,
    description: str,
    url: str,
    events: Sequence[str],
    is_active: bool,
) -> Subscription:
    """Change where a subscription goes, what it wants, its owner, or switch it off."""
    with transaction.atomic():
        fresh = Subscription.objects.select_for_update().get(pk=subscription.pk)
        fresh.owner = owner
        fresh.description = description.strip()[:120]
        fresh.url = url_clean(url)
        fresh.events = events_clean(events)
        fresh.is_active = is_active
        fresh.save(update_fields=["owner", "description", "url", "events", "is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="webhooks.subscription_change",
            obj=fresh,
            details={**_details(fresh), "active": is_active, "owner": owner.pk},
        )
    return fresh


def subscription_secret_rotate(*, actor: User, subscription: Subscription) -> str:
    """A new secret (shown once); the old one keeps signing for ``WEBHOOKS_SECRET_GRACE_SECONDS``."""
    secret = secret_new()
    grace = settings.WEBHOOKS_SECRET_GRACE_SECONDS
    with transaction.atomic():
        fresh = Subscription.objects.select_for_update().get(pk=subscription.pk)
        fresh.previous_secret = fresh.secret if grace else ""
        fresh.previous_secret_until = timezone.now() + timedelta(seconds=grace) if grace else None
        fresh.secret = secret
        fresh.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
        audit_record(
            actor=actor, action="webhooks.secret_rotate", obj=fresh, details={"grace_seconds": grace}
        )
    return secret


def subscription_resume(*, actor: User, subscription: Subscription) -> Subscription:
    """Deliver to a paused subscription again (its run of failures starts from zero)."""
    with transaction.atomic():
        fresh = Subscription.objects.select_for_update().get(pk=subscription.pk)
        was_paused = fresh.paused_at is not None
        fresh.paused_at = None
        fresh.consecutive_failures = 0
        fresh.save(update_fields=["paused_at", "consecutive_failures", "updated_at"])
        audit_record(
            actor=actor, action="webhooks.subscription_resume", obj=fresh, details={"was_paused": was_paused}
        )
    return fresh


def delivery_replay(*, actor: User, delivery: Delivery) -> Delivery:
    """Send an event to a subscription again: a new delivery (new ``Layanan-Delivery``, same
    ``Layanan-Event``), signed with a new timestamp when it goes. Only while the subscription
    receives and its owner may still read the case."""
    with transaction.atomic():
        original = Delivery.objects.select_related("event", "subscription__owner").get(pk=delivery.pk)
        subscription = (
            Subscription.objects.select_for_update().select_related("owner").get(pk=original.subscription_id)
        )
        if not subscription.receives:
            raise ValidationError(_("Langganan ini tidak aktif atau sedang dijeda. Aktifkan dulu."))
        case = case_of(original.event)
        if case is None or not can(subscription.owner, f"{original.event.kind}.read", case):
            raise PermissionDenied("webhooks.delivery_replay")
        latest = Delivery.objects.filter(event=original.event, subscription=subscription).aggregate(
            Max("replay")
        )["replay__max"]
        replay = Delivery.objects.create(
            event=original.event, subscription=subscription, replay=(latest or 0) + 1
        )
        audit_record(
            actor=actor,
            action="webhooks.delivery_replay",
            obj=replay,
            details={
                "event": str(original.event_id),
                "type": original.event.type,
                "replay_of": str(original.pk),
                "subscription": subscription.pk,
            },
        )
        enqueue_with_transaction(webhook_deliver, str(replay.pk), key=("webhooks.delivery", replay.pk))
    return replay
