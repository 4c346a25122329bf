"""Who may read or write a citizen's NIK and KK, asked of the one permission module."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can


def may_look_up_by_nik(actor: User | AnonymousUser) -> bool:
    """Only counter and agency staff find a person by NIK; a citizen never searches other citizens."""
    return can(actor, "citizen.identity.lookup")


def may_set_identity(*, actor: User | AnonymousUser, user: User) -> bool:
    """A citizen sets their own NIK/KK; a counter operator of their region may set it for them."""
    return can(actor, "citizen.identity.write", user)


def may_resolve_disputes(actor: User | AnonymousUser | None) -> bool:
    """Settle disputed NIK claims: the Disdukcapil office (``IDENTITY_OFFICE_CODE``) and administrators."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    if actor.role == Role.ADMIN:
        return True
    office = actor.office
    return (
        actor.role in (Role.OFFICER, Role.OPERATOR, Role.SIGNER)
        and office is not None
        and office.code == settings.IDENTITY_OFFICE_CODE
    )
