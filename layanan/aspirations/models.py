"""Usulan (aspirations for the village and kecamatan plans) and the Musrenbang rounds.

An :class:`Usulan` is what a resident of a desa asks to be built or done there (a road, clean
water, a health post...). Other residents of the same desa support it (:class:`Support`, "Saya
mendukung"). Before each Musrenbang (:class:`MusrenbangRound`: desa level in January, kecamatan
level in February by default) the operator exports the list, and afterwards marks which usulan
were taken into the plan (RKPDes for the desa, RKPD for the kabupaten through the kecamatan) and
later which were built. An usulan is never closed just because it was answered: its status says
how far it came (``docs/aspirations.md``).

The proposer is personal data: never shown on a public page, an export or in the admin.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.regions.models import Region


class Topic(models.TextChoices):
    ROADS = "jalan", _("Jalan dan jembatan")
    WATER = "air", _("Air bersih dan sanitasi")
    HEALTH = "kesehatan", _("Kesehatan")
    EDUCATION = "pendidikan", _("Pendidikan")
    ECONOMY = "ekonomi", _("Ekonomi dan UMKM")
    FARMING = "pertanian", _("Pertanian")
    SOCIAL = "sosial", _("Sosial")
    ENVIRONMENT = "lingkungan", _("Lingkungan")
    OTHER = "lainnya", _("Lainnya")


class Status(models.TextChoices):
    SUBMITTED = "diajukan", _("Diajukan")
    DISCUSSED = "dibahas", _("Dibahas dalam Musrenbang")
    ACCEPTED = "diterima", _("Diterima masuk rencana")
    NOT_ACCEPTED = "tidak_diterima", _("Tidak diterima")
    BUILT = "dibangun", _("Sudah dibangun")


class Plan(models.TextChoices):
    RKPDES = "rkpdes", _("RKPDes (rencana kerja desa)")
    RKPD = "rkpd", _("RKPD (rencana kerja kabupaten)")


class Level(models.TextChoices):
    DESA = "desa", _("Musrenbang desa")
    KECAMATAN = "kecamatan", _("Musrenbang kecamatan")


def _photo_path(instance: UsulanPhoto, filename: str) -> str:
    return f"aspirations/{instance.usulan_id}/{uuid.uuid4().hex}.jpg"


class Usulan(models.Model):
    """One aspiration for a desa: what, where, and how far it came."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="usulan", verbose_name=_("desa/kelurahan")
    )
    topic = models.CharField(_("bidang"), max_length=12, choices=Topic.choices)
    title = models.CharField(_("judul"), max_length=120)
    description = models.TextField(_("uraian"))
    address_text = models.CharField(_("lokasi atau patokan"), max_length=240, blank=True, default="")
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    # Personal data: shown to nobody but the proposer (and kept out of the admin and exports).
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengusul"),
    )
    year = models.PositiveSmallIntegerField(_("tahun Musrenbang"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    plan = models.CharField(_("masuk rencana"), max_length=8, choices=Plan.choices, blank=True, default="")
    plan_year = models.PositiveSmallIntegerField(_("tahun rencana"), null=True, blank=True)
    reason = models.TextField(_("alasan tidak diterima"), blank=True, default="")
    built_on = models.DateField(_("selesai dibangun"), null=True, blank=True)
    built_note = models.TextField(_("catatan pembangunan"), blank=True, default="")
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("diajukan pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        indexes = [models.Index(fields=["region", "year", "status"], name="usulan_region_year_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        """The usulan's public number, as pages and exports show it."""
        return f"U-{self.pk}"


class UsulanPhoto(models.Model):
    """A photo of the place, re-encoded as JPEG on upload (``core.uploads``), EXIF dropped."""

    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("foto usulan")
        verbose_name_plural = _("foto usulan")

    def __str__(self) -> str:
        return f"foto {self.pk}"


class Support(models.Model):
    """ "Saya mendukung": a resident of the usulan's desa supports it, once."""

    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["usulan", "user"], name="aspirations_support_once")]
        verbose_name = _("dukungan usulan")
        verbose_name_plural = _("dukungan usulan")

    def __str__(self) -> str:
        return f"dukungan {self.pk}"


class MusrenbangRound(models.Model):
    """The date of one year's Musrenbang at one level, set by an administrator.

    Without a row, the default month of the settings applies (``MUSRENBANG_DESA_MONTH``, January;
    ``MUSRENBANG_KECAMATAN_MONTH``, February).
    """

    year = models.PositiveSmallIntegerField(_("tahun"))
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=240, blank=True, default="")

    class Meta:
        ordering = ["year", "level"]
        verbose_name = _("jadwal Musrenbang")
        verbose_name_plural = _("jadwal Musrenbang")
        constraints = [models.UniqueConstraint(fields=["year", "level"], name="aspirations_round_once")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.year}"
