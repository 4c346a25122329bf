"""Writes of notifications: notify(), the sending engine, delivery reports, preferences.

``notify()`` records one :class:`Message` per idempotency key and enqueues
:func:`~layanan.notifications.tasks.message_send` when the transaction commits.
The task calls :func:`message_deliver`, which claims the message with a
conditional update, sends it on the current channel of its plan, and then:

- ``ok``: sent (with the gateway's reference);
- temporary failure: back to queued with ``next_attempt_at`` (exponential
  backoff with jitter) until NOTIFY_MAX_ATTEMPTS on that channel, then the next
  channel;
- permanent failure: the next channel of the plan, else failed.

A message found still ``sending`` (its worker died mid-send) is sent again
with the same client reference only on channels whose gateway drops
duplicates by it (SMS). On WhatsApp and email it is marked *unconfirmed*; if
no delivery report confirms it within NOTIFY_UNCONFIRMED_WAIT_SECONDS, the
next channel is tried (or it fails as ``unconfirmed``).
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.phone import normalize_phone
from layanan.audit.services import audit_record
from layanan.core.crypto import blind_index
from layanan.notifications.backends import Outgoing, SendResult, backend_for
from layanan.notifications.events import CHANNELS, PLACEHOLDERS, event_get
from layanan.notifications.models import ContactPreference, Message, MessageStatus
from layanan.notifications.rendering import render

logger = logging.getLogger("layanan.notifications")

PHONE_PURPOSE = "notifications.phone"
KEY_MAX = 200
VALUE_MAX = 120
_NIK_LIKE = re.compile(r"\d{15,}")
_SETTLED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.SKIPPED)


class NotifyError(ValueError):
    """notify() was called with something it refuses (an unknown placeholder, personal data, a bad key)."""


def phone_hash(phone: str) -> str:
    """The keyed hash the delivery log searches by (``phone`` already normalised)."""
    return blind_index(phone, purpose=PHONE_PURPOSE)


def first_name_of(user: User) -> str:
    parts = (user.full_name or "").split()
    return parts[0][:40] if parts else ""


# --- notify ------------------------------------------------------------------------------------


def _clean_data(data: Mapping[str, str] | None) -> dict[str, str]:
    clean: dict[str, str] = {}
    for name, value in (data or {}).items():
        if name not in PLACEHOLDERS:
            raise NotifyError(f"notify() data may only hold {sorted(PLACEHOLDERS)}, not {name!r}")
        text = str(value or "").strip()
        if _NIK_LIKE.search(text.replace(" ", "")):
            raise NotifyError(f"notify() data {name!r} looks like a NIK or KK; never put one in a message")
        clean[name] = text[:VALUE_MAX]
    return clean


def _resolve(to: User | str) -> tuple[User | None, str, str]:
    """(user, phone, email) for a user, a phone number in any usual spelling, or an email address."""
    if isinstance(to, User):
        return to, to.phone or "", to.email or ""
    raw = (to or "").strip()
    if "@" in raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise NotifyError("notify() got an address that is neither a phone number nor an email") from None
        user = User.objects.filter(email__iexact=raw, is_active=True).first()
        return user, (user.phone if user else ""), raw
    try:
        phone = normalize_phone(raw)
    except ValidationError:
        raise NotifyError("notify() got an address that is neither a phone number nor an email") from None
    user = User.objects.filter(phone=phone, is_active=True).first()
    return user, phone, (user.email or "" if user else "")


def preference_of(user: User) -> ContactPreference:
    """The person's saved preference, or the default (not saved)."""
    found = ContactPreference.objects.filter(user_id=user.pk).first()
    return found or ContactPreference(user=user)


def _reachable(channel: str, phone: str, email: str) -> bool:
    return bool(email) if channel == "email" else bool(phone)


def _plan(*, user: User | None, phone: str, email: str, channels: Sequence[str] | None) -> list[str]:
    configured = [c for c in settings.NOTIFY_CHANNELS if c in CHANNELS]
    if channels is not None:  # forced by the caller (an inbound reply goes back where it came from)
        wanted = [c for c in channels if c in configured]
    elif user is not None:
        preference = preference_of(user)
        order = [c for c in preference.order if c in CHANNELS]
        order += [c for c in CHANNELS if c not in order]
        wanted = [c for c in order if c in configured and preference.enabled(c)]
    else:
        wanted = configured
    plan: list[str] = []
    for channel in wanted:
        if channel not in plan and _reachable(channel, phone, email):
            plan.append(channel)
    return plan


def notify(
    *,
    to: User | str,
    event: str,
    data: Mapping[str, str] | None = None,
    key: str,
    channels: Sequence[str] | None = None,
    language: str | None = None,
    reply: bool = False,
) -> Message | None:
    """Tell ``to`` about ``event``, once per ``key``; None when nothing can or may be sent.

    ``to``: a user, a phone number (any Indonesian spelling) or an email address.
    ``data``: only the placeholders of :data:`~layanan.notifications.events.PLACEHOLDERS`
    (``first_name`` is filled from the user when missing). ``channels`` forces the
    channels (in order) instead of the person's preference. ``reply``: an answer to
    the person's own inbound message within WhatsApp's 24-hour window (free text
    allowed). The same ``key`` again returns the first message and sends nothing more.
    Skipped notices (opted out, no reachable channel) are recorded with status
    ``skipped`` and return None.
    """
    definition = event_get(event)
    if not key or len(key) > KEY_MAX:
        raise NotifyError(f"notify() needs a key of 1 to {KEY_MAX} characters")
    clean = _clean_data(data)
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return None if existing.status == MessageStatus.SKIPPED else existing
    user, phone, email = _resolve(to)
    if user is not None and "first_name" not in clean and definition.audience != "anyone":
        clean["first_name"] = first_name_of(user)
    lang = language or (user.preferred_language if user is not None else "") or settings.LANGUAGE_CODE
    lang = lang if lang in ("id", "en") else "id"
    plan = _plan(user=user, phone=phone, email=email, channels=channels)
    skipped = ""
    if not definition.essential and user is not None and not preference_of(user).optional_messages:
        skipped = "opted_out"
    elif not plan:
        skipped = "no_channel"
    message = Message(
        key=key,
        event=event,
        recipient=user,
        phone=phone,
        phone_hash=phone_hash(phone) if phone else "",
        email=email,
        data=json.dumps(clean),
        tracking_number=clean.get("tracking_number", "")[:40],
        language=lang,
        reply=reply,
        channels=plan,
        channel=plan[0] if plan else "",
        status=MessageStatus.SKIPPED if skipped else MessageStatus.QUEUED,
        error_code=skipped,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = Message.objects.filter(key=key).first()
        if existing is None:
            raise
        return None if existing.status == MessageStatus.SKIPPED else existing
    if skipped:
        logger.info("notify %s %s skipped: %s", message.tracking_number or "-", event, skipped)
        return None
    message_id = message.pk
    transaction.on_commit(lambda: message_enqueue(message_id))
    return message


# --- sending -----------------------------------------------------------------------------------


def message_enqueue(message_id: int, at: datetime | None = None) -> None:
    """Enqueue the send task of a message, to run at ``at`` when the task backend can defer."""
    from layanan.notifications.tasks import message_send

    if at is not None and at > timezone.now() and message_send.get_backend().supports_defer:
        message_send.using(run_after=at).enqueue(message_id)
    else:
        message_send.enqueue(message_id)


def backoff_delay(attempt: int) -> timedelta:
    """Exponential backoff with jitter: base * 2^(attempt-1), capped, times 0.5 to 1."""
    base = settings.NOTIFY_RETRY_BASE_SECONDS * (2 ** max(0, attempt - 1))
    capped = min(base, settings.NOTIFY_RETRY_MAX_SECONDS)
    return timedelta(seconds=capped * random.uniform(0.5, 1.0))  # noqa: S311  # jitter, not security


def _history(message: Message, **entry: Any) -> list[dict[str, Any]]:
    entry = {"at": timezone.now().isoformat(timespec="seconds"), "channel": message.channel, **entry}
    return [*message.history[-30:], entry]


def _outgoing(message: Message) -> Outgoing:
    data: dict[str, str] = json.loads(message.data or "{}")
    rendered = render(event=message.event, channel=message.channel, language=message.language, data=data)
    return Outgoing(
        message_id=message.pk,
        key=message.key,
        client_ref=message.client_ref,
        channel=message.channel,
        to=message.email if message.channel == "email" else message.phone,
        event=message.event,
        tracking_number=message.tracking_number,
        language=message.language,
        rendered=rendered,
        reply=message.reply,
    )


def _fallback(message: Message, *, code: str, seen_status: str) -> str:
    """Move to the next channel of the plan (and enqueue), or fail; conditional on what we saw."""
    now = timezone.now()
    same = Message.objects.filter(pk=message.pk, channel_index=message.channel_index, status=seen_status)
    following = message.channel_index + 1
    history = _history(
        message, outcome="fallback" if following < len(message.channels) else "failed", code=code
    )
    if following < len(message.channels):
        moved = same.update(
            status=MessageStatus.QUEUED,
            channel_index=following,
            channel=message.channels[following],
            channel_attempts=0,
            unconfirmed=False,
            next_attempt_at=None,
            sending_since=None,
            error_code=code,
            history=history,
        )
        if moved:
            logger.info(
                "notify %s %s: %s failed (%s), trying %s",
                message.tracking_number or "-",
                message.event,
                message.channel,
                code,
                message.channels[following],
            )
            transaction.on_commit(lambda: message_enqueue(message.pk))
            return "fallback"
        return "busy"
    failed = same.update(
        status=MessageStatus.FAILED,
        failed_at=now,
        unconfirmed=False,
        next_attempt_at=None,
        sending_since=None,
        error_code=code,
        history=history,
    )
    if failed:
        logger.warning(
            "notify %s %s failed on every channel (%s)", message.tracking_number or "-", message.event, code
        )
    return "failed" if failed else "busy"


def _record(message: Message, result: SendResult) -> str:
    now = timezone.now()
    if result.outcome == "ok":
        done = Message.objects.filter(
            pk=message.pk,
            channel_index=message.channel_index,
            status__in=(MessageStatus.SENDING, MessageStatus.QUEUED),
        ).update(
            status=MessageStatus.SENT,
            sent_at=now,
            gateway_ref=result.gateway_ref,
            error_code="",
            unconfirmed=False,
            next_attempt_at=None,
            sending_since=None,
            history=_history(message, outcome="sent"),
        )
        if not done:  # a delivery report overtook us: keep its status, add the reference
            Message.objects.filter(pk=message.pk, gateway_ref="").update(gateway_ref=result.gateway_ref)
        return "sent"
    if result.outcome == "temporary" and message.channel_attempts < settings.NOTIFY_MAX_ATTEMPTS:
        at = now + backoff_delay(message.channel_attempts)
        retried = Message.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
        ).update(
            status=MessageStatus.QUEUED,
            next_attempt_at=at,
            sending_since=None,
            error_code=result.error_code,
            history=_history(message, outcome="retry", code=result.error_code),
        )
        if retried:
            transaction.on_commit(lambda: message_enqueue(message.pk, at))
            return "retry"
        return "busy"
    code = result.error_code or result.outcome
    if result.outcome == "temporary":
        code = f"{code}_max_attempts"[:64]
    return _fallback(message, code=code, seen_status=MessageStatus.SENDING)


def message_deliver(*, message_id: int) -> str:
    """Send one message on its current channel if it is due; safe to run twice (see the module doc).

    Returns what happened: sent, retry, fallback, failed, unconfirmed, later, busy,
    settled (nothing to do) or gone.
    """
    now = timezone.now()
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return "gone"
    if message.status in _SETTLED:
        return "settled"
    if message.status == MessageStatus.QUEUED:
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return "later"
        if message.unconfirmed:  # nothing confirmed the interrupted send in time
            return _fallback(message, code="unconfirmed", seen_status=MessageStatus.QUEUED)
        claimed = Message.objects.filter(
            pk=message.pk, status=MessageStatus.QUEUED, attempts=message.attempts
        ).update(
            status=MessageStatus.SENDING,
            attempts=F("attempts") + 1,
            channel_attempts=F("channel_attempts") + 1,
            sending_since=now,
        )
        if not claimed:
            return "busy"
    else:  # SENDING: an earlier run is on it, or died mid-send
        stale = timedelta(seconds=settings.NOTIFY_SENDING_STALE_SECONDS)
        if message.sending_since is not None and message.sending_since > now - stale:
            return "busy"
        backend = backend_for(message.channel)
        if not backend.dedupes:
            wait = timedelta(seconds=settings.NOTIFY_UNCONFIRMED_WAIT_SECONDS)
            marked = Message.objects.filter(
                pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
            ).update(
                status=MessageStatus.QUEUED,
                unconfirmed=True,
                next_attempt_at=now + wait,
                sending_since=None,
                error_code="unconfirmed",
                history=_history(message, outcome="unconfirmed"),
            )
            if marked:
                logger.warning(
                    "notify %s %s: send on %s interrupted; waiting for a delivery report",
                    message.tracking_number or "-",
                    message.event,
                    message.channel,
                )
                transaction.on_commit(lambda: message_enqueue(message.pk, now + wait))
                return "unconfirmed"
            return "busy"
        claimed = Message.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
        ).update(attempts=F("attempts") + 1, channel_attempts=F("channel_attempts") + 1, sending_since=now)
        if not claimed:
            return "busy"
    message.refresh_from_db()
    try:
        outgoing = _outgoing(message)
    except (KeyError, ValueError) as error:  # a broken template: a permanent fault of this message
        logger.error("notify message %s not rendered: %s", message.pk, type(error).__name__)
        return _fallback(message, code="render_error", seen_status=MessageStatus.SENDING)
    result = backend_for(message.channel).send(outgoing)
    return _record(message, result)


# --- delivery reports --------------------------------------------------------------------------

_REPORTED = {
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "sent": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
    "rejected": MessageStatus.FAILED,
    "expired": MessageStatus.FAILED,
}


def message_status_record(
    *, channel: str, gateway_ref: str = "", key: str = "", status: str, at: datetime | None = None
) -> bool:
    """Apply a gateway's delivery report; True when it matched a message on that channel.

    Found by ``key`` (WhatsApp's ``biz_opaque_callback_data``) or by ``gateway_ref``.
    ``status``: delivered/read, sent/accepted, failed/undelivered/rejected/expired.
    Never moves a message backwards (a late "sent" after "delivered" changes nothing);
    a failure report moves it to its next channel.
    """
    target = _REPORTED.get((status or "").strip().lower())
    if target is None or not (key or gateway_ref):
        return False
    rows = Message.objects.filter(key=key) if key else Message.objects.filter(gateway_ref=gateway_ref)
    message = rows.filter(channel=channel).first()
    if message is None:
        return False
    when = at or timezone.now()
    active = Q(status__in=(MessageStatus.SENDING, MessageStatus.SENT)) | Q(
        status=MessageStatus.QUEUED, unconfirmed=True
    )
    same = Message.objects.filter(active, pk=message.pk, channel_index=message.channel_index)
    ref = {"gateway_ref": gateway_ref} if gateway_ref and not message.gateway_ref else {}
    if target == MessageStatus.DELIVERED:
        same.update(
            status=MessageStatus.DELIVERED,
            delivered_at=when,
            sent_at=message.sent_at or when,
            unconfirmed=False,
            next_attempt_at=None,
            error_code="",
            history=_history(message, outcome="delivered"),
            **ref,
        )
    elif target == MessageStatus.SENT:
        same.exclude(status=MessageStatus.SENT).update(
            status=MessageStatus.SENT,
            sent_at=when,
            unconfirmed=False,
            next_attempt_at=None,
            error_code="",
            history=_history(message, outcome="sent"),
            **ref,
        )
    elif message.status == MessageStatus.SENT:
        with transaction.atomic():
            _fallback(message, code=f"report_{status}"[:64], seen_status=MessageStatus.SENT)
    return True


# --- preferences -------------------------------------------------------------------------------


def contact_preference_update(
    *,
    user: User,
    order: Sequence[str],
    whatsapp: bool,
    sms: bool,
    email: bool,
    optional_messages: bool,
) -> ContactPreference:
    """Save how ``user`` wants to hear from us (audited, without addresses)."""
    clean_order = [c for c in order if c in CHANNELS]
    clean_order += [c for c in CHANNELS if c not in clean_order]
    with transaction.atomic():
        preference, _created = ContactPreference.objects.select_for_update().get_or_create(user=user)
        preference.order = clean_order
        preference.whatsapp = whatsapp
        preference.sms = sms
        preference.email = email
        preference.optional_messages = optional_messages
        preference.save()
        audit_record(
            actor=user,
            action="notifications.preference.update",
            obj=user,
            details={
                "order": clean_order,
                "whatsapp": whatsapp,
                "sms": sms,
                "email": email,
                "optional_messages": optional_messages,
            },
        )
    return preference
