from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from layanan.accounts.models import User
from layanan.accounts.services import SECOND_FACTOR_SESSION_KEY, has_confirmed_second_factor
from layanan.accounts.sessions import session_check

# Pages a member of staff may open between the password and the second factor.
_OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:verify",
        "accounts:setup_2fa",
        "accounts:logout",
        "set_language",
        "core:healthz",
    }
)


class SecondFactorMiddleware:
    """Hold staff who have passed the password but not the second factor at the TOTP step.

    Every page except the second-factor pages, sign-out, static files and the
    language switch redirects them to ``accounts:verify`` (or to
    ``accounts:setup_2fa`` when they have no confirmed authenticator yet),
    the Django admin included. Citizens need no second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.needs_second_factor:
            return None
        if request.session.get(SECOND_FACTOR_SESSION_KEY):
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        if request.path_info.startswith(settings.API_PATH_PREFIXES):
            return None  # the API answers 401 in JSON itself: a session short of the factor is no one
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_BEFORE_SECOND_FACTOR:
            return None
        target = "accounts:verify" if has_confirmed_second_factor(user) else "accounts:setup_2fa"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))


class SessionRecordMiddleware:
    """End a session its owner ended elsewhere, and keep "last active" of each session.

    Placed after the message middleware (so it can say why the person was
    signed out). See :mod:`layanan.accounts.sessions`: no query on most requests.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session_check(request)
        return self.get_response(request)
