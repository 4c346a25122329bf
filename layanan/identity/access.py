"""Who may read or write a citizen's NIK and KK, asked of the one permission module."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from layanan.accounts.models import User
from layanan.accounts.permissions import can


def may_look_up_by_nik(actor: User | AnonymousUser) -> bool:
    """Only counter and agency staff find a person by NIK; a citizen never searches other citizens."""
    return can(actor, "citizen.identity.lookup")


def may_set_identity(*, actor: User | AnonymousUser, user: User) -> bool:
    """A citizen sets their own NIK/KK; a counter operator of their region may set it for them."""
    return can(actor, "citizen.identity.write", user)
