"""Subscriptions, the outbox of events, and each delivery with its attempts (docs/webhooks.md).

An :class:`Event` is saved in the transaction of the case step that caused it (so it exists
if and only if the step committed); its dispatch makes one :class:`Delivery` per subscription
that asked for its type and whose owner may read the case; each try of a delivery leaves a
:class:`DeliveryAttempt` (status code, duration, a short error code: never a body, never a URL).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.core.fields import EncryptedTextField


class Subscription(models.Model):
    """A subscriber's URL and the events it wants, on behalf of ``owner`` (whose reading rights count).

    ``secret`` signs every delivery; after a rotation ``previous_secret`` signs too until
    ``previous_secret_until``. A subscription whose deliveries keep failing is paused
    (``paused_at``) until an administrator resumes it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Akun sistem instansi atau operator desa; hanya kasus yang boleh dibacanya yang dikirim."
        ),
    )
    description = models.CharField(
        _("nama"), max_length=120, help_text=_("Misalnya: OpenSID Desa Tanjung Raja.")
    )
    url = models.URLField(_("URL penerima"), max_length=500)
    events = models.JSONField(_("peristiwa"), default=list)
    secret = EncryptedTextField(_("rahasia"), editable=False)
    previous_secret = EncryptedTextField(blank=True, default="", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    paused_at = models.DateTimeField(_("dijeda sejak"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("gagal berturut-turut"), default=0, editable=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("langganan webhook")
        verbose_name_plural = _("langganan webhook")
        ordering = ["description", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def receives(self) -> bool:
        return self.is_active and self.paused_at is None


class Event(models.Model):
    """One thing that happened to a case, saved with the step (the outbox row).

    ``payload`` is what every delivery of it sends: filled when it is dispatched, thin and
    free of personal data (docs/webhooks.md, "Payload").
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("peristiwa"), max_length=64)
    occurred_at = models.DateTimeField(_("waktu"))
    kind = models.CharField(_("jenis kasus"), max_length=20)
    case_model = models.CharField(max_length=64)
    case_id = models.PositiveBigIntegerField()
    tracking_number = models.CharField(_("nomor lacak"), max_length=40, blank=True, default="")
    status = models.CharField(_("status"), max_length=20)
    dispatched_at = models.DateTimeField(_("dibagikan"), null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("peristiwa webhook")
        verbose_name_plural = _("peristiwa webhook")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["dispatched_at", "occurred_at"], name="webhooks_event_due")]

    def __str__(self) -> str:
        return f"{self.type} {self.tracking_number}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu dikirim")
    SENDING = "sending", _("Sedang dikirim")
    DELIVERED = "delivered", _("Terkirim")
    FAILED = "failed", _("Gagal")


class Delivery(models.Model):
    """One event to one subscription (``replay`` > 0: an administrator's n-th replay of it).

    The id is the ``Layanan-Delivery`` header: the same on every try, so a receiver drops a
    repeat; a replay is a new delivery with a new id and the same ``Layanan-Event``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, verbose_name=_("peristiwa"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("langganan"), on_delete=models.CASCADE, related_name="deliveries"
    )
    replay = models.PositiveSmallIntegerField(_("kirim ulang ke-"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikut"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("kode HTTP terakhir"), null=True, blank=True)
    last_error = models.CharField(_("galat terakhir"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    delivered_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gagal"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription", "replay"], name="webhooks_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due")]

    def __str__(self) -> str:
        return str(self.id)


class DeliveryAttempt(models.Model):
    """What one try of a delivery got: the HTTP status, how long it took, a short error code."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("percobaan ke-"))
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("kode HTTP"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"), default=0)
    outcome = models.CharField(_("hasil"), max_length=12)
    error = models.CharField(_("galat"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("percobaan pengiriman")
        verbose_name_plural = _("percobaan pengiriman")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
