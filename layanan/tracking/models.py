from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.tracking.codes import TrackingKind


class TrackingNumber(models.Model):
    """Every tracking number ever handed out; the unique code makes each one once only."""

    code = models.CharField(_("nomor lacak"), max_length=16, unique=True)
    kind = models.CharField(_("jenis"), max_length=2, choices=TrackingKind.choices)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomor lacak")
        verbose_name_plural = _("nomor lacak")

    def __str__(self) -> str:
        return self.code
