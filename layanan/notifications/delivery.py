"""Delivery of one stored message: claim it, send it on its channel, record what the gateway said.

The straight line is ``services.notify()`` (stores the :class:`Message`, enqueues
on commit) → ``tasks.message_send`` (the task) → :func:`message_deliver` (here).
:func:`message_deliver` claims the message with a conditional update, sends it on
the current channel of its plan, and then:

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

This module never enqueues: an outcome in :data:`AGAIN` leaves the message
queued (due at its ``next_attempt_at``, or now), and the caller enqueues its next
run (``tasks.message_send`` after a send, ``services.message_status_record``
after a failure report). So delivery imports neither the tasks nor the services.
"""

from __future__ import annotations

import json
import logging
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from layanan.accounts.models import User
from layanan.core.metrics import message_observe
from layanan.notifications.backends import Outgoing, SendResult, backend_for
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.rendering import render

logger = logging.getLogger("layanan.notifications")

_SETTLED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.SKIPPED)

AGAIN = frozenset({"retry", "fallback", "unconfirmed"})
"""Outcomes that leave the message queued for another run, which the caller enqueues."""


def backoff_delay(attempt: int) -> timedelta:
    """Exponential backoff with jitter: base * 2^(attempt-1), capped, times 0.5 to 1."""
    base = settings.NOTIFY_RETRY_BASE_SECONDS * (2 ** max(0, attempt - 1))
    capped = min(base, settings.NOTIFY_RETRY_MAX_SECONDS)
    return timedelta(seconds=capped * random.uniform(0.5, 1.0))  # noqa: S311  # nosec B311  # jitter, not security


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


def _phone_unproven(message: Message) -> str:
    """Why an SMS/WhatsApp notice may not go to its number now ("" when it may).

    Proven-only, checked again at sending: the account the notice is for must still hold
    this number and have proven it (it may have changed its number since the notice was
    queued). A reply to an inbound message goes back to the number that sent it.
    """
    if message.channel == "email" or message.reply or message.recipient_id is None:
        return ""
    holder = User.objects.filter(pk=message.recipient_id).values("phone", "phone_verified_at").first()
    if holder is None or holder["phone"] != message.phone:
        return "phone_changed"
    return "" if holder["phone_verified_at"] is not None else "phone_unproven"


_PHONE_LIKE = re.compile(r"\+?\d[\d ().-]{5,}\d")
_EMAIL_LIKE = re.compile(r"[^\s@]+@[^\s@]+")


def gateway_words(text: str) -> str:
    """A gateway's error text fit for the delivery log: numbers and addresses scrubbed, ≤ 300 characters.

    Gateways sometimes quote the recipient (``Recipient +62812… not in allowed list``); the
    code stays readable (``(#131026)`` has too few digits to look like a number).
    """
    scrubbed = _EMAIL_LIKE.sub("[alamat]", _PHONE_LIKE.sub("[nomor]", text or ""))
    return scrubbed.strip()[:300]


def _fallback(message: Message, *, code: str, seen_status: str, detail: str = "") -> str:
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
            error_detail=gateway_words(detail),
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
            return "fallback"
        return "busy"
    failed = same.update(
        status=MessageStatus.FAILED,
        failed_at=now,
        unconfirmed=False,
        next_attempt_at=None,
        sending_since=None,
        error_code=code,
        error_detail=gateway_words(detail),
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
            error_detail="",
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
            error_detail=gateway_words(result.error_message),
            history=_history(message, outcome="retry", code=result.error_code),
        )
        if retried:
            return "retry"
        return "busy"
    code = result.error_code or result.outcome
    if result.outcome == "temporary":
        code = f"{code}_max_attempts"[:64]
    return _fallback(message, code=code, seen_status=MessageStatus.SENDING, detail=result.error_message)


def message_deliver(*, message_id: int) -> str:
    """Send one message on its current channel if it is due; safe to run twice (see the module doc).

    Returns what happened: sent, retry, fallback, failed, unconfirmed, later, busy,
    settled (nothing to do) or gone. After an outcome in :data:`AGAIN` the message
    is queued again and the caller enqueues its next run (``tasks.message_send`` does).
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
                return "unconfirmed"
            return "busy"
        claimed = Message.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, attempts=message.attempts
        ).update(attempts=F("attempts") + 1, channel_attempts=F("channel_attempts") + 1, sending_since=now)
        if not claimed:
            return "busy"
    message.refresh_from_db()
    unproven = _phone_unproven(message)
    if unproven:
        return _fallback(message, code=unproven, seen_status=MessageStatus.SENDING)
    try:
        outgoing = _outgoing(message)
    except (KeyError, ValueError) as error:  # a broken template: a permanent fault of this message
        logger.error("notify message %s not rendered: %s", message.pk, type(error).__name__)
        return _fallback(message, code="render_error", seen_status=MessageStatus.SENDING)
    result = backend_for(message.channel).send(outgoing)
    outcome = _record(message, result)
    message_observe(channel=message.channel, outcome=outcome)
    return outcome


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


_CLIENT_REF = re.compile(r"lp(?P<id>\d{1,18})-(?P<index>\d{1,3})")


@dataclass(frozen=True)
class Reported:
    """What a delivery report did to the message it matched."""

    message_id: int
    outcome: str  # delivered, sent, fallback, failed, busy, or kept (nothing to change)


def message_report_apply(
    *,
    channel: str,
    gateway_ref: str = "",
    key: str = "",
    client_ref: str = "",
    status: str,
    at: datetime | None = None,
    error_code: str = "",
    error_message: str = "",
) -> Reported | None:
    """Apply a gateway's delivery report to its message; None when it matches no message on that channel.

    Found by ``key`` (WhatsApp's ``biz_opaque_callback_data``) or by ``gateway_ref``, else by
    ``client_ref`` (our ``lp<id>-<channel index>``, which Twilio's status callback carries in its
    signed URL: it finds a message whose worker died before it heard the gateway's reference).
    ``status``: delivered/read, sent/accepted, failed/undelivered/rejected/expired.
    Never moves a message backwards (a late "sent" after "delivered" changes nothing);
    a failure report moves it to its next channel (outcome ``fallback``: the caller
    enqueues its send), keeping the gateway's own ``error_code`` (``report_<status>``
    when it gave none) and ``error_message`` (scrubbed, sealed).
    """
    target = _REPORTED.get((status or "").strip().lower())
    if target is None or not (key or gateway_ref or client_ref):
        return None
    message = None
    if key or gateway_ref:
        rows = Message.objects.filter(key=key) if key else Message.objects.filter(gateway_ref=gateway_ref)
        message = rows.filter(channel=channel).first()
    ours = _CLIENT_REF.fullmatch(client_ref or "")
    if message is None and ours is not None:
        message = Message.objects.filter(
            pk=int(ours["id"]), channel_index=int(ours["index"]), channel=channel
        ).first()
    if message is None:
        return None
    when = at or timezone.now()
    active = Q(status__in=(MessageStatus.SENDING, MessageStatus.SENT)) | Q(
        status=MessageStatus.QUEUED, unconfirmed=True
    )
    same = Message.objects.filter(active, pk=message.pk, channel_index=message.channel_index)
    ref = {"gateway_ref": gateway_ref} if gateway_ref and not message.gateway_ref else {}
    if target == MessageStatus.DELIVERED:
        moved = same.update(
            status=MessageStatus.DELIVERED,
            delivered_at=when,
            sent_at=message.sent_at or when,
            unconfirmed=False,
            next_attempt_at=None,
            error_code="",
            error_detail="",
            history=_history(message, outcome="delivered"),
            **ref,
        )
        return Reported(message.pk, "delivered" if moved else "kept")
    if target == MessageStatus.SENT:
        moved = same.exclude(status=MessageStatus.SENT).update(
            status=MessageStatus.SENT,
            sent_at=when,
            unconfirmed=False,
            next_attempt_at=None,
            error_code="",
            error_detail="",
            history=_history(message, outcome="sent"),
            **ref,
        )
        return Reported(message.pk, "sent" if moved else "kept")
    if message.status == MessageStatus.SENT:
        code = (error_code or f"report_{status}")[:64]
        outcome = _fallback(message, code=code, seen_status=MessageStatus.SENT, detail=error_message)
        return Reported(message.pk, outcome)
    return Reported(message.pk, "kept")
