"""Official documents: letter templates, numbering, the issued (signed) PDFs and their verification.

A letter-type service has a :class:`LetterTemplate` (typst source edited by an
administrator). When a caller (today: the signing step of an application) asks
for it, a :class:`Document` is issued: numbered in its office's format
(:class:`OfficeNumbering`, :class:`NumberSequence` per office and year, no gaps,
no duplicates), rendered, signed (PAdES) and stored privately. Anyone can
check it at ``/v/<public_code>``; each check is a :class:`Verification` row.

A document knows nothing of what it was issued for: it keeps its ``kind`` (which
app asked for it), a ``reference`` printed for staff, and the people who may
download it (its ``owner`` and the ``owner_agent`` who applied for them). The
link to an application lives on the applications side
(``docs/decisions/0005-documents-stand-alone.md``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.catalogue.models import Service
from layanan.core.fields import EncryptedTextField

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def new_public_code() -> str:
    """20 characters from a 30-letter alphabet: about 98 bits, unguessable."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(20))


class LetterTemplate(models.Model):
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="letter_template")
    classification_code = models.CharField(
        _("kode klasifikasi"),
        max_length=20,
        help_text=_("Kode klasifikasi arsip, misalnya 470 untuk kependudukan."),
    )
    title = models.CharField(_("judul surat"), max_length=160)
    body = models.TextField(
        _("isi (typst)"),
        help_text=_('Markup typst. Data permohonan tersedia sebagai #data.at("nama_field").'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("templat surat")
        verbose_name_plural = _("templat surat")

    def __str__(self) -> str:
        return self.title


class OfficeNumbering(models.Model):
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="numbering")
    pattern = models.CharField(
        _("format nomor"),
        max_length=120,
        default="{classification}/{seq:03d}/{office_code}/{month_roman}/{year}",
        help_text=_("Tersedia: {classification}, {seq}, {office_code}, {month}, {month_roman}, {year}."),
    )
    # {office_code} is the office's own letter code (Office.letter_code, on its letterhead page).

    class Meta:
        verbose_name = _("format penomoran")
        verbose_name_plural = _("format penomoran")

    def __str__(self) -> str:
        return f"{self.office}: {self.pattern}"


class NumberSequence(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="documents_one_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_value}"


class SignerCredential(models.Model):
    """The local signer backend's key and certificate for one official (private key sealed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signer_credential"
    )
    private_key_pem = EncryptedTextField()
    certificate_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"credential {self.user_id}"


class Document(models.Model):
    class State(models.TextChoices):
        VALID = "valid", _("Berlaku")
        REPLACED = "replaced", _("Sudah diganti dokumen yang lebih baru")
        REVOKED = "revoked", _("Dicabut")

    public_code = models.CharField(max_length=24, unique=True, default=new_public_code, editable=False)
    kind = models.CharField(
        _("jenis"), max_length=40, help_text=_("Aplikasi yang meminta dokumen ini, misalnya application.")
    )
    reference = models.CharField(_("rujukan"), max_length=60, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Warga yang boleh mengunduh dokumen ini."),
    )
    owner_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pendamping pemilik"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Operator yang mengajukan atas nama pemilik; boleh mengunduh juga."),
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="documents")
    number = models.CharField(_("nomor surat"), max_length=120)
    issued_at = models.DateTimeField(_("tanggal terbit"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=160)
    signer_position = models.CharField(max_length=160, blank=True, default="")
    signer_nip = models.CharField(max_length=18, blank=True, default="")
    holder_name_masked = models.CharField(max_length=160)
    signature_backend = models.CharField(max_length=20)
    file = models.FileField(upload_to="documents/%Y/", max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)  # the PDF check finds a document by it
    state = models.CharField(max_length=10, choices=State.choices, default=State.VALID)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_reason = models.TextField(blank=True, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="documents_unique_number")]

    def __str__(self) -> str:
        return self.number


class Verification(models.Model):
    """One check of a document by anyone (by code, QR payload or PDF upload); no personal data."""

    class Result(models.TextChoices):
        VALID = "valid", _("Berlaku")
        REPLACED = "replaced", _("Sudah diganti")
        REVOKED = "revoked", _("Dicabut")
        UNKNOWN = "unknown", _("Tidak dikenal")
        TAMPERED = "tampered", _("Berkas tidak sama atau tanda tangan rusak")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    method = models.CharField(max_length=10)  # code, payload, pdf
    result = models.CharField(max_length=10, choices=Result.choices)
    source_hash = models.CharField(max_length=16, blank=True, default="")  # keyed hash of the address
    occurred_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.method}: {self.result}"
