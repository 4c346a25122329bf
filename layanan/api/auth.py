"""Who is calling: a token, a signed-in session, or nobody (docs/api.md, "Authentication").

:func:`caller_of` runs on every call. A request that sends ``Authorization`` is judged by its token
alone (a bad one is refused, never treated as anonymous); otherwise a signed-in session counts
(staff only past the second factor; an unsafe method must carry the CSRF token, as on the pages);
otherwise the caller is anonymous and sees what a visitor of the pages sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from layanan.accounts.models import User
from layanan.accounts.ratelimit import client_address
from layanan.accounts.services import SECOND_FACTOR_SESSION_KEY
from layanan.api.models import ApiToken
from layanan.api.problems import ApiError
from layanan.api.tokens import token_find


@dataclass(frozen=True)
class Caller:
    user: User | AnonymousUser
    token: ApiToken | None
    address: str

    @property
    def signed_in(self) -> bool:
        return isinstance(self.user, User)

    @property
    def key(self) -> str:
        """Whose calls these are, for the rate limit and the idempotency keys."""
        if self.token is not None:
            return f"t:{self.token.pk}"
        if isinstance(self.user, User):
            return f"u:{self.user.pk}"
        return f"a:{self.address}"

    def account(self, scope: str) -> User:
        """The account, or a refusal: nobody signed in (401), or a token without ``scope`` (403)."""
        if not isinstance(self.user, User):
            raise ApiError("unauthenticated", 401)
        if self.token is not None and not self.token.allows(scope):
            raise ApiError("scope_missing", 403, required_scope=scope)
        return self.user

    def reader(self) -> User | AnonymousUser:
        """Whom to read as: a token needs the ``read`` scope to read as its account."""
        if self.token is not None and not self.token.allows("read"):
            return AnonymousUser()
        return self.user


_csrf = CsrfViewMiddleware(lambda request: None)  # type: ignore[arg-type]


def caller_of(request: HttpRequest) -> Caller:
    address = client_address(request)
    header = request.headers.get("Authorization", "")
    if header:
        kind, _, raw = header.partition(" ")
        token = token_find(raw.strip()) if kind.lower() == "bearer" else None
        if token is None:
            raise ApiError("token_invalid", 401)
        return Caller(user=token.user, token=token, address=address)
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_active:
        if user.needs_second_factor and not request.session.get(SECOND_FACTOR_SESSION_KEY):
            return Caller(user=AnonymousUser(), token=None, address=address)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            refused = _csrf.process_view(request, lambda r: None, (), {})  # type: ignore[arg-type, return-value]
            if refused is not None:
                raise ApiError("forbidden", 403, reason="csrf")
        return Caller(user=user, token=None, address=address)
    return Caller(user=AnonymousUser(), token=None, address=address)


def caller(request: HttpRequest) -> Caller:
    """The caller :class:`ApiAuth` found for this request (every operation has one)."""
    return request.auth  # type: ignore[attr-defined]


class ApiAuth:
    """django-ninja's auth hook: always a caller (anonymous included), or a refusal."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Caller:
        caller = caller_of(request)
        request.caller = caller  # type: ignore[attr-defined]
        return caller
