"""Service points (where people get help in person) and the announcements of offices.

A :class:`ServicePoint` is a place: a kantor desa/kelurahan or kecamatan, Disdukcapil, a
free-internet point. It sits in a region (its desa, its kecamatan, or the regency for an
office that serves everyone) and may belong to an :class:`~layanan.agencies.models.Office`,
whose staff keep it current. An :class:`Announcement` is what an office tells everyone
(changed hours, an outage, a new service); a :class:`Subscription` asks for a message when
an office in a region publishes one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.catalogue.models import Service
from layanan.regions.models import Region

PHONE_VALIDATOR = RegexValidator(
    r"^[0-9+()\- ]{5,40}$",
    _("Tulis nomor telepon kantor dengan angka, boleh memakai +, spasi, tanda hubung, atau kurung."),
)


class ServicePoint(models.Model):
    """A place where people get help in person."""

    class Kind(models.TextChoices):
        VILLAGE_OFFICE = "desa", _("Kantor desa/kelurahan")
        DISTRICT_OFFICE = "kecamatan", _("Kantor kecamatan")
        DUKCAPIL = "dukcapil", _("Disdukcapil")
        AGENCY = "opd", _("Kantor perangkat daerah")
        INTERNET = "internet", _("Titik internet gratis")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=160)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
        verbose_name=_("kantor"),
        help_text=_("Kantor yang mengurus tempat ini; petugasnya dapat memperbarui datanya."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="service_points",
        verbose_name=_("wilayah"),
        help_text=_(
            "Desa/kelurahan atau kecamatan tempat ini berada (kabupaten untuk kantor yang melayani semua)."
        ),
    )
    address = models.CharField(_("alamat"), max_length=240, blank=True, default="")
    hours = models.TextField(
        _("jam buka"),
        blank=True,
        default="",
        help_text=_("Satu baris per hari atau kelompok hari, misalnya: Senin-Kamis 08.00-15.30 WIB."),
    )
    services_text = models.TextField(
        _("yang dapat dilakukan di sini"),
        blank=True,
        default="",
        help_text=_("Satu baris per layanan, misalnya: Pengantar KTP-el, Surat keterangan domisili."),
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="service_points", verbose_name=_("layanan dalam katalog")
    )
    phone = models.CharField(
        _("telepon kantor"),
        max_length=40,
        blank=True,
        default="",
        validators=[PHONE_VALIDATOR],
        help_text=_("Nomor telepon umum kantor, bukan nomor pribadi petugas."),
    )
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
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["region_id", "kind", "name"]
        verbose_name = _("tempat layanan")
        verbose_name_plural = _("tempat layanan")
        indexes = [models.Index(fields=["is_active", "region"], name="servicepoint_active_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def services_lines(self) -> list[str]:
        return [line.strip() for line in self.services_text.splitlines() if line.strip()]

    @property
    def hours_lines(self) -> list[str]:
        return [line.strip() for line in self.hours.splitlines() if line.strip()]


class Announcement(models.Model):
    """What an office tells everyone: changed hours, an outage, a new service."""

    class Kind(models.TextChoices):
        HOURS = "jam", _("Perubahan jam layanan")
        OUTAGE = "gangguan", _("Gangguan layanan")
        NEW_SERVICE = "baru", _("Layanan baru")
        OTHER = "lain", _("Lainnya")

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("kantor")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("judul"), max_length=120)
    body = models.TextField(_("isi"))
    starts_at = models.DateTimeField(_("tampil mulai"), default=timezone.now)
    ends_at = models.DateTimeField(_("tampil sampai"), null=True, blank=True)
    published = models.BooleanField(_("diterbitkan"), default=False)
    published_at = models.DateTimeField(_("diterbitkan pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditulis oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    notified_at = models.DateTimeField(_("pelanggan dikabari"), null=True, blank=True)
    # The key of the form that wrote it: the same form sent twice makes one announcement.
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("pengumuman")
        verbose_name_plural = _("pengumuman")
        indexes = [models.Index(fields=["published", "starts_at"], name="announcement_published_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="announcement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_current(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.published and self.starts_at <= moment and (self.ends_at is None or self.ends_at > moment)


class Subscription(models.Model):
    """A person asks for a message when an office in ``region`` (or serving it) announces something."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="announcement_subscriptions",
        verbose_name=_("pengguna"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="announcement_subscriptions", verbose_name=_("wilayah")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("langganan pengumuman")
        verbose_name_plural = _("langganan pengumuman")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="subscription_one_per_region")]

    def __str__(self) -> str:
        return str(self.region)
