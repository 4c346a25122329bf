"""Reading identity data: find a person by NIK (through its keyed hash), mask a NIK for display."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.core.crypto import blind_index
from layanan.identity.access import may_look_up_by_nik
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
