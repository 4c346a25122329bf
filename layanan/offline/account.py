"""Which account a page on the phone belongs to, without saying who it is (docs/offline.md).

The service worker keeps the report form of a signed-in person in a cache of that account only,
and the outbox keeps each waiting report with the account that filled it: both are named by this
tag, a keyed hash of the user's id. It identifies no one outside this server and changes with
SECRET_KEY; a phone that sees another tag (someone else signed in) never shows or sends the first
account's items.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.crypto import salted_hmac

SALT = "layanan.offline.account"


def account_tag(user: AbstractBaseUser | AnonymousUser) -> str:
    """The tag of a signed-in user; "" for anyone else."""
    if not user.is_authenticated:
        return ""
    return salted_hmac(SALT, str(user.pk), algorithm="sha256").hexdigest()[:24]
