"""Applications (permohonan): a citizen's request for a service, from draft to decision.

The workflow (which status may follow which, and who may move it) lives in
``workflow.py`` as one table; every change goes through a service in
``services.py`` that writes a :class:`TimelineEvent` and an audit event in the
same transaction. Answers to the form are personal data and are stored sealed
(:class:`~layanan.core.fields.EncryptedTextField`, JSON inside).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.cases.models import Case, CaseEvent
from layanan.catalogue.models import Requirement, Service
from layanan.core.fields import EncryptedTextField


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diterima, menunggu diperiksa")
    VERIFYING = "verifying", _("Sedang diperiksa")
    REVISION = "revision", _("Perlu diperbaiki oleh pemohon")
    PROCESSING = "processing", _("Sedang diproses")
    SIGNING = "signing", _("Menunggu tanda tangan")
    COMPLETED = "completed", _("Selesai")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")


OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.VERIFYING, Status.REVISION, Status.PROCESSING, Status.SIGNING}
)
CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN})


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Never the citizen's file name (it may carry a name or a NIK): a random one.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"applications/{instance.application.public_id}/{uuid.uuid4().hex}.{extension}"


class Application(Case):
    tracking_number = models.CharField(
        _("nomor pelacakan"), max_length=20, unique=True, null=True, blank=True
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("pemohon"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_submitted_for_others",
        verbose_name=_("diajukan oleh operator"),
    )
    assisted_consent = models.BooleanField(_("persetujuan pemohon dicatat"), default=False)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("kantor"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    answers_sealed = EncryptedTextField(blank=True, default="")
    current_step = models.PositiveSmallIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_assigned",
        verbose_name=_("petugas"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True, default="")
    # The officer's words to the applicant with the last request for revision (emptied on resubmit).
    revision_message = models.TextField(_("pesan perbaikan"), blank=True, default="")
    # The letters issued for it (a replacement adds one); written only by applications.letters.
    documents = models.ManyToManyField(
        "documents.Document", through="IssuedLetter", related_name="+", blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        indexes = [
            models.Index(fields=["office", "status", "due_at"]),
            # The monitoring summaries rebuild one day at a time: received and decided that day.
            models.Index(fields=["submitted_at"], name="applications_submitted_at_idx"),
            models.Index(fields=["decided_at"], name="applications_decided_at_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"draf {self.public_id}"

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_sealed) if self.answers_sealed else {}

    @answers.setter
    def answers(self, value: dict[str, Any]) -> None:
        self.answers_sealed = json.dumps(value, sort_keys=True, default=str)


class Attachment(models.Model):
    """A file the citizen uploaded for a requirement, re-encoded and stored privately."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["application", "requirement", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.requirement} ({self.content_type})"


class RequirementCheck(models.Model):
    """One requirement of one application: how the citizen meets it, and the officer's verdict."""

    class Provision(models.TextChoices):
        UPLOAD = "upload", _("Diunggah")
        PAPER = "paper", _("Dokumen asli dibawa ke kantor")
        FIELD = "field", _("Diisi di formulir")
        MISSING = "missing", _("Belum dipenuhi")

    class Verdict(models.TextChoices):
        PENDING = "pending", _("Belum diperiksa")
        ACCEPTED = "accepted", _("Diterima")
        REVISION = "revision", _("Perlu diperbaiki")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    provision = models.CharField(max_length=10, choices=Provision.choices, default=Provision.MISSING)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    reason = models.TextField(_("alasan"), blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "requirement__order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="applications_one_check_each")
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {self.get_verdict_display()}"


class AnswerFlag(models.Model):
    """One answer of the form an officer asked the applicant to fix, with the reason.

    Open while ``cleared_at`` is empty; ``fixed_at`` is set when the applicant saves the step
    holding the field again, and ``cleared_at`` when the application is sent back to the office.
    The answer itself stays sealed in the application: this row names only the field.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answer_flags")
    field_name = models.CharField(max_length=60)
    reason = models.TextField(_("alasan"))
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField()
    fixed_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "flagged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "field_name"],
                condition=models.Q(cleared_at__isnull=True),
                name="applications_one_open_flag_per_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_name}: {self.reason[:40]}"


class TimelineEvent(CaseEvent):
    """What happened to an application, in plain words; internal notes are never shown to the citizen."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True, default="")
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True, default="")

    class Meta:
        ordering = ["application", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.occurred_at:%Y-%m-%d %H:%M}"


class IssuedLetter(models.Model):
    """A letter (a :class:`~layanan.documents.models.Document`) issued for an application.

    The link lives here, not on the document, so documents need not know applications
    (``docs/decisions/0005-documents-stand-alone.md``).
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="issued_letters")
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.application_id} → {self.document_id}"


class IdentityFlag(models.Model):
    """The system's warning to the officer about a NIK typed into the form (issue 13).

    Raised when the application is submitted (and again at each resubmission): the applicant's
    own NIK field holds a NIK that is neither the account's nor a family member's (same KK), or
    the account's NIK is in dispute. The officer checks the KTP-el; unlike an
    :class:`AnswerFlag` it asks the applicant for nothing and is not shown to them.
    """

    class Code(models.TextChoices):
        NIK_MISMATCH = "nik_mismatch", _("NIK tidak cocok dengan akun pemohon")
        NIK_DISPUTED = "nik_disputed", _("NIK ini juga diklaim akun lain; periksa KTP-el pemohon")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="identity_flags")
    field_name = models.CharField(max_length=60)
    code = models.CharField(max_length=20, choices=Code.choices)
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return f"{self.field_name}: {self.code}"
