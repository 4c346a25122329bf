"""Kiosk mode: a shared screen at the office signs itself out after a spell without activity.

Switched on the operator's session (``assisted:kiosk``). While it is on:

- every request renews an idle clock kept in the session (``KIOSK_IDLE_SECONDS``, 5 minutes by
  default), and the session cookie itself expires after the same time, so a screen left alone
  is signed out by the server even without JavaScript;
- a request that arrives after the idle time signs the session out (audited like any sign-out)
  and lands on the sign-in page with a notice;
- every response is ``no-store``, so the browser's back button never shows a citizen's page
  again after sign-out, and the sign-out clears the site's cache and storage, the outbox
  included (``Clear-Site-Data``);
- ``base.html`` shows a countdown for the last minute (``static/assisted/kiosk.js``) with a
  "Saya masih di sini" button, and submits the sign-out form itself at zero.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from layanan.accounts.services import user_sign_out

SESSION_KEY = "assisted_kiosk"
SEEN_KEY = "assisted_kiosk_seen"


def idle_seconds() -> int:
    seconds: int = settings.KIOSK_IDLE_SECONDS
    return seconds


def is_on(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY))


def switch(request: HttpRequest, *, on: bool) -> None:
    if on:
        request.session[SESSION_KEY] = idle_seconds()  # also what the countdown reads
        request.session[SEEN_KEY] = int(time.time())
        request.session.set_expiry(idle_seconds())
    else:
        request.session.pop(SESSION_KEY, None)
        request.session.pop(SEEN_KEY, None)
        request.session.set_expiry(None)


class KioskMiddleware:
    """Renews the idle clock of a kiosk session, or ends the session once it ran out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
            or session is None
            or not session.get(SESSION_KEY)
        ):
            return self.get_response(request)
        now = int(time.time())
        seen = int(session.get(SEEN_KEY) or now)
        if now - seen >= idle_seconds():
            if request.user.is_authenticated:
                user_sign_out(request=request)
            else:
                session.flush()
            messages.info(request, _("Anda otomatis keluar karena layar tidak dipakai beberapa saat."))
            response: HttpResponseBase = HttpResponseRedirect(reverse("accounts:login"))
            response["Clear-Site-Data"] = '"cache", "storage"'
            add_never_cache_headers(response)
            return response
        session[SEEN_KEY] = now  # modified: saved, so the cookie's idle expiry starts again
        response = self.get_response(request)
        add_never_cache_headers(response)
        if session.get(SESSION_KEY) is None and isinstance(response, HttpResponse):
            response["Clear-Site-Data"] = '"cache", "storage"'  # signed out by hand: nothing stays behind
        return response
