"""The rights of data subjects under UU 27/2022 (UU PDP): consent, requests, retention.

:class:`Consent` is a history: each row records that a person gave or withdrew consent to one
optional purpose; the newest row per purpose is the current answer (none: the purpose's default,
see :data:`layanan.privacy.purposes.DEFAULTS`). :class:`PrivacyRequest` is a *permohonan tercatat*
(Pasal 14) with its 3 x 24 hour deadline. :class:`RetentionRule` lets an administrator change the
period of a rule the code defines; :class:`RetentionRun` is the report of one run of the sweep.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.core.fields import EncryptedTextField


class Purpose(models.TextChoices):
    """Processing a person may refuse without losing a service (everything else is the service itself)."""

    SURVEY = "survey", _("Survei kepuasan masyarakat (SKM) lewat pesan")
    ANNOUNCEMENTS = "announcements", _("Pengumuman dan kabar layanan yang bukan tentang urusan Anda")
    RESEARCH = "research", _("Pemakaian data yang sudah dianonimkan untuk riset dan data terbuka")


class Consent(models.Model):
    """One answer of one person about one purpose: given or withdrawn, when and through what."""

    class Via(models.TextChoices):
        WEB = "web", _("Halaman Data saya")
        STAFF = "staff", _("Petugas pelindungan data")
        ERASURE = "erasure", _("Penghapusan akun")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("warga")
    )
    purpose = models.CharField(_("keperluan"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("setuju"))
    recorded_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    via = models.CharField(_("melalui"), max_length=10, choices=Via.choices, default=Via.WEB)

    class Meta:
        verbose_name = _("persetujuan")
        verbose_name_plural = _("persetujuan")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose", "-recorded_at"], name="privacy_consent_latest")]

    def __str__(self) -> str:
        return f"{self.purpose} {'+' if self.given else '-'} #{self.user_id}"


def new_reference() -> str:
    return "PDP-" + secrets.token_hex(4).upper()


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Melihat dan mengunduh data")
    CORRECTION = "correction", _("Memperbaiki data")
    DELETION = "deletion", _("Menghapus data")
    WITHDRAWAL = "withdrawal", _("Menarik persetujuan")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    IN_PROGRESS = "in_progress", _("Sedang ditangani")
    DONE = "done", _("Selesai")
    REFUSED = "refused", _("Ditolak")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class PrivacyRequest(models.Model):
    """A recorded request (Pasal 14) of a data subject, answered within the deadline (Pasal 30-32)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("nomor"), max_length=16, unique=True, default=new_reference, editable=False
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("warga")
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    items = models.JSONField(_("data yang dimaksud"), default=list, blank=True)
    details = EncryptedTextField(_("keterangan warga"), blank=True, default="")
    answer = EncryptedTextField(_("jawaban"), blank=True, default="")
    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    due_at = models.DateTimeField(_("batas waktu"), db_index=True)
    escalated_at = models.DateTimeField(_("dieskalasi"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditangani oleh"),
    )

    class Meta:
        verbose_name = _("permohonan data pribadi")
        verbose_name_plural = _("permohonan data pribadi")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="privacy_request_due")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at <= timezone.now()


class RetentionRule(models.Model):
    """An administrator's period for one rule of :data:`layanan.privacy.retention.RULES`."""

    key = models.CharField(_("aturan"), max_length=40, unique=True)
    days = models.PositiveIntegerField(_("disimpan (hari)"))
    enabled = models.BooleanField(_("dijalankan"), default=True)
    note = models.CharField(_("dasar atau catatan"), max_length=240, blank=True, default="")
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("aturan retensi")
        verbose_name_plural = _("aturan retensi")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.days}"


class RetentionRun(models.Model):
    """One run of the retention sweep: how many records each rule removed or anonymised."""

    started_at = models.DateTimeField(_("mulai"))
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    counts = models.JSONField(_("jumlah per aturan"), default=dict)
    total = models.PositiveIntegerField(_("jumlah"), default=0)

    class Meta:
        verbose_name = _("jalannya retensi")
        verbose_name_plural = _("jalannya retensi")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.total})"
