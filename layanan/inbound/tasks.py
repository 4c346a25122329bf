"""Background work of inbound messages: a WhatsApp voice message joins its sender's report.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.tasks import task

from layanan.complaints.models import Report, ReportVoice
from layanan.complaints.services import ReportError, report_voice_add
from layanan.inbound.media import MediaError, whatsapp_media
from layanan.inbound.models import InboundMessage, Outcome
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
