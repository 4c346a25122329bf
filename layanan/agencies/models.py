from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.regions.models import Region


class Office(models.Model):
    """A place that serves people: an OPD (agency), a kantor kecamatan or a kantor desa/kelurahan.

    Every office is tied to a region. An agency's region is the kabupaten
    (it serves the whole regency); a kecamatan or desa office's region is its
    own kecamatan or desa. Staff are scoped to their office's region.
    """

    class Kind(models.TextChoices):
        AGENCY = "opd", _("Perangkat daerah (OPD)")
        DISTRICT = "kecamatan", _("Kantor kecamatan")
        VILLAGE = "desa", _("Kantor desa/kelurahan")

    code = models.SlugField(_("kode kantor"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=160)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True, default="")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="offices", verbose_name=_("wilayah")
    )
    address = models.CharField(_("alamat"), max_length=240, blank=True, default="")
    phone = models.CharField(_("telepon"), max_length=40, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    is_active = models.BooleanField(_("aktif"), default=True)
    # The letterhead (kop surat) of the letters this office issues; an empty field falls back to
    # a default derived from the office and the regency (layanan.agencies.letterhead).
    letterhead_lines = models.TextField(
        _("baris kop surat"),
        blank=True,
        default="",
        help_text=_(
            "Satu baris per baris, dari atas, paling banyak 4, misalnya PEMERINTAH KABUPATEN LAMPUNG "
            "UTARA, lalu KECAMATAN TANJUNG RAJA, lalu DESA TANJUNG RAJA. Kosongkan untuk memakai "
            "susunan bawaan."
        ),
    )
    head_title = models.CharField(
        _("jabatan kepala kantor"),
        max_length=160,
        blank=True,
        default="",
        help_text=_("Tertulis di atas tanda tangan, misalnya Kepala Desa Tanjung Raja."),
    )
    letter_code = models.CharField(
        _("kode surat"),
        max_length=20,
        blank=True,
        default="",
        validators=[
            RegexValidator(
                r"^[A-Z0-9]+(?:[.-][A-Z0-9]+)*$",
                _("Tulis kode surat dengan huruf besar dan angka, boleh dipisah titik atau tanda hubung."),
            )
        ],
        help_text=_("Kode kantor pada nomor surat, misalnya TJR. Kosongkan untuk memakai kode bawaan."),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")

    def __str__(self) -> str:
        return self.name
