"""The page language (Bahasa Indonesia, or the language picked with the switch), and the
Permissions-Policy header on every response."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageFromCookieMiddleware:
    """Take the language from the switch's cookie only, never from the browser's Accept-Language.

    Many phones in Lampung Utara are set to English while their owners read
    Indonesian best, and strings of newer pages may not be translated yet: so
    the platform speaks Bahasa Indonesia (LANGUAGE_CODE) until someone chooses
    otherwise with the switch in the header (Django's ``set_language`` view,
    which sets the cookie). Replaces Django's LocaleMiddleware in MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# Features no page uses are off for every origin; the few the platform will use stay with itself:
# the microphone for voice notes on a report, geolocation for a report's location.
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "autoplay": "()",
    "bluetooth": "()",
    "camera": "()",
    "display-capture": "()",
    "encrypted-media": "()",
    "fullscreen": "(self)",
    "geolocation": "(self)",
    "gyroscope": "()",
    "hid": "()",
    "idle-detection": "()",
    "magnetometer": "()",
    "microphone": "(self)",
    "midi": "()",
    "payment": "()",
    "picture-in-picture": "()",
    "publickey-credentials-get": "(self)",
    "screen-wake-lock": "()",
    "serial": "()",
    "usb": "()",
    "xr-spatial-tracking": "()",
}
PERMISSIONS_POLICY_HEADER = ", ".join(f"{feature}={allow}" for feature, allow in PERMISSIONS_POLICY.items())


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` on every response (pages, files, errors, redirects).

    A response that already carries one (a view that needs less) keeps its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY_HEADER)
        return response
