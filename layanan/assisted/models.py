"""Assisted service: an operator at a village or kecamatan office serves a walk-in citizen.

A :class:`Visit` is one such service: the operator, their office, the citizen, how the citizen
consented (a code sent to their phone and read back, or a signed paper form scanned), and the
application started with that consent. Its ``public_id`` is the only thing in the pages'
addresses: never the NIK, the name or the phone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.applications.models import Application
from layanan.core.fields import EncryptedTextField


def _consent_scan_path(instance: Visit, filename: str) -> str:
    # Never the uploaded file's name: a random one (the storage encrypts the content).
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"assisted/{instance.public_id}/{uuid.uuid4().hex}.{extension}"


class Visit(models.Model):
    class Consent(models.TextChoices):
        NONE = "", _("Belum ada")
        CODE = "code", _("Kode ke HP warga")
        PAPER = "paper", _("Formulir kertas bertanda tangan")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator")
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor"))
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assisted_visits",
        verbose_name=_("warga"),
    )
    registered_here = models.BooleanField(_("didaftarkan saat kunjungan"), default=False)
    consent = models.CharField(
        _("persetujuan"), max_length=5, choices=Consent.choices, blank=True, default=Consent.NONE
    )
    consent_at = models.DateTimeField(_("persetujuan dicatat"), null=True, blank=True)
    # The one-time code's token while a consent code waits to be read back (sealed; emptied once used).
    code_token = EncryptedTextField(blank=True, default="")
    consent_scan = models.FileField(upload_to=_consent_scan_path, max_length=200, blank=True)
    consent_scan_type = models.CharField(max_length=60, blank=True, default="")
    consent_scan_sha256 = models.CharField(max_length=64, blank=True, default="")
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_visit",
        verbose_name=_("permohonan"),
    )
    created_at = models.DateTimeField(_("dimulai"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kunjungan layanan dibantu")
        verbose_name_plural = _("kunjungan layanan dibantu")
        indexes = [models.Index(fields=["operator", "citizen", "created_at"], name="assisted_visit_op_cit")]

    def __str__(self) -> str:
        return f"kunjungan {self.public_id}"

    @property
    def has_consent(self) -> bool:
        return self.consent != self.Consent.NONE and self.consent_at is not None
