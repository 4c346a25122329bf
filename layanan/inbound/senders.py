"""The messages :func:`~layanan.inbound.services.inbound_receive` never sees: from abroad, or unreadable.

Only a sender with an Indonesian mobile number (``+62 8…``) is a citizen the platform
can serve. The webhook views hand every other message here:

- :func:`inbound_foreign_refuse`: a number of another country (a WhatsApp ``wa_id`` such
  as ``819012345678`` is Japan, never ``+62 819…``). Nothing is filed, no case is looked
  up and no account is touched; the sender gets one short answer in Indonesian and
  English (``inbound.foreign_sender``) at most once a day, within a platform-wide daily
  cap (``INBOUND_FOREIGN_REPLIES_PER_DAY``), and the message is recorded ``refused``
  (answered) or ``limited`` (not) without its text, and audited with the channel and
  the country only;
- :func:`inbound_unreadable_record`: a sender that is no phone number we can read (a
  short code, a name, a bare ``812…`` on SMS): recorded ``invalid``, not answered.

Like the main path, each ``(channel, gateway_id)`` is handled once (a gateway's retry
changes nothing), the number is sealed at rest with a keyed hash beside it, and logs
and audit rows never hold the number or the text.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from layanan.accounts.phone import Sender
from layanan.accounts.ratelimit import Limit
from layanan.audit.services import audit_record
from layanan.inbound.models import Channel, InboundMessage, Outcome
from layanan.inbound.parsing import clean_text
from layanan.inbound.services import reply_key_for, sender_hash_of
from layanan.notifications.services import notify_foreign_sender

logger = logging.getLogger(__name__)

DAY = 24 * 60 * 60
FOREIGN_PER_SENDER = Limit("inbound-foreign-sender", attempts=1, window_seconds=DAY)


def _foreign_all() -> Limit:
    return Limit("inbound-foreign-all", settings.INBOUND_FOREIGN_REPLIES_PER_DAY, DAY)


def _may_answer(sender_hash: str) -> bool:
    """Whether this foreign sender is answered now (and count it when so)."""
    platform = _foreign_all()
    if platform.attempts <= 0 or platform.wait_seconds("all") or FOREIGN_PER_SENDER.wait_seconds(sender_hash):
        return False
    platform.fail("all")
    FOREIGN_PER_SENDER.fail(sender_hash)
    return True


def _record(
    *, channel: str, gateway_id: str, sender: str, sender_hash: str, text: str
) -> InboundMessage | None:
    """The message's row (outcome ``invalid`` until decided); None when this gateway id was seen."""
    if not gateway_id or len(gateway_id) > 128:
        raise ValueError("gateway_id must be 1 to 128 characters")
    if InboundMessage.objects.filter(channel=channel, gateway_id=gateway_id).exists():
        return None
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                channel=channel,
                gateway_id=gateway_id,
                sender=sender[:32],
                sender_hash=sender_hash,
                text=text,
                outcome=Outcome.INVALID,
            )
    except IntegrityError:  # the same message, delivered twice at once: the other one answers
        return None


def inbound_foreign_refuse(*, channel: str, gateway_id: str, sender: Sender) -> InboundMessage | None:
    """Politely refuse a message from a number of another country; None when handled before.

    ``sender`` is :func:`layanan.accounts.phone.sender_number`'s reading, with
    ``international`` set (E.164). The text is not kept: nothing in it is acted on.
    """
    channel = Channel(channel).value
    if not sender.is_foreign:
        raise ValueError("inbound_foreign_refuse() takes a number of another country")
    sender_hash = sender_hash_of(sender.international)
    with transaction.atomic():
        message = _record(
            channel=channel,
            gateway_id=gateway_id,
            sender=sender.international,
            sender_hash=sender_hash,
            text="",
        )
        if message is None:
            return None
        answered = _may_answer(sender_hash)
        if answered:
            message.reply = notify_foreign_sender(
                phone=sender.international,
                channel=channel,
                key=reply_key_for(channel=channel, gateway_id=gateway_id),
            )
        message.outcome = Outcome.REFUSED if message.reply is not None else Outcome.LIMITED
        message.save(update_fields=["outcome", "reply"])
        audit_record(
            actor=None,
            action="inbound.foreign_sender",
            obj=message,
            details={"channel": channel, "country": sender.country, "answered": message.reply is not None},
        )
    logger.info(
        "inbound %s message %s: sender from %s, %s", channel, message.pk, sender.country, message.outcome
    )
    return message


def inbound_unreadable_record(
    *, channel: str, gateway_id: str, sender: str, text: str
) -> InboundMessage | None:
    """Record a message whose sender is no number we can read (``invalid``, not answered)."""
    channel = Channel(channel).value
    raw = (sender or "").strip()
    message = _record(
        channel=channel,
        gateway_id=gateway_id,
        sender=raw,
        sender_hash=sender_hash_of(raw),
        text=clean_text(text),
    )
    if message is not None:
        logger.info("inbound %s message %s: %s", channel, message.pk, message.outcome)
    return message
