"""Reports (laporan): complaints, aspirations and information requests, the SP4N-LAPOR! way.

Every channel (web form, API, SMS, WhatsApp) goes through one service,
``services.report_submit``. The workflow table lives in ``workflow.py``; the
deadlines of each kind are settings (``COMPLAINT_DEADLINES``), not constants.
The reporter's identity is hidden from agencies by default: only the
verifying administrator sees it, and every view of it is audited; an
anonymous report hides it from everyone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from layanan.agencies.models import Office
from layanan.cases.models import Case, CaseEvent
from layanan.core.content import Translatable
from layanan.regions.models import Region


class Kind(models.TextChoices):
    # One report's kind: "Pengaduan" alone is also the menu's name for all of them ("Complaints").
    COMPLAINT = "pengaduan", pgettext_lazy("jenis satu laporan", "Pengaduan")
    ASPIRATION = "aspirasi", _("Aspirasi")
    INFORMATION = "informasi", _("Permintaan informasi")


class Status(models.TextChoices):
    RECEIVED = "received", _("Diterima, menunggu verifikasi")
    POSTPONED = "postponed", _("Ditunda")
    VERIFIED = "verified", _("Terverifikasi")
    DISPOSED = "disposed", _("Diteruskan ke instansi")
    IN_PROGRESS = "in_progress", _("Sedang ditindaklanjuti")
    ANSWERED = "answered", _("Sudah dijawab")
    CLOSED = "closed", _("Selesai")
    NOT_AUTHORITY = "not_authority", _("Bukan kewenangan")
    ARCHIVED = "archived", _("Diarsipkan")


class Category(Translatable, models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=300, blank=True, default="")
    # English beside the Indonesian (core.content): blank means "read the Indonesian".
    TRANSLATED = ("name", "description")
    name_en = models.CharField(_("nama (English)"), max_length=120, blank=True, default="")
    description_en = models.CharField(_("keterangan (English)"), max_length=300, blank=True, default="")
    default_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi bawaan")
    )
    is_platform_feedback = models.BooleanField(_("masukan tentang aplikasi ini"), default=False)
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kategori laporan")
        verbose_name_plural = _("kategori laporan")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category (and optionally a region and what lies inside it) → the responsible office."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("aturan penerusan")
        verbose_name_plural = _("aturan penerusan")

    def __str__(self) -> str:
        return f"{self.category} → {self.office}"


class Report(Case):
    tracking_number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("isi laporan"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan")
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_text = models.CharField(_("alamat atau patokan"), max_length=240, blank=True, default="")
    occurred_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    channel = models.CharField(max_length=10, default="web")  # web, api, sms, whatsapp
    anonymous = models.BooleanField(_("anonim"), default=False)
    confidential = models.BooleanField(_("rahasia"), default=False)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(auto_now_add=True)
    verify_due_at = models.DateTimeField(null=True, blank=True)
    followup_due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    close_due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    public_answer = models.TextField(_("jawaban"), blank=True, default="")
    status_reason = models.TextField(blank=True, default="")
    redirect_to = models.CharField(_("sebaiknya ke"), max_length=240, blank=True, default="")
    satisfied = models.BooleanField(null=True, blank=True)
    rating_comment = models.TextField(blank=True, default="")
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suggested_office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion_confidence = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        indexes = [
            models.Index(fields=["category", "status", "received_at"]),
            # The monitoring summaries rebuild one day at a time: received and answered that day.
            models.Index(fields=["received_at"], name="complaints_received_at_idx"),
            models.Index(fields=["answered_at"], name="complaints_answered_at_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class Disposition(models.Model):
    """The report forwarded to one responsible office, with an instruction and a deadline."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispositions")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="dispositions")
    instruction = models.TextField(blank=True, default="")
    due_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.report_id} → {self.office_id}"


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    return f"reports/{instance.report.public_id}/{uuid.uuid4().hex}.jpg"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    is_evidence = models.BooleanField(default=False)  # the officer's photo of the fix
    # Shown on the public page of a public report: evidence photos from the answer on; a
    # reporter's photo only when an officer chooses.
    published = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"photo {self.pk}"


def _voice_path(instance: ReportVoice, filename: str) -> str:
    return f"reports/{instance.report.public_id}/{uuid.uuid4().hex}.ogg"


class ReportVoice(models.Model):
    """The reporter's voice note: Opus in Ogg, mono, re-encoded on upload (``core.audio``).

    A voice identifies a person: it is never published, never kept for an anonymous report, and
    played only to those who may open the report's staff page (each play audited) and to the
    reporter (``docs/complaints.md``, "Voice notes").
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="voice")
    file = models.FileField(upload_to=_voice_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()  # bytes of the stored (re-encoded) note, for the upload quota
    seconds = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pesan suara laporan")
        verbose_name_plural = _("pesan suara laporan")

    def __str__(self) -> str:
        return f"voice {self.pk}"


class Support(models.Model):
    """ "Saya juga mengalami ini": another person follows and supports the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="complaints_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.report_id}"


class ReportEvent(CaseEvent):
    """What happened to a report; events never name the reporter, internal ones are staff-only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=14, blank=True, default="", choices=Status.choices)
    to_status = models.CharField(max_length=14, blank=True, default="", choices=Status.choices)

    class Meta:
        ordering = ["report", "occurred_at", "id"]
        # The monitoring summaries find the reports verified on a given day.
        indexes = [models.Index(fields=["action", "occurred_at"], name="complaints_event_action_at_idx")]

    def __str__(self) -> str:
        return self.action


class RoutingModel(models.Model):
    """The learned routing suggestion: a small text classifier, retrained periodically."""

    trained_at = models.DateTimeField(auto_now_add=True)
    samples = models.PositiveIntegerField()
    held_out = models.PositiveIntegerField()
    accuracy = models.FloatField(null=True, blank=True)
    parameters = models.JSONField()

    class Meta:
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"routing model {self.trained_at:%Y-%m-%d}"
