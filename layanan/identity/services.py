"""Writing a citizen's NIK and Nomor KK: sealed, hashed for lookup, audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.audit.services import audit_record
from layanan.core.crypto import blind_index
from layanan.identity.access import may_set_identity
from layanan.identity.nik import NikCheck, validate_kk, validate_nik
from layanan.regions.models import Region

_SEXES = frozenset({"L", "P"})


def _nik_taken_error() -> ValidationError:
    # Says that the NIK is in use, never by whom.
    return ValidationError(
        {
            "nik": ValidationError(
                _(
                    "NIK ini sudah dipakai oleh akun lain. Bila ini memang NIK Anda, "
                    "datangi kantor Disdukcapil atau hubungi layanan pengaduan dengan membawa KTP-el."
                ),
                code="nik_taken",
            )
        }
    )


def _errors(field: str, codes: list[str], messages: list[str]) -> ValidationError:
    return ValidationError(
        {field: [ValidationError(message, code=code) for code, message in zip(codes, messages, strict=True)]}
    )


def _district_codes() -> list[str] | None:
    """Kecamatan codes of this kabupaten, when the region table holds them."""
    codes = list(
        Region.objects.filter(
            level=Region.Level.DISTRICT, code__startswith=settings.REGENCY["code"] + "."
        ).values_list("code", flat=True)
    )
    return codes or None


def citizen_identity_set(
    *,
    user: User,
    nik: str,
    kk: str | None = None,
    birth_date: date | None = None,
    sex: str | None = None,
    actor: User | AnonymousUser,
    request: HttpRequest | None = None,
) -> NikCheck:
    """Store ``user``'s NIK (and KK), sealed, with their keyed hashes.

    ``kk=None`` leaves the KK as it is; ``kk=""`` removes it. The birth date
    and sex come from the NIK unless declared. Raises ``PermissionDenied``
    when ``actor`` may not do this, and ``ValidationError`` (keyed by
    ``nik``/``kk``/``sex``) when a number is invalid or the NIK belongs to
    another account. Returns the NIK check, whose warnings (NIK and KK) the
    caller shows without refusing.
    """
    if not isinstance(actor, User) or not may_set_identity(actor=actor, user=user):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data kependudukan pengguna ini."))
    if sex is not None and sex != "" and sex not in _SEXES:
        raise ValidationError({"sex": ValidationError(_("Pilih jenis kelamin L atau P."), code="invalid")})

    districts = _district_codes()
    check = validate_nik(
        nik, declared_birth_date=birth_date, declared_sex=sex or None, known_district_codes=districts
    )
    if check.errors:
        raise _errors("nik", check.error_codes, check.errors)
    kk_value = ""
    if kk:
        kk_check = validate_kk(kk, known_district_codes=districts)
        if kk_check.errors:
            raise _errors("kk", kk_check.error_codes, kk_check.errors)
        kk_value = kk_check.value
        check = replace(
            check,
            warnings=[*check.warnings, *kk_check.warnings],
            warning_codes=[*check.warning_codes, *(f"kk.{code}" for code in kk_check.warning_codes)],
        )

    nik_hash = blind_index(check.value, purpose="nik")
    with transaction.atomic():
        if User.objects.filter(nik_hash=nik_hash).exclude(pk=user.pk).exists():
            raise _nik_taken_error()
        details: dict[str, Any] = {
            "nik_changed": user.nik_hash != nik_hash,
            "birth_date_from": "declared" if birth_date else "nik",
            "sex_from": "declared" if sex else "nik",
            "warnings": list(check.warning_codes),
        }
        user.nik = check.value
        user.nik_hash = nik_hash
        user.birth_date = check.birth_date if birth_date is None else birth_date
        user.sex = sex or check.sex
        fields = ["nik", "nik_hash", "birth_date", "sex"]
        if kk is not None:
            kk_hash = blind_index(kk_value, purpose="kk") if kk_value else ""
            details["kk_changed"] = user.kk_hash != kk_hash
            user.kk = kk_value
            user.kk_hash = kk_hash
            fields += ["kk", "kk_hash"]
        try:
            with transaction.atomic():
                user.save(update_fields=fields)
        except IntegrityError:
            # Another request stored the same NIK between the check and the save.
            user.refresh_from_db(fields=fields)
            raise _nik_taken_error() from None
        audit_record(actor=actor, action="identity.set", obj=user, request=request, details=details)
    return check
