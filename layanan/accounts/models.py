from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.accounts.phone import normalize_phone
from layanan.agencies.models import Office
from layanan.core.fields import EncryptedDateField, EncryptedTextField
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
# Roles whose work is tied to one office: they cannot exist without one.
OFFICE_ROLES = frozenset({Role.OPERATOR, Role.OFFICER, Role.SIGNER})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
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
    # When the phone was proven: by a one-time code sent to it, or by a message sent from it.
    # Until then nothing sent from that number reaches this account.
    phone_verified_at = models.DateTimeField(_("nomor HP terbukti"), null=True, blank=True)
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
    # Sealed like the NIK: beside the home region they would give away most of it (docs/accounts-profile.md).
    birth_date = EncryptedDateField(_("tanggal lahir"), null=True, blank=True)
    sex = EncryptedTextField(_("jenis kelamin"), choices=Sex.choices, blank=True, default="")
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
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(r.value for r in OFFICE_ROLES))
                | models.Q(office__isnull=False),
                name="accounts_user_office_roles_have_office",
                violation_error_message=_("Operator, petugas dan penandatangan harus punya kantor."),
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.CITIZEN.value) | models.Q(office__isnull=True),
                name="accounts_user_citizens_have_no_office",
                violation_error_message=_("Warga tidak terikat pada kantor."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        super().clean()
        if self.role in OFFICE_ROLES and self.office_id is None:
            raise ValidationError(
                {"office": _("Operator, petugas dan penandatangan harus punya kantor.")},
                code="office_required",
            )
        if self.role == Role.CITIZEN and self.office_id is not None:
            raise ValidationError({"office": _("Warga tidak terikat pada kantor.")}, code="citizen_office")

    @property
    def phone_is_proven(self) -> bool:
        return self.phone_verified_at is not None

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def needs_second_factor(self) -> bool:
        """Staff (and anyone who may open the Django admin) sign in with a second factor."""
        return self.role in STAFF_ROLES or self.is_staff or self.is_superuser


class SecondFactor(models.Model):
    """A user's TOTP authenticator.

    ``secret`` is the confirmed secret (empty until the first code is
    checked); ``pending_secret`` is one shown on the set-up page and not yet
    confirmed, so a half-finished re-enrolment never locks the user out.
    ``last_used_step`` is the 30-second step of the last accepted code: a
    code from that step or an earlier one is refused, so a code cannot be
    replayed inside its window.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="second_factor", verbose_name=_("pengguna")
    )
    secret = EncryptedTextField(_("rahasia TOTP"), blank=True, default="")
    pending_secret = EncryptedTextField(_("rahasia TOTP yang belum dikonfirmasi"), blank=True, default="")
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("langkah kode terakhir"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("faktor kedua")
        verbose_name_plural = _("faktor kedua")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and bool(self.secret)


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator; stored only as a keyed hash."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("pengguna")
    )
    code_hash = models.CharField(_("hash kode"), max_length=64)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    used_at = models.DateTimeField(_("dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("kode pemulihan")
        verbose_name_plural = _("kode pemulihan")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="accounts_recoverycode_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class OneTimeCode(models.Model):
    """A one-time code sent to a phone or an email address, for one purpose (see ``accounts/otp.py``).

    The code itself is never stored: ``code_hash`` is an HMAC of it under a key
    the database does not hold. ``destination_hash`` finds the codes sent to one
    address (for the limits) without the address in clear; ``destination`` is
    sealed and kept only to resend. A *blocked* code never succeeds: it stands
    for a code that was not sent (an unknown account, a number someone else has
    proven), so the page looks the same either way. ``pending`` holds what the
    step waits for (a registration's answers, a new phone), sealed.
    """

    class Purpose(models.TextChoices):
        REGISTER = "register", _("Pendaftaran")
        SIGN_IN = "sign_in", _("Masuk dengan kode")
        RESET = "reset", _("Atur ulang kata sandi")
        PROVE_PHONE = "prove_phone", _("Buktikan nomor HP")
        PHONE_CHANGE = "phone_change", _("Ganti nomor HP")
        EMAIL_CHANGE = "email_change", _("Ganti email")
        # The citizen agrees that an operator applies on their behalf (layanan/assisted).
        ASSISTED_CONSENT = "assist_consent", _("Persetujuan layanan dibantu operator")

    token = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField(_("keperluan"), max_length=16, choices=Purpose.choices)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("pengguna")
    )
    channel = models.CharField(_("saluran"), max_length=10, blank=True, default="")
    destination = EncryptedTextField(_("tujuan"), blank=True, default="")
    destination_hash = models.CharField(max_length=64, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    blocked = models.BooleanField(_("tidak dapat dipakai"), default=False)
    pending = EncryptedTextField(_("data yang menunggu"), blank=True, default="{}")
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"))
    used_at = models.DateTimeField(_("dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("kode sekali pakai")
        verbose_name_plural = _("kode sekali pakai")

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class UserSession(models.Model):
    """A signed-in session, known by a keyed hash of its key (the key itself is never stored or logged).

    Written when someone signs in and kept current by
    :class:`layanan.accounts.middleware.SessionRecordMiddleware`; ``ended_at``
    set by the person (one session or all others), by a password change or by
    signing out. An ended record ends its session on its next request. Holds
    only a short device summary ("Chrome, Android"): no address, no place.
    """

    class EndReason(models.TextChoices):
        SIGNED_OUT = "signed_out", _("Keluar")
        REVOKED = "revoked", _("Diakhiri dari perangkat lain")
        REVOKED_ALL = "revoked_all", _("Keluar dari semua perangkat lain")
        PASSWORD_CHANGED = "password_changed", _("Kata sandi diganti")
        REPLACED = "replaced", _("Masuk lagi")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="signed_in_sessions", verbose_name=_("pengguna")
    )
    key_hash = models.CharField(_("hash kunci sesi"), max_length=64, unique=True, editable=False)
    device = models.CharField(_("perangkat"), max_length=60, blank=True, default="")
    signed_in_at = models.DateTimeField(_("masuk"))
    last_seen_at = models.DateTimeField(_("terakhir aktif"))
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berakhir"), max_length=20, choices=EndReason.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("sesi masuk")
        verbose_name_plural = _("sesi masuk")
        indexes = [models.Index(fields=["user", "ended_at"], name="accounts_session_user_open")]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
