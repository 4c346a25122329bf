"""Messages people sent in by SMS or WhatsApp, each handled once, and what we did with it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.core.fields import EncryptedTextField


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Outcome(models.TextChoices):
    STATUS = "status", _("Status dikirim")
    REPORT = "report", _("Laporan dicatat")
    HELP = "help", _("Bantuan dikirim")
    VOICE = "voice", _("Pesan suara disimpan")
    REFUSED = "refused", _("Ditolak atau tidak ditemukan")
    LIMITED = "limited", _("Terlalu banyak pesan")
    INVALID = "invalid", _("Tidak dapat diproses")


class InboundMessage(models.Model):
    """One message from a gateway. ``(channel, gateway_id)`` is unique: a webhook retried is handled once.

    The sender's number and the text are sealed; ``sender_hash`` (a keyed hash of the
    canonical ``+62…`` number) counts and finds a sender's messages without decrypting.
    ``tracking_number`` is the application or report the message was about (not personal).
    """

    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    gateway_id = models.CharField(_("ID pesan di gateway"), max_length=128)
    sender = EncryptedTextField(_("nomor pengirim"), blank=True, default="")
    sender_hash = models.CharField(max_length=64, db_index=True, editable=False)
    text = EncryptedTextField(_("isi pesan"), blank=True, default="")
    received_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices)
    tracking_number = models.CharField(_("nomor lacak"), max_length=20, blank=True, default="")
    # A WhatsApp voice message: Meta's media id, fetched by ``tasks.inbound_voice_attach`` (not personal).
    audio_id = models.CharField(max_length=128, blank=True, default="", editable=False)
    reply = models.ForeignKey(
        "notifications.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("balasan"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("pesan masuk")
        verbose_name_plural = _("pesan masuk")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "gateway_id"], name="inbound_message_once_per_gateway_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"


def _voice_path(instance: InboundVoice, filename: str) -> str:
    return f"inbound/voice/{uuid.uuid4().hex}.ogg"


class InboundVoice(models.Model):
    """A WhatsApp voice message sent before its ``ADUAN``: fetched, re-encoded and kept a short while.

    The sender's next ``ADUAN`` within ``INBOUND_VOICE_WINDOW_SECONDS`` of ``message.received_at``
    files its report with this note (the row and its file are then deleted: the report's
    ``ReportVoice`` holds the copy); an unclaimed one is deleted by ``inbound_voices_purge``.
    The file is sealed at rest like every stored file; the sender is the message's (hashed).
    """

    message = models.OneToOneField(InboundMessage, on_delete=models.CASCADE, related_name="voice")
    file = models.FileField(upload_to=_voice_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    seconds = models.FloatField()
    kept_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pesan suara menunggu aduan")
        verbose_name_plural = _("pesan suara menunggu aduan")

    def __str__(self) -> str:
        return f"voice {self.pk}"
