from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from prometheus_client import CONTENT_TYPE_LATEST

from layanan.core.metrics import metrics_allowed, metrics_render
from layanan.core.practice import practice_on, practice_set
from layanan.core.readiness import readiness
from layanan.core.terms import TERMS
from layanan.core.worker import worker_health

# --- what the apps' views share ------------------------------------------------------------------


def signed_in[U](request: HttpRequest, user_type: type[U]) -> U:
    """The signed-in user as the project's user model (``user_type``); anyone else is refused."""
    user = request.user
    if not isinstance(user, user_type):
        raise PermissionDenied
    return user


# Served inline (shown in the browser): photos only, every one re-encoded as JPEG on upload. Anything
# else (PDFs) is handed over as an attachment, so no upload ever runs as a page or in a plugin here.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "audio/ogg"})  # audio: a report's voice note
# A document that may not run a script, submit a form, open a window or load anything: even a file
# that a browser mistook for HTML would be inert and of no origin.
SANDBOX_CSP = "sandbox; default-src 'none'"


def harden_file_response[R: HttpResponseBase](response: R, *, private: bool = True) -> R:
    """The headers every served upload (or a thumbnail of one) carries; see :func:`file_response`."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def file_response(file: FieldFile, *, content_type: str, filename: str, private: bool = True) -> FileResponse:
    """A stored upload for whoever the view allowed: a photo inline, anything else as an attachment.

    Both under :data:`SANDBOX_CSP` and ``nosniff``; a ``private`` one is never cached. The
    content is decrypted by the storage (:mod:`layanan.core.filecrypt`). Http404 when the file
    is gone from storage; a file that does not decrypt raises loudly (a key problem, not a 404).
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = content_type in INLINE_TYPES
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return harden_file_response(response, private=private)


file_inline = file_response  # the former name, for callers not yet renamed


def missing_when_refused[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """A view of one object by id or number that answers "not yours" exactly as "missing": 404.

    Someone signed in who may not see the object gets the same page and status as for an id that
    does not exist, so ids cannot be probed for existence. (Anonymous visitors are sent to sign in
    by ``login_required`` before the lookup, for both alike.)
    """

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return wrapper


# --- the shell's pages ---------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def glossary(request: HttpRequest) -> HttpResponse:
    """Every abbreviation the platform's texts use, explained in plain words (layanan/core/terms.py)."""
    return render(request, "core/glossary.html", {"terms": sorted(TERMS, key=lambda term: term.word.lower())})


def photo_help(request: HttpRequest) -> HttpResponse:
    """How to photograph a document so that the office can read it (linked from every upload)."""
    return render(request, "core/photo_help.html")


@never_cache
@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest) -> HttpResponse:
    """Practice mode for workshops: one button turns it on or off, kept in the session."""
    if request.method == "POST":
        on = request.POST.get("on") == "1"
        practice_set(request, on=on)
        if on:
            messages.success(
                request, _("Mode latihan aktif. Yang Anda kirim sekarang tidak sampai ke kantor mana pun.")
            )
        else:
            messages.success(request, _("Mode latihan selesai. Yang Anda kirim sekarang sungguhan."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("core:practice")
        return redirect(target)
    return render(request, "core/practice.html", {"practice_on": practice_on(request)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Settings' CSRF_FAILURE_VIEW: a form sent too late (or without cookies), said plainly."""
    back = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "core/csrf_failure.html", {"back": back}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 500 page without touching the database, the session or the user.

    Whatever broke may be the database itself, so the template gets only the
    regency's configuration, not the request's context processors.
    """
    html = loader.render_to_string("500.html", {"regency": settings.REGENCY})
    return HttpResponseServerError(html)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Public liveness for load balancers: ``{"status": "ok"}``, or 503 when the database is gone.

    It says nothing more to anyone: the worker and queue figures are at :func:`healthz_detail`.
    The web can serve without a worker, so a stopped worker does not take it out of rotation.
    """
    if not _database_answers():
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def _may_see_health_detail(request: HttpRequest) -> bool | None:
    """True for a valid bearer token or whoever may open the admin (the admin site's own check,
    which the accounts app ties to the permission table); False for anyone else signed in; None
    for an anonymous caller without a valid token."""
    token = settings.HEALTHZ_TOKEN
    scheme, _space, offered = request.headers.get("authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    if request.user.is_authenticated:
        return bool(admin.site.has_permission(request))
    return None


@never_cache
def healthz_detail(request: HttpRequest) -> JsonResponse:
    """For monitoring only (``Authorization: Bearer <HEALTHZ_TOKEN>``, or an administrator signed in):
    the database, the workers' heartbeats and the queue depth.

    503 only when the database cannot be reached; a missing or stale worker ("none"/"stale") is
    reported for monitoring to alert on.
    """
    allowed = _may_see_health_detail(request)
    if allowed is None:
        response = JsonResponse({"status": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="healthz"'
        return response
    if not allowed:
        return JsonResponse({"status": "forbidden"}, status=403)
    unknown = {"worker": "unknown", "workers": None, "queue": None}
    if not _database_answers():
        return JsonResponse({"status": "error", "database": "error", **unknown}, status=503)
    try:
        return JsonResponse({"status": "ok", "database": "ok", **worker_health()})
    except Exception:
        return JsonResponse({"status": "ok", "database": "ok", **unknown})


# --- observability: /readyz and /metrics (docs/observability.md) -----------------------------------


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers: database, cache, storage and (when required) a live worker,
    each ``ok`` or ``error``; 200 when all pass, 503 otherwise. Says nothing else to anyone."""
    ready, checks = readiness()
    body = {"status": "ok" if ready else "error", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape: only from METRICS_ALLOWED_IPS or with ``Authorization: Bearer
    <METRICS_TOKEN>``; anyone else, signed in or not, gets the same 404 as for no page at all."""
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE_LATEST)
