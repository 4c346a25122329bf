"""Test helpers for signing in as a persona, past the second factor."""

from __future__ import annotations

from django.test import Client

from layanan.accounts.models import User
from layanan.accounts.services import SECOND_FACTOR_SESSION_KEY

__all__ = ["SECOND_FACTOR_SESSION_KEY", "sign_in"]


def sign_in(client: Client, user: User) -> None:
    """Sign ``user`` in on ``client`` as if the password and the second factor were both given."""
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = True
    session.save()
