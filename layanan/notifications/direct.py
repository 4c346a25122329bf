"""Sending one text now, outside the queue: for texts that must never be stored (one-time codes).

``settings.ACCOUNTS_MESSAGE_SENDER`` names :func:`send_now`; ``layanan/accounts/otp.py``
calls it. Each channel tried gets a row in the delivery log like every other message
(event, channel, the gateway's answer and error code), but with empty data: the text
is never stored, so neither a retry nor a delivery report can render or send it
again (a failure report finds a plan of one channel and marks the row failed).
"""

from __future__ import annotations

import logging
import secrets

from django.utils import timezone

from layanan.accounts.models import User
from layanan.notifications.backends import Outgoing, SendResult, backend_for
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.rendering import Rendered
from layanan.notifications.services import phone_hash

logger = logging.getLogger("layanan.notifications")


def send_now(
    *,
    event: str,
    channels: list[str],
    destination: str,
    user: User | None,
    language: str,
    subject: str,
    text: str,
    whatsapp_template: str,
    parameters: list[str],
) -> str:
    """Send on the first of ``channels`` that takes it; the name of its backend, or '' when none did."""
    is_email = "@" in destination
    rendered = Rendered(
        subject=subject, text=text, whatsapp_template=whatsapp_template, parameters=parameters
    )
    for channel in channels:
        key = f"direct:{event}:{secrets.token_hex(12)}"
        now = timezone.now()
        message = Message.objects.create(
            key=key,
            event=event,
            recipient=user,
            phone="" if is_email else destination,
            phone_hash="" if is_email else phone_hash(destination),
            email=destination if is_email else "",
            data="{}",
            language=language,
            channels=[channel],
            channel=channel,
            status=MessageStatus.SENDING,
            attempts=1,
            channel_attempts=1,
            sending_since=now,
        )
        backend = backend_for(channel)
        outgoing = Outgoing(
            message_id=message.pk,
            key=key,
            client_ref=message.client_ref,
            channel=channel,
            to=destination,
            event=event,
            tracking_number="",
            language=language,
            rendered=rendered,
        )
        try:
            result = backend.send(outgoing)
        except Exception:  # a broken backend must not break the page; the log says which message
            logger.exception("notify direct message %s not sent on %s", message.pk, channel)
            result = SendResult("temporary", error_code="backend_error")
        entry = {"at": now.isoformat(timespec="seconds"), "channel": channel}
        if result.outcome == "ok":
            Message.objects.filter(pk=message.pk).update(
                status=MessageStatus.SENT,
                sent_at=timezone.now(),
                gateway_ref=result.gateway_ref,
                sending_since=None,
                history=[{**entry, "outcome": "sent"}],
            )
            return backend.name
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED,
            failed_at=timezone.now(),
            error_code=(result.error_code or result.outcome)[:64],
            sending_since=None,
            history=[{**entry, "outcome": "failed", "code": result.error_code}],
        )
        logger.warning("notify direct message %s failed on %s (%s)", message.pk, channel, result.error_code)
    return ""
