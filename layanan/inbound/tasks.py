"""Background work of inbound messages: a WhatsApp voice message joins its sender's report, or waits for it.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.tasks import task

from layanan.accounts.models import User
from layanan.complaints.models import Report, ReportVoice
from layanan.complaints.services import ReportError, report_voice_add
from layanan.core.audio import clean_voice
from layanan.core.uploads import UploadRefused
from layanan.inbound import selectors
from layanan.inbound.media import MediaError, whatsapp_media
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.voices import voice_keep, voices_purge
from layanan.notifications.services import notify

logger = logging.getLogger(__name__)


@task()
def inbound_voice_attach(message_id: int, report_id: int) -> str:
    """Fetch the voice message ``message_id`` from Meta and add it to report ``report_id``; reply once.

    The reply is the report's tracking number (``inbound.report_received``) when the note
    joined the report, else the help. Returns what happened: ``added``, ``refused``,
    ``unreadable``, ``gone`` (nothing left to do).
    """
    # Function-local: a cycle (services enqueues this task; the reply key is services' own).
    from layanan.inbound.services import reply_key_for

    message = InboundMessage.objects.filter(pk=message_id).first()
    report = Report.objects.select_related("reporter").filter(pk=report_id).first()
    if message is None or report is None or report.reporter is None or message.reply_id is not None:
        return "gone"
    result = "added"
    if not ReportVoice.objects.filter(report=report).exists():
        try:
            content = whatsapp_media(message.audio_id, limit=int(settings.VOICE_MAX_BYTES))
            upload = SimpleUploadedFile("pesan-suara", content)
            report_voice_add(report=report, voice=upload, actor=report.reporter)
        except MediaError as error:
            logger.warning("inbound voice %s not fetched: %s", message.pk, error)
            result = "unreadable"
        except (ReportError, PermissionDenied):
            result = "refused"
    added = result == "added"
    with transaction.atomic():
        message.reply = notify(
            to=message.sender,
            event="inbound.report_received" if added else "inbound.help",
            data={"tracking_number": report.tracking_number} if added else {},
            key=reply_key_for(channel=message.channel, gateway_id=message.gateway_id),
            channels=[message.channel],
            language=report.reporter.preferred_language,
            reply=True,
        )
        message.outcome = Outcome.REPORT if added else Outcome.HELP
        message.save(update_fields=["reply", "outcome"])
    logger.info("inbound voice %s: %s", message.pk, result)
    return result


@task()
def inbound_voice_keep(message_id: int) -> str:
    """Fetch the voice message ``message_id`` sent before an ``ADUAN``, keep it for the next one; reply once.

    When the sender's ``ADUAN`` came in meanwhile (its report waits for a voice), the note joins
    that report as :func:`inbound_voice_attach` does. Else it is checked, re-encoded and kept
    (``voices.voice_keep``) and the reply says to send ``ADUAN`` with the desa's name
    (``inbound.voice_kept``); a note that is not a recording, too long or not fetched gets the help.
    Returns ``kept``, ``added`` (or what ``inbound_voice_attach`` returned), ``refused``,
    ``unreadable`` or ``gone``.
    """
    from layanan.inbound.services import reply_key_for

    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None or message.reply_id is not None or hasattr(message, "voice"):
        return "gone"
    holder = User.objects.filter(phone=message.sender).first()
    user = holder if holder is not None and holder.phone_is_proven and holder.is_active else None
    report = selectors.report_awaiting_voice(user=user, channel=message.channel) if user is not None else None
    if report is not None:
        InboundMessage.objects.filter(pk=message.pk).update(tracking_number=report.tracking_number)
        return str(inbound_voice_attach.call(message.pk, report.pk))
    result = "kept"
    try:
        content = whatsapp_media(message.audio_id, limit=int(settings.VOICE_MAX_BYTES))
        cleaned = clean_voice(SimpleUploadedFile("pesan-suara", content))
    except MediaError as error:
        logger.warning("inbound voice %s not fetched: %s", message.pk, error)
        result = "unreadable"
    except UploadRefused:
        result = "refused"
    kept = result == "kept"
    with transaction.atomic():
        if kept:
            voice_keep(message=message, voice=cleaned)
        message.reply = notify(
            to=message.sender,
            event="inbound.voice_kept" if kept else "inbound.help",
            data={},
            key=reply_key_for(channel=message.channel, gateway_id=message.gateway_id),
            channels=[message.channel],
            language=user.preferred_language if user is not None else None,
            reply=True,
        )
        message.outcome = Outcome.VOICE if kept else Outcome.HELP
        message.save(update_fields=["reply", "outcome"])
    logger.info("inbound voice %s: %s", message.pk, result)
    return result


@task()
def inbound_voices_purge() -> int:
    """Delete the voice messages kept for an ``ADUAN`` that did not come within the window."""
    return voices_purge()
