"""Who may do what with data-subject requests.

The regency's data-protection officer (pejabat pelindungan data pribadi, Pasal 53) works as an
administrator: administrators handle requests and run retention; auditors read the queue and the
retention reports; nobody else (an operator or officer handles cases, never privacy requests).
A citizen sees and asks only about their own data. These checks mirror the entries the lead may
move into ``layanan.accounts.permissions.RULES`` (``privacy.request.handle``/``privacy.request.read``).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from layanan.accounts.models import Role, User

Actor = AbstractBaseUser | AnonymousUser | None


def _active(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_active and actor.pk is not None else None


def may_handle_requests(actor: Actor) -> bool:
    user = _active(actor)
    return user is not None and user.role == Role.ADMIN


def may_read_requests(actor: Actor) -> bool:
    user = _active(actor)
    return user is not None and user.role in (Role.ADMIN, Role.AUDITOR)


def is_data_subject(actor: Actor) -> bool:
    """A citizen, signed in: the person the "Data saya" pages are for."""
    user = _active(actor)
    return user is not None and user.role == Role.CITIZEN
