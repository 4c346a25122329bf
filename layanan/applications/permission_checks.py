"""The permission checks that need the application models, registered with
:mod:`layanan.accounts.permissions` from :meth:`ApplicationsConfig.ready`."""

from __future__ import annotations

from django.db.models import Q

from layanan.accounts.models import User
from layanan.accounts.permissions import HANDLING_ROLES, citizen_handling_check_register
from layanan.applications.models import OPEN_STATUSES, Application


def handles_open_application_of(actor: User, citizen: User) -> bool:
    """Staff handling an open application of ``citizen`` at their own office (for identity reads)."""
    if actor.role not in HANDLING_ROLES or actor.office_id is None:
        return False
    role_fits = Q(service__verify_role=actor.role) | Q(service__decide_role=actor.role)
    role_fits |= Q(service__sign_role=actor.role)
    return (
        Application.objects.real()
        .filter(applicant=citizen, office_id=actor.office_id, status__in=OPEN_STATUSES)
        .filter(role_fits)
        .exists()
    )


def register() -> None:
    citizen_handling_check_register(handles_open_application_of)
