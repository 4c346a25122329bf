from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri administrative region: province, kabupaten/kota, kecamatan or desa/kelurahan.

    The code is the official dotted code (``18.03.04.2001``) and is the primary
    key. Codes are loaded from the project's CSV copy, never generated.
    """

    class Level(models.TextChoices):
        PROVINCE = "provinsi", _("Provinsi")
        REGENCY = "kabupaten", _("Kabupaten/Kota")
        DISTRICT = "kecamatan", _("Kecamatan")
        VILLAGE = "desa", _("Desa/Kelurahan")

    class VillageType(models.TextChoices):
        NONE = "", _("—")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")
        DESA_ADAT = "desa_adat", _("Desa adat")

    code = models.CharField(_("kode Kemendagri"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    village_type = models.CharField(
        _("jenis desa"), max_length=10, choices=VillageType.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def contains(self, other: Region) -> bool:
        """True when ``other`` is this region or lies inside it."""
        return other.code == self.code or other.code.startswith(self.code + ".")
