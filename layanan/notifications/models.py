"""Messages to people (the delivery log), their channel preferences, and editable templates."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.core.fields import EncryptedTextField
from layanan.notifications.events import CHANNELS, EVENTS, LANGUAGES, unknown_placeholders


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu dikirim")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim ke gateway")
    DELIVERED = "delivered", _("Sampai")
    FAILED = "failed", _("Gagal")
    SKIPPED = "skipped", _("Tidak dikirim")


FINISHED_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED)


class Message(models.Model):
    """One notice to one person: its plan of channels, where it stands, and what gateways said.

    The address (phone or email) and the placeholder data are sealed; the log
    finds a phone through ``phone_hash`` (a keyed hash). ``history`` lists each
    attempt (channel, outcome, error code, time), never a text or an address.
    """

    key = models.CharField(_("kunci"), max_length=200, unique=True)
    event = models.CharField(_("peristiwa"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = EncryptedTextField(_("nomor HP"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    email = EncryptedTextField(_("email"), blank=True, default="")
    data = EncryptedTextField(_("data"), blank=True, default="{}")
    tracking_number = models.CharField(_("nomor lacak"), max_length=40, blank=True, default="")
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    reply = models.BooleanField(_("balasan pesan masuk"), default=False)
    channels = models.JSONField(_("urutan saluran"), default=list)
    channel_index = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    channel_attempts = models.PositiveIntegerField(default=0)
    unconfirmed = models.BooleanField(_("belum dipastikan"), default=False)
    next_attempt_at = models.DateTimeField(_("percobaan berikut"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    gateway_ref = models.CharField(_("referensi gateway"), max_length=128, blank=True, default="")
    error_code = models.CharField(_("kode galat"), max_length=64, blank=True, default="")
    # The gateway's own words for its last error (numbers and addresses scrubbed, sealed): for
    # whoever debugs the gateway, never shown on a page or logged (pages show ``error_code``).
    error_detail = EncryptedTextField(_("keterangan galat dari gateway"), blank=True, default="")
    history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("sampai"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gagal"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pesan")
        verbose_name_plural = _("pesan")
        ordering = ["-created_at", "-pk"]
        # Every message (one or more per submission) writes each of these: equality look-ups only,
        # so plain indexes (no PostgreSQL ``varchar_pattern_ops`` twins, which ``db_index`` adds),
        # and the status through the due index. ``key`` keeps its twin: the log filters by prefix.
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_msg_due"),
            models.Index(fields=["event"], name="notif_msg_event"),
            models.Index(fields=["phone_hash"], name="notif_msg_phone_hash"),
            models.Index(fields=["tracking_number"], name="notif_msg_tracking"),
            models.Index(fields=["gateway_ref"], name="notif_msg_gateway_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"

    @property
    def client_ref(self) -> str:
        """Our reference for the current channel: the same on a re-send, so a gateway can de-duplicate."""
        return f"lp{self.pk}-{self.channel_index}"


def _default_order() -> list[str]:
    return list(CHANNELS)


class ContactPreference(models.Model):
    """How a person wants to hear from us: channel order, channels in use, optional messages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preference"
    )
    order = models.JSONField(_("urutan saluran"), default=_default_order)
    whatsapp = models.BooleanField(_("WhatsApp"), default=True)
    sms = models.BooleanField(_("SMS"), default=True)
    email = models.BooleanField(_("email"), default=True)
    optional_messages = models.BooleanField(_("pesan tambahan (survei)"), default=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pilihan pemberitahuan")
        verbose_name_plural = _("pilihan pemberitahuan")

    def __str__(self) -> str:
        return f"#{self.user_id}"

    def enabled(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))


class MessageTemplate(models.Model):
    """An administrator's text for one event, channel and language (overrides the code's default)."""

    event = models.CharField(_("peristiwa"), max_length=64, choices=[(key, key) for key in sorted(EVENTS)])
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("bahasa"), max_length=5, choices=[(code, code) for code in LANGUAGES])
    subject = models.CharField(
        _("judul email"), max_length=200, blank=True, default="", help_text=_("Hanya untuk email.")
    )
    body = models.TextField(
        _("isi"),
        help_text=_(
            "Boleh memakai {first_name}, {tracking_number}, {status}, {link} dan {office}. "
            "Jangan menulis NIK atau data pribadi lain."
        ),
    )
    whatsapp_template = models.CharField(
        _("nama template WhatsApp"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("Nama template yang disetujui Meta; kosong: layanan_<peristiwa>."),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("template pesan")
        verbose_name_plural = _("template pesan")
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="notif_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("subject", "body"):
            unknown = unknown_placeholders(getattr(self, name) or "")
            if unknown:
                errors[name] = str(
                    _("Isian tidak dikenal: %(names)s. Yang boleh: %(allowed)s.")
                    % {
                        "names": ", ".join("{" + n + "}" for n in sorted(unknown)),
                        "allowed": "{first_name}, {tracking_number}, {status}, {link}, {office}",
                    }
                )
        if errors:
            raise ValidationError(errors)
