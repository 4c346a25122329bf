"""The installable web app: the service worker, the manifest, the offline page and the outbox page.

docs/offline.md tells what the phone keeps and how the outbox sends; the service worker itself is
the template ``offline/sw.js``, rendered with the static files' (hashed) addresses so that a new
deploy is a new worker.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

VERSION_MARK = "__version__"


def shell_urls() -> list[str]:
    """What the service worker keeps at install: the pages and files every visit needs offline."""
    return [
        reverse("offline:page"),
        reverse("offline:outbox"),
        reverse("core:home"),
        static("core/site.css"),
        static(settings.REGENCY["logo"]),
        static("offline/register.js"),
        static("offline/outbox.js"),
    ]


@lru_cache(maxsize=1)
def _service_worker_source() -> str:
    context = {
        "version": VERSION_MARK,
        "shell": json.dumps(shell_urls()),
        "offline_url": json.dumps(reverse("offline:page")),
        "account_pages": json.dumps([reverse("complaints:new")]),
        "static_prefix": json.dumps(settings.STATIC_URL),
    }
    source = loader.render_to_string("offline/sw.js", context)
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    return source.replace(VERSION_MARK, version)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: served from the root so that its scope is the whole site.

    ``Cache-Control: no-cache`` makes the browser ask for it on every update check (a changed byte is
    a new worker: the version is a hash of the source, which names the hashed static files).
    """
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: name, colours and icons of the installed app."""
    regency = settings.REGENCY
    body = {
        "name": regency["platform_name"],
        "short_name": regency["short_name"],
        "description": _("Layanan publik daring %(name)s: permohonan dokumen, pengaduan, dan pelacakan.")
        % {"name": regency["name"]},
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0b5d3b",
        "background_color": "#ffffff",
        "icons": [
            {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("offline/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    """The honest page for a page that is not on the phone (the service worker keeps a copy)."""
    return render(request, "offline/offline.html")


@require_safe
def outbox(request: HttpRequest) -> HttpResponse:
    """The outbox: a shell the script fills from the phone's storage; without JavaScript it says so."""
    return render(request, "offline/outbox.html")
