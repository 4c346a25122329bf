"""Messages people sent in by SMS or WhatsApp, each handled once, and what we did with it."""

from __future__ import annotations

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
