"""Record sessions as people sign in and out, whichever way they do (the services, the admin, tests)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from layanan.accounts.models import User
from layanan.accounts.sessions import session_record_signed_out, session_record_start


@receiver(user_logged_in, dispatch_uid="accounts.session_record_start")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and isinstance(user, User) and hasattr(request, "session"):
        session_record_start(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.session_record_signed_out")
def _signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_record_signed_out(request=request)
