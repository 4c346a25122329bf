from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.core.fields import EncryptedTextField
from layanan.regions.models import Region


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Warga")
    OPERATOR = "operator", _("Operator desa/kecamatan")
    OFFICER = "officer", _("Petugas OPD")
    SIGNER = "signer", _("Pejabat penandatangan")
    LEADER = "leader", _("Pimpinan")
    ADMIN = "admin", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


STAFF_ROLES = frozenset({Role.OPERATOR, Role.OFFICER, Role.SIGNER, Role.LEADER, Role.ADMIN, Role.AUDITOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        from layanan.accounts.phone import normalize_phone

        email = extra.pop("email", None)
        user = self.model(phone=normalize_phone(phone), email=self.normalize_email(email) or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a citizen or a member of staff.

    Sign-in is by phone number (canonical ``+62…``) or email. Staff have an
    office and are scoped to it; citizens have none. NIK and KK are sealed
    with :mod:`layanan.core.crypto` and found only through their keyed hashes.
    """

    class Sex(models.TextChoices):
        UNKNOWN = "", _("—")
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    phone = models.CharField(_("nomor HP"), max_length=16, unique=True)
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("nama lengkap"), max_length=160)
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices, default=Role.CITIZEN)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kantor"),
    )
    position = models.CharField(_("jabatan"), max_length=160, blank=True, default="")
    nip = models.CharField(_("NIP"), max_length=18, blank=True, default="")
    preferred_language = models.CharField(_("bahasa"), max_length=5, default="id")

    nik = EncryptedTextField(_("NIK"), blank=True, default="")
    nik_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    kk = EncryptedTextField(_("nomor KK"), blank=True, default="")
    kk_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True, default="")
    home_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("desa/kelurahan domisili"),
    )

    is_active = models.BooleanField(_("aktif"), default=True)
    is_staff = models.BooleanField(_("boleh membuka admin"), default=False)
    date_joined = models.DateTimeField(_("terdaftar"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.UniqueConstraint(
                fields=["nik_hash"], condition=~models.Q(nik_hash=""), name="accounts_user_unique_nik"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES
