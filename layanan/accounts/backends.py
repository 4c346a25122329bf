from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from layanan.accounts.models import User
from layanan.accounts.phone import normalize_phone


class PhoneOrEmailBackend(ModelBackend):
    """Sign in with a phone number in any usual spelling, or an email address."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = None
        if "@" in username:
            user = User.objects.filter(email__iexact=username.strip()).first()
        else:
            try:
                user = User.objects.filter(phone=normalize_phone(username)).first()
            except ValidationError:
                user = None
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
