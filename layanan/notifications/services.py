"""Writes of notifications: notify(), delivery reports, preferences.

``notify()`` records one :class:`Message` per idempotency key and enqueues
:func:`~layanan.notifications.tasks.message_send` when the transaction commits;
the task calls :func:`~layanan.notifications.delivery.message_deliver`. So the
path is a straight line, services → tasks → delivery, and no module of it
imports one above it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from layanan.accounts.models import User
from layanan.accounts.phone import normalize_phone
from layanan.audit.services import audit_record
from layanan.core.crypto import blind_index
from layanan.core.writes import enqueue_with_transaction, insert_if_new
from layanan.notifications.delivery import AGAIN, message_report_apply
from layanan.notifications.events import CHANNELS, PLACEHOLDERS, event_get
from layanan.notifications.models import ContactPreference, Message, MessageStatus
from layanan.notifications.tasks import message_enqueue, message_send

logger = logging.getLogger("layanan.notifications")

PHONE_PURPOSE = "notifications.phone"
KEY_MAX = 200
VALUE_MAX = 120
_NIK_LIKE = re.compile(r"\d{15,}")


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


def _proven_phone(user: User) -> str:
    """The user's phone when it is proven (a code or a message from it), else "": no SMS/WhatsApp."""
    phone = user.phone or ""
    # A number taken back from the account leaves a placeholder ("~…"), never a phone.
    return phone if user.phone_is_proven and phone.startswith("+") else ""


def _resolve(to: User | str) -> tuple[User | None, str, str]:
    """(user, phone, email) for a user, a phone number in any usual spelling, or an email address.

    Proven-only: a user's phone is used only once it is proven, and a phone number given
    as such is linked to the account that holds it only when that account proved it (an
    unproven account gets nothing meant for that number, not even by its email).
    """
    if isinstance(to, User):
        return to, _proven_phone(to), to.email or ""
    raw = (to or "").strip()
    if "@" in raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise NotifyError("notify() got an address that is neither a phone number nor an email") from None
        user = User.objects.filter(email__iexact=raw, is_active=True).first()
        return user, (_proven_phone(user) if user else ""), raw
    try:
        phone = normalize_phone(raw)
    except ValidationError:
        raise NotifyError("notify() got an address that is neither a phone number nor an email") from None
    user = User.objects.filter(phone=phone, is_active=True, phone_verified_at__isnull=False).first()
    return user, phone, (user.email or "" if user else "")


def preference_of(user: User) -> ContactPreference:
    """The person's saved preference, or the default (not saved).

    No query when ``user`` was read with ``select_related("contact_preference")``.
    """
    if User.contact_preference.is_cached(user):
        try:
            return user.contact_preference
        except ContactPreference.DoesNotExist:
            return ContactPreference(user=user)
    found = ContactPreference.objects.filter(user_id=user.pk).first()
    return found or ContactPreference(user=user)


def _reachable(channel: str, phone: str, email: str) -> bool:
    return bool(email) if channel == "email" else bool(phone)


def _plan(
    *,
    user: User | None,
    preference: ContactPreference | None,
    phone: str,
    email: str,
    channels: Sequence[str] | None,
) -> list[str]:
    configured = [c for c in settings.NOTIFY_CHANNELS if c in CHANNELS]
    if channels is not None:  # forced by the caller (an inbound reply goes back where it came from)
        wanted = [c for c in channels if c in configured]
    elif user is not None and preference is not None:
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
    user, phone, email = _resolve(to)
    if user is not None and "first_name" not in clean and definition.audience != "anyone":
        clean["first_name"] = first_name_of(user)
    lang = language or (user.preferred_language if user is not None else "") or settings.LANGUAGE_CODE
    lang = lang if lang in ("id", "en") else "id"
    # The preference is read once: it chooses the channels (unless forced) and allows optional notices.
    preference = (
        preference_of(user) if user is not None and (channels is None or not definition.essential) else None
    )
    plan = _plan(user=user, preference=preference, phone=phone, email=email, channels=channels)
    skipped = ""
    if not definition.essential and preference is not None and not preference.optional_messages:
        skipped = "opted_out"
    elif not plan and isinstance(to, User) and to.phone and not to.phone_is_proven:
        skipped = "phone_unproven"
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
    return _store(message)


def _store(message: Message) -> Message | None:
    """Save a new message (or return the one already saved with its key) and enqueue its send.

    One ``INSERT ... ON CONFLICT DO NOTHING`` (no look-up first, no savepoint): a key already
    used returns its first message. The send is enqueued with the transaction
    (:func:`~layanan.core.writes.enqueue_with_transaction`): the worker sees it at the commit,
    and a rolled-back change leaves no message and no send behind.
    """
    if not insert_if_new(message):
        existing = Message.objects.filter(key=message.key).first()
        if existing is None:  # the conflict was on another constraint than the key
            raise IntegrityError(f"notify() could not save the message of {message.event}")
        return None if existing.status == MessageStatus.SKIPPED else existing
    if message.status == MessageStatus.SKIPPED:
        logger.info(
            "notify %s %s skipped: %s", message.tracking_number or "-", message.event, message.error_code
        )
        return None
    enqueue_with_transaction(message_send, message.pk)
    return message


FOREIGN_SENDER_EVENT = "inbound.foreign_sender"


def notify_foreign_sender(*, phone: str, channel: str, key: str) -> Message | None:
    """Answer a message from a number outside Indonesia: the service is for Indonesian numbers.

    The one notice that goes to a number :func:`notify` refuses. ``phone`` is the
    sender's number in E.164 form (``+81…``, as :func:`layanan.accounts.phone.sender_number`
    read it); the answer goes back on ``channel`` only, in Indonesian and English, names
    no case and links to no account. Once per ``key``; None when the channel is not in use.
    """
    if not key or len(key) > KEY_MAX:
        raise NotifyError(f"notify() needs a key of 1 to {KEY_MAX} characters")
    if not phone.startswith("+") or phone.startswith("+62") or not phone[1:].isdigit():
        raise NotifyError("notify_foreign_sender() takes a number of another country in E.164 form")
    plan = [channel] if channel in settings.NOTIFY_CHANNELS and channel in ("sms", "whatsapp") else []
    message = Message(
        key=key,
        event=FOREIGN_SENDER_EVENT,
        phone=phone,
        phone_hash=phone_hash(phone),
        data="{}",
        language="id",
        reply=True,
        channels=plan,
        channel=plan[0] if plan else "",
        status=MessageStatus.QUEUED if plan else MessageStatus.SKIPPED,
        error_code="" if plan else "no_channel",
    )
    return _store(message)


# --- delivery reports --------------------------------------------------------------------------


def message_status_record(
    *,
    channel: str,
    gateway_ref: str = "",
    key: str = "",
    client_ref: str = "",
    status: str,
    at: datetime | None = None,
    error_code: str = "",
    error_message: str = "",
) -> bool:
    """Apply a gateway's delivery report; True when it matched a message on that channel.

    See :func:`~layanan.notifications.delivery.message_report_apply`. A failure
    report that moves the message to its next channel enqueues its send on commit;
    the gateway's own ``error_code`` and ``error_message`` are kept in the delivery log.
    """
    reported = message_report_apply(
        channel=channel,
        gateway_ref=gateway_ref,
        key=key,
        client_ref=client_ref,
        status=status,
        at=at,
        error_code=error_code,
        error_message=error_message,
    )
    if reported is None:
        return False
    if reported.outcome in AGAIN:
        transaction.on_commit(partial(message_enqueue, reported.message_id))
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
