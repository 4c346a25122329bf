from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SecondFactorMiddleware:
    """Staff who have passed the password but not yet the second factor are held at the TOTP step.

    Filled in by the accounts work; until then it lets everything through.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
