"""Who claims which NIK, and the disputes when two accounts claim the same one.

A NIK typed by a citizen is a *claim*: ``claimed`` until an officer checks the
KTP-el at an office (``verified``). A second account claiming the same NIK is
never refused (that would tell a stranger the NIK is registered) nor given the
NIK: both claims become ``disputed`` in a :class:`NikDispute` that the
Disdukcapil office or an administrator settles. The claimant is told only that
the NIK will be checked by an officer, as every claimant is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.core.fields import EncryptedTextField


class NikDispute(models.Model):
    """Two or more accounts claim one NIK; open until an officer settles it."""

    class Outcome(models.TextChoices):
        OPEN = "", _("Belum diselesaikan")
        AWARDED = "awarded", _("NIK diberikan kepada satu akun")
        NONE = "none", _("Tidak ada akun yang terbukti")

    nik_hash = models.CharField(max_length=64, db_index=True, editable=False)
    opened_at = models.DateTimeField(_("dibuka"))
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices, blank=True, default="")

    class Meta:
        verbose_name = _("sengketa NIK")
        verbose_name_plural = _("sengketa NIK")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=models.Q(resolved_at__isnull=True),
                name="identity_one_open_dispute_per_nik",
            )
        ]

    def __str__(self) -> str:
        return f"NIK dispute {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class NikClaim(models.Model):
    """One account's claim to a NIK. At most one open claim per account, one verified per NIK."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Diklaim, belum diverifikasi")
        VERIFIED = "verified", _("Diverifikasi petugas")
        DISPUTED = "disputed", _("Disengketakan")
        REJECTED = "rejected", _("Ditolak")
        REPLACED = "replaced", _("Diganti NIK lain")

    OPEN = (Status.CLAIMED, Status.VERIFIED, Status.DISPUTED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nik_claims", verbose_name=_("akun")
    )
    nik = EncryptedTextField(_("NIK"))
    nik_hash = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(_("diklaim"))
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    dispute = models.ForeignKey(
        NikDispute,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("sengketa"),
    )

    class Meta:
        verbose_name = _("klaim NIK")
        verbose_name_plural = _("klaim NIK")
        ordering = ["claimed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["claimed", "verified", "disputed"]),
                name="identity_one_open_claim_per_account",
            ),
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=models.Q(status="verified"),
                name="identity_one_verified_claim_per_nik",
            ),
        ]

    def __str__(self) -> str:
        return f"NIK claim {self.pk} ({self.status})"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED
