"""Reading identity data: find a person by NIK (keyed hash), mask a NIK, claims, disputes, matches."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.core.crypto import blind_index
from layanan.identity.access import may_look_up_by_nik, may_resolve_disputes
from layanan.identity.models import NikClaim, NikDispute
from layanan.identity.nik import NIK_LENGTH, normalize_number


def user_find_by_nik(*, actor: User | AnonymousUser, nik: str) -> User | None:
    """The account holding ``nik``, or None. Staff only; never decrypts to search."""
    if not may_look_up_by_nik(actor):
        raise PermissionDenied(_("Hanya petugas yang dapat mencari warga berdasarkan NIK."))
    value = normalize_number(nik)
    if len(value) != NIK_LENGTH or not value.isdigit():
        return None
    return User.objects.filter(nik_hash=blind_index(value, purpose="nik")).first()


def mask_nik(nik: str | None, *, visible: int = 4, mask: str = "*") -> str:
    """``1803**********0001``: the first and last ``visible`` digits, the rest hidden.

    A value too short to keep anything hidden is masked entirely.
    """
    value = normalize_number(nik)
    if len(value) <= 2 * visible:
        return mask * len(value)
    return value[:visible] + mask * (len(value) - 2 * visible) + value[-visible:]


@dataclass(frozen=True)
class NikStatus:
    """What a person sees of their own NIK: masked, and whether an officer has checked it."""

    masked: str
    verified: bool


def nik_status_of(*, user: User) -> NikStatus | None:
    """``user``'s own NIK claim, as they may see it; a disputed claim reads like any unverified one."""
    claim = NikClaim.objects.filter(user=user, status__in=NikClaim.OPEN).first()
    if claim is not None:
        return NikStatus(masked=mask_nik(claim.nik), verified=claim.is_verified)
    if user.nik:  # held from before claims were recorded
        return NikStatus(masked=mask_nik(user.nik), verified=False)
    return None


class NikMatch(enum.Enum):
    """How a NIK typed into a form relates to the account that typed it."""

    OWN = "own"
    FAMILY = "family"  # a member of the same Kartu Keluarga
    DISPUTED = "disputed"  # the account's own NIK, but claimed by another account too
    MISMATCH = "mismatch"

    @property
    def ok(self) -> bool:
        return self in (NikMatch.OWN, NikMatch.FAMILY)


def nik_match(*, applicant: User, nik: str) -> NikMatch:
    """Is ``nik`` the applicant's own NIK, or a family member's (same KK)? Never decrypts to search."""
    value = normalize_number(nik)
    if len(value) != NIK_LENGTH or not value.isdigit():
        return NikMatch.MISMATCH
    nik_hash = blind_index(value, purpose="nik")
    claim = NikClaim.objects.filter(user=applicant, status__in=NikClaim.OPEN).first()
    if claim is not None and claim.nik_hash == nik_hash:
        return NikMatch.DISPUTED if claim.status == NikClaim.Status.DISPUTED else NikMatch.OWN
    if claim is None and applicant.nik_hash == nik_hash:
        return NikMatch.OWN
    if (
        applicant.kk_hash
        and User.objects.filter(nik_hash=nik_hash, kk_hash=applicant.kk_hash)
        .exclude(pk=applicant.pk)
        .exists()
    ):
        return NikMatch.FAMILY
    return NikMatch.MISMATCH


@dataclass(frozen=True)
class DisputeRow:
    dispute: NikDispute
    claims: list[NikClaim]
    masked_nik: str


def disputes_open(*, actor: User | AnonymousUser) -> list[DisputeRow]:
    """Open NIK disputes with their claims (account, desa), oldest first; for those who settle them."""
    if not may_resolve_disputes(actor):
        raise PermissionDenied
    disputes = NikDispute.objects.filter(resolved_at__isnull=True).prefetch_related(
        Prefetch(
            "claims",
            queryset=NikClaim.objects.filter(status__in=NikClaim.OPEN).select_related(
                "user", "user__home_region", "user__home_region__parent"
            ),
        )
    )
    rows = []
    for dispute in disputes:
        claims = list(dispute.claims.all())
        rows.append(
            DisputeRow(dispute=dispute, claims=claims, masked_nik=mask_nik(claims[0].nik) if claims else "")
        )
    return rows


def dispute_get(*, actor: User | AnonymousUser, dispute_id: int) -> NikDispute | None:
    if not may_resolve_disputes(actor):
        raise PermissionDenied
    return NikDispute.objects.filter(pk=dispute_id).first()


def claims_for_nik(*, actor: User | AnonymousUser, nik: str) -> list[NikClaim]:
    """The open claims to ``nik`` (found by its keyed hash), for counter staff checking a KTP-el."""
    if not may_look_up_by_nik(actor):
        raise PermissionDenied(_("Hanya petugas yang dapat mencari warga berdasarkan NIK."))
    value = normalize_number(nik)
    if len(value) != NIK_LENGTH or not value.isdigit():
        return []
    return list(
        NikClaim.objects.filter(nik_hash=blind_index(value, purpose="nik"), status__in=NikClaim.OPEN)
        .select_related("user", "user__home_region")
        .order_by("claimed_at", "pk")
    )
