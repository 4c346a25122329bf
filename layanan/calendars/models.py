"""Days off that the administrator keeps: cuti bersama and local holidays.

National holidays come from the ``holidays`` package (see
:mod:`layanan.calendars.selectors`); rows of kind ``national`` are only an
informational copy for the admin's list and do not change any deadline.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("Libur nasional (salinan informasi)")
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
        LOCAL = "local", _("Libur daerah")

    date = models.DateField(_("tanggal"))
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    basis = models.CharField(
        _("dasar"),
        max_length=300,
        blank=True,
        help_text=_("Dasar penetapan, misalnya SKB 3 Menteri atau Keputusan Bupati."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["date", "kind"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        constraints = [
            models.UniqueConstraint(fields=["date", "kind"], name="calendars_holiday_unique_date_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"


# The kinds of row that make a date a non-working day (national rows are a copy only).
DAY_OFF_KINDS = (Holiday.Kind.CUTI_BERSAMA, Holiday.Kind.LOCAL)
