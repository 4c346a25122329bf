"""The published copy of each open data set, rewritten by the periodic refresh.

Pages and downloads read these rows only (never the summary tables): a download is one row
read and its text sent. Only aggregate figures are stored: codes, names of services, offices,
categories and regions, and counts already suppressed (``layanan.opendata.suppression``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    slug = models.SlugField(_("data set"), max_length=60, unique=True)
    csv = models.TextField()  # the CSV download: UTF-8, a header row, comma-separated
    json = models.TextField()  # the JSON download: metadata and rows
    preview = models.JSONField(default=list, blank=True)  # the first published rows, for the page
    row_count = models.PositiveIntegerField(default=0)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    min_count = models.PositiveSmallIntegerField()  # the suppression threshold it was built with
    digest = models.CharField(max_length=64)  # sha256 of csv and json: the downloads' ETag
    updated_at = models.DateTimeField(_("terakhir diperbarui"))

    class Meta:
        verbose_name = _("salinan data terbuka")
        verbose_name_plural = _("salinan data terbuka")

    def __str__(self) -> str:
        return f"{self.slug} ({self.updated_at:%Y-%m-%d %H:%M})"
