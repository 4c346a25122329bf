"""Handling one message sent in by SMS or WhatsApp: once, within limits, answered through ``notify``.

:func:`inbound_receive` is the one entry point of both webhooks. In order:

1. a message whose ``(channel, gateway_id)`` was seen already is a gateway's retry: nothing
   happens (no second report, no second reply);
2. a sender whose number is not an Indonesian mobile number is recorded ``invalid`` and not
   answered (``notify`` reaches only ``+62`` numbers);
3. limits (:func:`_admit`): a flood over the whole platform is recorded ``limited`` and not
   answered (answering would multiply its cost); a sender over their own limit gets one
   refusal per window, then silence, each message recorded ``limited``;
4. the command (:mod:`layanan.inbound.parsing`): ``CEK`` answers the status when the number is
   the sender's own case (:func:`~layanan.inbound.selectors.case_status_for_sender`), else the
   same "not found" as for an unknown number; ``ADUAN`` files a report through
   ``report_submit``, the web form's service, idempotent on a key derived from the gateway's
   message id; anything else gets the help.

The row, the report (and a new account for an unknown sender) and the reply's queued
``Message`` are written in one transaction; ``notify`` sends after it commits. Logs name the
channel, the row id and the outcome, never a phone number or a text.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.accounts.phone import normalize_phone
from layanan.accounts.ratelimit import Limit
from layanan.accounts.services import phone_take_back
from layanan.audit.services import audit_record
from layanan.complaints import routing
from layanan.complaints.models import Category, Kind
from layanan.complaints.services import TEXT_MIN, ReportError, report_submit
from layanan.core.crypto import blind_index
from layanan.core.writes import enqueue_with_transaction
from layanan.inbound import selectors
from layanan.inbound.models import Channel, InboundMessage, Outcome
from layanan.inbound.parsing import Intent, clean_text, command_parse
from layanan.inbound.tasks import inbound_voice_attach, inbound_voice_keep
from layanan.inbound.villages import Found, VillageIndex
from layanan.inbound.voices import voice_audio, voice_discard
from layanan.notifications.services import notify

logger = logging.getLogger(__name__)

# uuid5 namespace of report submit keys made from gateway message ids (fixed forever:
# changing it would let a retried webhook file a second report).
SUBMIT_KEY_NAMESPACE = uuid.UUID("6f0c8a52-3c4e-5d4b-9a51-4c1f0e6d7b21")
FALLBACK_CATEGORY = "lainnya"
SUGGESTION_MIN_CONFIDENCE = 0.6
ACCOUNT_NAMES = {Channel.SMS: "Pelapor SMS", Channel.WHATSAPP: "Pelapor WhatsApp"}
SENDER_HASH_PURPOSE = "inbound.sender"


@dataclass
class _Answer:
    outcome: str
    event: str = ""  # "" → no reply
    data: dict[str, str] = field(default_factory=dict)
    tracking_number: str = ""
    voice_for: int | None = None  # a report the voice message joins (fetched by a task; it replies)
    voice_keep: bool = False  # a voice message sent first: kept for the next ADUAN (a task; it replies)


def submit_key_for(*, channel: str, gateway_id: str) -> uuid.UUID:
    """The report's idempotency key for a gateway message: the same message always gives the same key."""
    return uuid.uuid5(SUBMIT_KEY_NAMESPACE, f"{channel}:{gateway_id}")


def reply_key_for(*, channel: str, gateway_id: str) -> str:
    """The reply's idempotency key for ``notify`` (short and without the gateway's raw id)."""
    return f"inbound:{channel}:{hashlib.sha256(gateway_id.encode()).hexdigest()[:40]}"


def sender_hash_of(phone: str) -> str:
    """The keyed hash that finds a sender's messages (``phone`` canonical ``+62…``)."""
    return blind_index(phone, purpose=SENDER_HASH_PURPOSE)


# --- limits -------------------------------------------------------------------------------------------


def _sender_limits() -> tuple[Limit, ...]:
    return (
        Limit("inbound-sender", settings.INBOUND_SENDER_LIMIT, settings.INBOUND_SENDER_WINDOW_SECONDS),
        Limit("inbound-sender-day", settings.INBOUND_SENDER_DAILY_LIMIT, 24 * 60 * 60),
    )


def _flood_limit() -> Limit:
    return Limit("inbound-all", settings.INBOUND_GLOBAL_LIMIT, settings.INBOUND_GLOBAL_WINDOW_SECONDS)


def _admit(sender_hash: str) -> tuple[bool, bool]:
    """Whether to handle the sender's message now, and (when not) whether to tell them so.

    Counts each handled message against the sender's limits and the platform's flood
    guard. A refused sender is told once per window: the first refusal sets a marker in
    the cache that lives as long as the window they are waiting for.
    """
    flood = _flood_limit()
    if flood.wait_seconds("all") > 0:
        return False, False
    limits = _sender_limits()
    wait = max(limit.wait_seconds(sender_hash) for limit in limits)
    if wait > 0:
        told_key = f"inbound:told:{sender_hash[:40]}"
        return False, bool(cache.add(told_key, 1, wait))
    flood.fail("all")
    for limit in limits:
        limit.fail(sender_hash)
    return True, False


# --- commands -----------------------------------------------------------------------------------------


def _check(*, tracking_number: str, valid: bool, phone: str, language: str) -> _Answer:
    status = (
        selectors.case_status_for_sender(tracking_number=tracking_number, phone=phone, language=language)
        if valid
        else None
    )
    if status is None:
        return _Answer(
            Outcome.REFUSED, "inbound.not_found", {"tracking_number": tracking_number}, tracking_number
        )
    return _Answer(
        Outcome.STATUS,
        "inbound.status",
        {"tracking_number": status.tracking_number, "status": status.status_label},
        status.tracking_number,
    )


def _category_for(text: str) -> Category | None:
    """The category the learned routing suggests for ``text``, else the general one ("lainnya")."""
    active = Category.objects.filter(is_active=True, is_platform_feedback=False)
    office, confidence = routing.suggest(text=text)
    if office is not None and confidence >= SUGGESTION_MIN_CONFIDENCE:
        suggested = active.filter(default_office=office).order_by("order", "pk").first()
        if suggested is not None:
            return suggested
    return active.filter(slug=FALLBACK_CATEGORY).first() or active.order_by("-order", "pk").first()


def _reporter_for(*, phone: str, channel: str) -> User:
    """The proven account with this phone number, or a new citizen account for it (no password yet).

    A number held by an account that never proved it is taken back for the sender: the
    message proves who has the phone, so the report lands in a new proven account and
    the unproven holder loses the number (``accounts.services.phone_take_back``).
    """
    holder = User.objects.select_for_update().filter(phone=phone).first()
    if holder is not None and holder.phone_is_proven:
        return holder
    try:
        with transaction.atomic():
            if holder is not None:
                phone_take_back(holder=holder, request=None, by=None, via=f"inbound_{channel}")
            user = User.objects.create_user(
                phone,
                None,
                full_name=ACCOUNT_NAMES[Channel(channel)],
                role=Role.CITIZEN,
                phone_verified_at=timezone.now(),  # the message itself came from this number
            )
    except IntegrityError:  # a message from the same number created it a moment ago
        return User.objects.get(phone=phone)
    details: dict[str, object] = {"channel": channel}
    if holder is not None:
        details["took_back"] = True
    audit_record(actor=None, action="inbound.account_create", obj=user, details=details)
    return user


def _report(
    *, body: str, kind: str, phone: str, user: User | None, channel: str, gateway_id: str, sender_hash: str
) -> _Answer:
    found = VillageIndex(selectors.villages_of_regency()).find(body)
    # A voice message sent first (kept for this ADUAN) tells the report: the text may be left out.
    pending = selectors.voice_pending(sender_hash=sender_hash) if channel == Channel.WHATSAPP else None
    if not isinstance(found, Found):
        return _Answer(Outcome.HELP, "inbound.voice_kept" if pending is not None else "inbound.help")
    if len(found.text) < TEXT_MIN and pending is None:
        return _Answer(Outcome.HELP, "inbound.help")
    if user is not None and not user.is_active:
        return _Answer(Outcome.REFUSED, "inbound.refused")
    category = _category_for(found.text)
    if category is None:
        logger.error("inbound report not filed: no active report category")
        return _Answer(Outcome.INVALID, "inbound.help")
    try:
        with transaction.atomic():  # a refused report leaves no new account behind
            reporter = user or _reporter_for(phone=phone, channel=channel)
            report = report_submit(
                reporter=reporter,
                kind=kind,
                category=category,
                text=found.text,
                region=found.village.region,
                channel=channel,
                voice=voice_audio(pending) if pending is not None else None,
                submit_key=submit_key_for(channel=channel, gateway_id=gateway_id),
            )
            if pending is not None:  # the report holds its own copy now
                voice_discard(pending)
    except (ReportError, PermissionDenied):
        return _Answer(Outcome.HELP, "inbound.help")
    number = report.tracking_number
    return _Answer(Outcome.REPORT, "inbound.report_received", {"tracking_number": number}, number)


def _voice(*, audio_id: str, user: User | None, channel: str) -> _Answer:
    """A WhatsApp voice message joins the report its sender filed by ``ADUAN`` just before, or waits for one.

    The report: the sender's latest WhatsApp report still waiting for verification, received
    within ``INBOUND_VOICE_WINDOW_SECONDS`` and without a voice note; the note is fetched from
    Meta and checked by ``tasks.inbound_voice_attach``, which replies. Without such a report the
    note is kept for the sender's next ``ADUAN`` (``tasks.inbound_voice_keep``, which replies how
    to send it; ``layanan.inbound.voices``). Another media type, or an inactive account, gets the help.
    """
    if not audio_id or channel != Channel.WHATSAPP or (user is not None and not user.is_active):
        return _Answer(Outcome.HELP, "inbound.help")
    report = selectors.report_awaiting_voice(user=user, channel=channel) if user is not None else None
    if report is None:
        return _Answer(Outcome.VOICE, voice_keep=True)
    return _Answer(Outcome.REPORT, tracking_number=report.tracking_number, voice_for=report.pk)


def _answer(
    *,
    text: str,
    is_text: bool,
    phone: str,
    user: User | None,
    channel: str,
    gateway_id: str,
    sender_hash: str,
    audio_id: str = "",
) -> _Answer:
    if not is_text:
        return _voice(audio_id=audio_id, user=user, channel=channel)
    command = command_parse(text)
    if command.intent == Intent.CHECK:
        if user is None:  # no proven holder: a status goes only to a number its account proved
            return _Answer(
                Outcome.REFUSED,
                "inbound.not_found",
                {"tracking_number": command.tracking_number},
                command.tracking_number,
            )
        language = user.preferred_language
        return _check(
            tracking_number=command.tracking_number,
            valid=command.tracking_valid,
            phone=phone,
            language=language,
        )
    if command.intent == Intent.REPORT:
        kind = Kind.ASPIRATION if command.keyword == "aspirasi" else Kind.COMPLAINT
        return _report(
            body=command.body,
            kind=kind,
            phone=phone,
            user=user,
            channel=channel,
            gateway_id=gateway_id,
            sender_hash=sender_hash,
        )
    return _Answer(Outcome.HELP, "inbound.help")


# --- the entry point ----------------------------------------------------------------------------------


def _phone(sender: str) -> str | None:
    try:
        return normalize_phone(sender)
    except ValidationError:
        return None


def inbound_receive(
    *, channel: str, gateway_id: str, sender: str, text: str, is_text: bool = True, audio_id: str = ""
) -> InboundMessage | None:
    """Record and answer one message; ``None`` when this gateway message was handled before.

    ``channel`` is ``sms`` or ``whatsapp``; ``gateway_id`` the gateway's id of the message
    (at most 128 characters); ``sender`` the number as the gateway wrote it; ``is_text``
    False for a photo, voice note or other message without words (answered with the help,
    except a WhatsApp voice message, ``audio_id``: it joins the report the sender's ``ADUAN``
    just filed, or is kept for their next ``ADUAN``, see :func:`_voice`).
    """
    channel = Channel(channel).value
    if not gateway_id or len(gateway_id) > 128:
        raise ValueError("gateway_id must be 1 to 128 characters")
    if InboundMessage.objects.filter(channel=channel, gateway_id=gateway_id).exists():
        return None
    phone = _phone(sender)
    sender_hash = sender_hash_of(phone or sender.strip())
    admitted, tell = _admit(sender_hash) if phone is not None else (False, False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = InboundMessage.objects.create(
                    channel=channel,
                    gateway_id=gateway_id,
                    sender=phone or sender.strip()[:32],
                    sender_hash=sender_hash,
                    text=clean_text(text),
                    outcome=Outcome.INVALID,
                    audio_id=audio_id[:128],
                )
        except IntegrityError:  # the same message, delivered twice at once: the other one answers
            return None
        # Only a proven holder is the sender: an unproven one neither hears the answers (CEK)
        # nor receives the reports sent from this number (they take the number back).
        holder = User.objects.filter(phone=phone).first() if phone is not None else None
        user = holder if holder is not None and holder.phone_is_proven else None
        if phone is None:
            answer = _Answer(Outcome.INVALID)
        elif not admitted:
            answer = _Answer(Outcome.LIMITED, "inbound.refused" if tell else "")
        else:
            answer = _answer(
                text=text,
                is_text=is_text,
                phone=phone,
                user=user,
                channel=channel,
                gateway_id=gateway_id,
                sender_hash=sender_hash,
                audio_id=audio_id,
            )
        if answer.voice_for is not None:
            enqueue_with_transaction(inbound_voice_attach, message.pk, answer.voice_for)
        if answer.voice_keep:
            enqueue_with_transaction(inbound_voice_keep, message.pk)
        if answer.event and phone is not None:
            message.reply = notify(
                to=phone,
                event=answer.event,
                data=answer.data,
                key=reply_key_for(channel=channel, gateway_id=gateway_id),
                channels=[channel],
                language=user.preferred_language if user is not None else None,
                reply=True,
            )
        message.outcome = answer.outcome
        message.tracking_number = answer.tracking_number
        message.save(update_fields=["outcome", "tracking_number", "reply"])
    logger.info("inbound %s message %s: %s", channel, message.pk, message.outcome)
    return message
