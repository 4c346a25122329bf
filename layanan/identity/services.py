"""Writing a citizen's NIK and Nomor KK (sealed, hashed for lookup, audited); claims and disputes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.audit.services import audit_record
from layanan.core.crypto import blind_index
from layanan.identity.access import may_resolve_disputes, may_set_identity
from layanan.identity.models import NikClaim, NikDispute
from layanan.identity.nik import NikCheck, validate_kk, validate_nik
from layanan.regions.models import Region

_SEXES = frozenset({"L", "P"})


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
    ``nik``/``kk``/``sex``) when a number is invalid. The NIK is recorded as a
    claim (:mod:`layanan.identity.models`), never refused because another
    account holds it: then the claim is disputed, the account does not get
    the NIK, and the office settles it (:func:`nik_dispute_resolve`). The
    caller says the same to every claimant ("akan diperiksa petugas").
    Returns the NIK check, whose warnings (NIK and KK) the caller shows
    without refusing.
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
        locked = User.objects.select_for_update().get(pk=user.pk)
        _claim_row, disputed = _claim(
            user=locked, nik=check.value, nik_hash=nik_hash, actor=actor, request=request
        )
        details: dict[str, Any] = {
            "nik_changed": locked.nik_hash != nik_hash,
            "birth_date_from": "declared" if birth_date else "nik",
            "sex_from": "declared" if sex else "nik",
            "warnings": list(check.warning_codes),
        }
        # A NIK another account holds is not given to this one: the claim waits for the office.
        user.nik = "" if disputed else check.value
        user.nik_hash = "" if disputed else nik_hash
        user.birth_date = check.birth_date if birth_date is None else birth_date
        user.sex = sex or check.sex
        fields = ["nik", "nik_hash", "birth_date", "sex"]
        if kk is not None:
            kk_hash = blind_index(kk_value, purpose="kk") if kk_value else ""
            details["kk_changed"] = locked.kk_hash != kk_hash
            user.kk = kk_value
            user.kk_hash = kk_hash
            fields += ["kk", "kk_hash"]
        user.save(update_fields=fields)
        audit_record(actor=actor, action="identity.set", obj=user, request=request, details=details)
    return check


def _claim(
    *, user: User, nik: str, nik_hash: str, actor: User, request: HttpRequest | None
) -> tuple[NikClaim, bool]:
    """Record ``user``'s claim to ``nik``; returns it and whether it is disputed.

    Claiming the NIK one already claims keeps that claim. Claiming another one
    replaces the open claim. When another account claims or holds the NIK, a
    dispute is opened (or joined) and every open claim to it is disputed,
    except one an officer already verified, which stays verified until the
    dispute is settled.
    """
    now = timezone.now()
    own = NikClaim.objects.select_for_update().filter(user=user, status__in=NikClaim.OPEN).first()
    if own is not None and own.nik_hash == nik_hash:
        return own, own.status == NikClaim.Status.DISPUTED
    if own is not None:
        own.status = NikClaim.Status.REPLACED
        own.closed_at = now
        own.save(update_fields=["status", "closed_at"])
    for holder in User.objects.filter(nik_hash=nik_hash).exclude(pk=user.pk):
        # An account that holds the NIK from before claims were recorded.
        if not NikClaim.objects.filter(user=holder, status__in=NikClaim.OPEN).exists():
            NikClaim.objects.create(user=holder, nik=nik, nik_hash=nik_hash, claimed_at=holder.date_joined)
    rivals = list(
        NikClaim.objects.select_for_update()
        .filter(nik_hash=nik_hash, status__in=NikClaim.OPEN)
        .exclude(user=user)
    )
    if not rivals:
        return NikClaim.objects.create(user=user, nik=nik, nik_hash=nik_hash, claimed_at=now), False
    dispute = (
        NikDispute.objects.select_for_update().filter(nik_hash=nik_hash, resolved_at__isnull=True).first()
    )
    if dispute is None:
        dispute = NikDispute.objects.create(nik_hash=nik_hash, opened_at=now)
    for rival in rivals:
        rival.dispute = dispute
        if rival.status == NikClaim.Status.CLAIMED:
            rival.status = NikClaim.Status.DISPUTED
        rival.save(update_fields=["dispute", "status"])
    claim = NikClaim.objects.create(
        user=user,
        nik=nik,
        nik_hash=nik_hash,
        claimed_at=now,
        status=NikClaim.Status.DISPUTED,
        dispute=dispute,
    )
    audit_record(
        actor=actor,
        action="identity.nik_disputed",
        obj=dispute,
        request=request,
        details={"claims": len(rivals) + 1},
    )
    return claim, True


class ClaimError(Exception):
    """A claim cannot be verified or a dispute settled as asked (already settled, not part of it)."""


def nik_claims_looked_up(*, actor: User, found: int, request: HttpRequest | None = None) -> None:
    """Record that ``actor`` searched claims by a NIK (never the NIK itself): a read of identity."""
    with transaction.atomic():
        audit_record(
            actor=actor, action="identity.nik_looked_up", obj=None, request=request, details={"found": found}
        )


def nik_claim_verify(*, claim: NikClaim, actor: User, request: HttpRequest | None = None) -> NikClaim:
    """An officer saw the KTP-el at the office: the claim is verified.

    Only counter staff who may set this citizen's identity, never for
    themselves; a disputed claim is settled through its dispute instead.
    """
    if (
        actor.pk == claim.user_id
        or not actor.is_staff_member
        or not may_set_identity(actor=actor, user=claim.user)
    ):
        raise PermissionDenied
    with transaction.atomic():
        fresh = NikClaim.objects.select_for_update().get(pk=claim.pk)
        if fresh.status == NikClaim.Status.VERIFIED:
            return fresh
        if fresh.status != NikClaim.Status.CLAIMED:
            raise ClaimError(_("Klaim ini sedang disengketakan atau sudah ditutup."))
        fresh.status = NikClaim.Status.VERIFIED
        fresh.verified_at = timezone.now()
        fresh.verified_by = actor
        fresh.save(update_fields=["status", "verified_at", "verified_by"])
        audit_record(actor=actor, action="identity.nik_verified", obj=fresh.user, request=request)
    return fresh


def nik_dispute_resolve(
    *, dispute: NikDispute, winner: NikClaim | None, actor: User, request: HttpRequest | None = None
) -> NikDispute:
    """Settle a dispute: give the NIK to ``winner`` (verified), or to nobody (``None``).

    Every other claim in the dispute is rejected and its account loses the
    NIK if it held it. Only the Disdukcapil office's staff and administrators
    (:func:`layanan.identity.access.may_resolve_disputes`).
    """
    if not may_resolve_disputes(actor):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        fresh = NikDispute.objects.select_for_update().get(pk=dispute.pk)
        if fresh.resolved_at is not None:
            raise ClaimError(_("Sengketa ini sudah diselesaikan."))
        claims = list(NikClaim.objects.select_for_update().filter(dispute=fresh, status__in=NikClaim.OPEN))
        if winner is not None and winner.pk not in {claim.pk for claim in claims}:
            raise ClaimError(_("Pilih salah satu akun dalam sengketa ini."))
        for claim in claims:
            if winner is not None and claim.pk == winner.pk:
                continue
            claim.status = NikClaim.Status.REJECTED
            claim.closed_at = now
            claim.save(update_fields=["status", "closed_at"])
            User.objects.filter(pk=claim.user_id, nik_hash=fresh.nik_hash).update(nik="", nik_hash="")
        if winner is not None:
            chosen = next(claim for claim in claims if claim.pk == winner.pk)
            chosen.status = NikClaim.Status.VERIFIED
            chosen.verified_at = now
            chosen.verified_by = actor
            chosen.save(update_fields=["status", "verified_at", "verified_by"])
            holder = User.objects.select_for_update().get(pk=chosen.user_id)
            holder.nik = chosen.nik
            holder.nik_hash = chosen.nik_hash
            holder.save(update_fields=["nik", "nik_hash"])
        fresh.resolved_at = now
        fresh.resolved_by = actor
        fresh.outcome = NikDispute.Outcome.AWARDED if winner is not None else NikDispute.Outcome.NONE
        fresh.save(update_fields=["resolved_at", "resolved_by", "outcome"])
        audit_record(
            actor=actor,
            action="identity.nik_dispute_resolved",
            obj=fresh,
            request=request,
            details={"outcome": fresh.outcome, "claims": len(claims)},
        )
    return fresh
