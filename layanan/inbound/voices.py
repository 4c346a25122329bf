"""WhatsApp voice messages sent before their ``ADUAN``: kept a short while, then claimed or deleted.

A person who does not write often speaks first. Such a voice message (no report of theirs
waiting for one) is fetched, checked and re-encoded like every voice note (``core.audio``) and
kept as an :class:`~layanan.inbound.models.InboundVoice`. The sender's next ``ADUAN <desa>``
within ``INBOUND_VOICE_WINDOW_SECONDS`` files the report with it (the text may then be left out,
as on the web form); the kept copy is deleted once the report holds its own. Unclaimed ones are
deleted by :func:`voices_purge` (periodic), so a voice never outlives its window for long.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from layanan.core.audio import VOICE_CONTENT_TYPE, VOICE_EXTENSION, CleanAudio
from layanan.inbound.models import InboundMessage, InboundVoice
from layanan.inbound.selectors import voice_window_start

logger = logging.getLogger(__name__)


def voice_keep(*, message: InboundMessage, voice: CleanAudio) -> InboundVoice:
    """Keep ``message``'s cleaned voice for the sender's next ``ADUAN``; their older kept ones go."""
    with transaction.atomic():
        kept = InboundVoice(message=message, sha256=voice.sha256, seconds=voice.seconds)
        kept.file.save(f"voice.{voice.extension}", ContentFile(voice.content), save=False)
        kept.save()
        older = InboundVoice.objects.filter(message__sender_hash=message.sender_hash).exclude(pk=kept.pk)
        for old in older:
            voice_discard(old)
    return kept


def voice_audio(kept: InboundVoice) -> CleanAudio:
    """The kept note as the complaint service takes it (already checked and re-encoded)."""
    with kept.file.open("rb") as handle:
        content = handle.read()
    return CleanAudio(
        content=content,
        content_type=VOICE_CONTENT_TYPE,
        extension=VOICE_EXTENSION,
        sha256=kept.sha256,
        seconds=kept.seconds,
    )


def voice_discard(kept: InboundVoice) -> None:
    """Delete the kept note: the row now, its file once the transaction commits."""
    name = kept.file.name
    storage = kept.file.storage
    kept.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def voices_purge() -> int:
    """Delete every kept note whose window has passed unclaimed; how many."""
    count = 0
    for kept in InboundVoice.objects.filter(message__received_at__lt=voice_window_start()):
        with transaction.atomic():
            voice_discard(kept)
        count += 1
    if count:
        logger.info("inbound voices purged: %d", count)
    return count
