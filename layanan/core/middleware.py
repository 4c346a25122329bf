"""The page language: Bahasa Indonesia, or the language the visitor picked with the switch."""

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
