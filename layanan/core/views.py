from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from layanan.core.worker import worker_health


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


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


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and monitoring: the database, the workers and the queue.

    503 only when the database cannot be reached: the web can still serve
    without a worker, so a missing or stale worker ("none"/"stale") is
    reported for monitoring to alert on but does not take the web out of
    rotation.
    """
    unknown = {"worker": "unknown", "workers": None, "queue": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"database": "error", **unknown}, status=503)
    try:
        return JsonResponse({"database": "ok", **worker_health()})
    except Exception:
        return JsonResponse({"database": "ok", **unknown})
