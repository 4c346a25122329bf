"""The service catalogue: what a citizen can apply for, as data an administrator edits.

A :class:`Service` carries the 14 components of its standar pelayanan (UU 25/2009
Pasal 21), who handles it, its SLA and fee, its output, and which role acts at
each step. Its form is a list of :class:`FormField` grouped into steps (one
question group per page), and what the citizen must provide is a list of
:class:`Requirement` (an upload, a paper to bring, or a field of the form).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import Role
from layanan.agencies.models import Office
from layanan.core.content import Translatable


def _english(verbose: str, *, long: bool = False, max_length: int = 300) -> models.Field[Any, Any]:
    """The English text of a field, optional: pages fall back to the Indonesian one."""
    label = format_lazy("{} (English)", _(verbose))  # each Indonesian label is an msgid already
    if long:
        return models.TextField(label, blank=True, default="")
    return models.CharField(label, max_length=max_length, blank=True, default="")


class Service(Translatable, models.Model):
    class Handler(models.TextChoices):
        FIXED_OFFICE = "fixed", _("Kantor tetap (OPD)")
        APPLICANT_VILLAGE = "desa", _("Kantor desa/kelurahan pemohon")
        APPLICANT_DISTRICT = "kecamatan", _("Kantor kecamatan pemohon")

    class Output(models.TextChoices):
        LETTER = "letter", _("Surat yang dibuat dan ditandatangani di platform")
        SIAK = "siak", _("Diserahkan ke SIAK (dokumen Dukcapil)")
        NONE = "none", _("Tanpa dokumen keluaran")

    slug = models.SlugField(_("kode layanan"), max_length=60, unique=True)
    name = models.CharField(_("nama layanan"), max_length=160)
    summary = models.CharField(_("ringkasan"), max_length=300)
    category = models.CharField(_("kelompok"), max_length=80, blank=True, default="")
    keywords = models.TextField(
        _("kata pencarian"),
        blank=True,
        default="",
        help_text=_("Kata yang dipakai warga, dipisah koma: akta lahir, bikin KTP, surat miskin."),
    )
    handler = models.CharField(_("penanganan"), max_length=10, choices=Handler.choices)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("kantor penanganan"),
        help_text=_("Wajib bila penanganan oleh kantor tetap."),
    )
    sla_working_days = models.PositiveSmallIntegerField(_("jangka waktu (hari kerja)"))
    sla_to_confirm = models.BooleanField(
        _("jangka waktu perlu dikonfirmasi"),
        default=False,
        help_text=_("Nilai bawaan yang belum dicocokkan dengan SK standar pelayanan."),
    )
    fee_rupiah = models.PositiveIntegerField(_("biaya (Rp)"), default=0)
    output = models.CharField(_("produk"), max_length=10, choices=Output.choices)
    verify_role = models.CharField(
        _("peran yang memverifikasi"), max_length=10, choices=Role.choices, default=Role.OFFICER
    )
    decide_role = models.CharField(
        _("peran yang memutuskan"), max_length=10, choices=Role.choices, default=Role.OFFICER
    )
    sign_role = models.CharField(
        _("peran yang menandatangani"), max_length=10, choices=Role.choices, default=Role.SIGNER
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    # The 14 components of standar pelayanan (UU 25/2009 Pasal 21; PermenPANRB 15/2014).
    # Penyampaian pelayanan:
    persyaratan = models.TextField(_("persyaratan"), blank=True, default="")
    prosedur = models.TextField(_("sistem, mekanisme dan prosedur"), blank=True, default="")
    jangka_waktu = models.TextField(_("jangka waktu pelayanan"), blank=True, default="")
    biaya = models.TextField(_("biaya/tarif"), blank=True, default="")
    produk = models.TextField(_("produk pelayanan"), blank=True, default="")
    pengaduan = models.TextField(_("penanganan pengaduan, saran dan masukan"), blank=True, default="")
    # Pengelolaan pelayanan:
    dasar_hukum = models.TextField(_("dasar hukum"), blank=True, default="")
    sarana = models.TextField(_("sarana, prasarana dan/atau fasilitas"), blank=True, default="")
    kompetensi = models.TextField(_("kompetensi pelaksana"), blank=True, default="")
    pengawasan = models.TextField(_("pengawasan internal"), blank=True, default="")
    jumlah_pelaksana = models.TextField(_("jumlah pelaksana"), blank=True, default="")
    jaminan_pelayanan = models.TextField(_("jaminan pelayanan"), blank=True, default="")
    jaminan_keamanan = models.TextField(
        _("jaminan keamanan dan keselamatan pelayanan"), blank=True, default=""
    )
    evaluasi = models.TextField(_("evaluasi kinerja pelaksana"), blank=True, default="")

    # English beside the Indonesian texts (core.content): blank means "read the Indonesian".
    TRANSLATED = (
        "name",
        "summary",
        "persyaratan",
        "prosedur",
        "jangka_waktu",
        "biaya",
        "produk",
        "pengaduan",
        "dasar_hukum",
        "sarana",
        "kompetensi",
        "pengawasan",
        "jumlah_pelaksana",
        "jaminan_pelayanan",
        "jaminan_keamanan",
        "evaluasi",
    )
    name_en = _english("nama layanan", max_length=160)
    summary_en = _english("ringkasan")
    persyaratan_en = _english("persyaratan", long=True)
    prosedur_en = _english("sistem, mekanisme dan prosedur", long=True)
    jangka_waktu_en = _english("jangka waktu pelayanan", long=True)
    biaya_en = _english("biaya/tarif", long=True)
    produk_en = _english("produk pelayanan", long=True)
    pengaduan_en = _english("penanganan pengaduan, saran dan masukan", long=True)
    dasar_hukum_en = _english("dasar hukum", long=True)
    sarana_en = _english("sarana, prasarana dan/atau fasilitas", long=True)
    kompetensi_en = _english("kompetensi pelaksana", long=True)
    pengawasan_en = _english("pengawasan internal", long=True)
    jumlah_pelaksana_en = _english("jumlah pelaksana", long=True)
    jaminan_pelayanan_en = _english("jaminan pelayanan", long=True)
    jaminan_keamanan_en = _english("jaminan keamanan dan keselamatan pelayanan", long=True)
    evaluasi_en = _english("evaluasi kinerja pelaksana", long=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handler="fixed") | models.Q(office__isnull=False),
                name="catalogue_service_fixed_handler_has_office",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FormField(Translatable, models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Teks pendek")
        TEXTAREA = "textarea", _("Teks panjang")
        DATE = "date", _("Tanggal")
        NUMBER = "number", _("Angka")
        CHOICE = "choice", _("Pilihan")
        NIK = "nik", _("NIK")
        KK = "kk", _("Nomor KK")
        PHONE = "phone", _("Nomor HP")
        VILLAGE = "village", _("Desa/kelurahan")

    class Prefill(models.TextChoices):
        """What of the applicant's own account fills the field in before they type (see ``prefill``)."""

        NONE = "", _("Tidak diisi dari akun")
        NIK = "nik", _("NIK pemohon")
        KK = "kk", _("Nomor KK pemohon")
        NAME = "name", _("Nama lengkap pemohon")
        BIRTH_DATE = "birth_date", _("Tanggal lahir pemohon")
        SEX = "sex", _("Jenis kelamin pemohon")
        VILLAGE = "village", _("Desa/kelurahan domisili pemohon")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fields")
    step = models.PositiveSmallIntegerField(_("langkah"), default=1)
    step_title = models.CharField(_("judul langkah"), max_length=120, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    name = models.SlugField(_("nama teknis"), max_length=60)
    label = models.CharField(_("label"), max_length=160)
    help_text = models.CharField(_("petunjuk"), max_length=300, blank=True, default="")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("wajib"), default=True)
    choices = models.TextField(_("pilihan (satu per baris)"), blank=True, default="")
    pattern = models.CharField(_("pola (regex)"), max_length=200, blank=True, default="")
    pattern_message = models.CharField(
        _("pesan bila pola tidak cocok"), max_length=200, blank=True, default=""
    )
    min_value = models.IntegerField(_("nilai/panjang minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("nilai/panjang maksimum"), null=True, blank=True)
    shown_when = models.CharField(
        _("tampil bila"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Kosong: selalu tampil. Atau nama_field=nilai, misalnya lahir_di=rumah."),
    )
    prefill = models.CharField(
        _("isi dari akun pemohon"),
        max_length=12,
        choices=Prefill.choices,
        blank=True,
        default="",
        help_text=_(
            "Hanya untuk isian tentang pemohon sendiri, jangan untuk anak, orang tua atau saksi. "
            "Pemohon tetap dapat mengubahnya."
        ),
    )
    past_only = models.BooleanField(
        _("hanya tanggal yang sudah lewat"),
        default=False,
        help_text=_("Untuk tanggal lahir dan kejadian yang sudah terjadi: tanggal setelah hari ini ditolak."),
    )
    letters_only = models.BooleanField(
        _("hanya huruf (nama orang atau tempat)"),
        default=False,
        help_text=_("Huruf Latin (boleh beraksen), spasi, titik, koma, tanda hubung dan apostrof."),
    )

    TRANSLATED = ("step_title", "label", "help_text", "pattern_message")
    step_title_en = _english("judul langkah", max_length=120)
    label_en = _english("label", max_length=160)
    help_text_en = _english("petunjuk")
    pattern_message_en = _english("pesan bila pola tidak cocok", max_length=200)

    class Meta:
        ordering = ["service", "step", "order", "id"]
        verbose_name = _("isian formulir")
        verbose_name_plural = _("isian formulir")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="catalogue_field_unique_name")
        ]

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Requirement(Translatable, models.Model):
    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Unggah berkas")
        UPLOAD_OR_PAPER = "upload_or_paper", _("Unggah, atau bawa dokumen asli")
        PAPER = "paper", _("Bawa dokumen asli")
        FIELD = "field", _("Diisi di formulir")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="requirements")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("nama persyaratan"), max_length=200)
    description = models.CharField(_("keterangan"), max_length=400, blank=True, default="")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.UPLOAD_OR_PAPER)
    required = models.BooleanField(_("wajib"), default=True)
    field_name = models.SlugField(
        _("isian terkait"),
        max_length=60,
        blank=True,
        default="",
        help_text=_("Untuk jenis 'diisi di formulir'."),
    )

    TRANSLATED = ("name", "description")
    name_en = _english("nama persyaratan", max_length=200)
    description_en = _english("keterangan", max_length=400)

    class Meta:
        ordering = ["service", "order", "id"]
        verbose_name = _("persyaratan")
        verbose_name_plural = _("persyaratan")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="catalogue_requirement_unique_code")
        ]

    def __str__(self) -> str:
        return self.name
