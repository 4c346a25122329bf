"""Public pages of the open data: the catalogue, each data set, its downloads, the DCAT catalogue.

No sign-in. Everything is read from the published copies (``Snapshot``), so a page or a download
costs a query or two. The two HTML pages are kept by the page cache for anonymous readers
(``core/pagecache.py``, topic ``opendata``); the downloads and the DCAT catalogue are public,
cacheable by any cache for an hour, and answer conditional requests (ETag, Last-Modified).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_http_methods

from layanan.opendata import formats, selectors, suppression
from layanan.opendata.registry import SUPPRESSED_COLUMN

PUBLIC_SECONDS = 3600


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PUBLIC_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site or notebook may fetch it
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD"])
def data_list(request: HttpRequest) -> HttpResponse:
    context = {"entries": selectors.catalogue(), "producer": formats.producer()}
    return render(request, "opendata/list.html", context)


@require_http_methods(["GET", "HEAD"])
def data_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.entry(slug=slug)
    if entry is None:
        raise Http404
    dataset, copy = entry.dataset, entry.snapshot
    preview = [
        [
            *(formats.cell_text(column, row.get(column.name)) for column in dataset.columns),
            row.get(SUPPRESSED_COLUMN, ""),
        ]
        for row in (copy.preview if copy else [])
    ]
    context: dict[str, Any] = {
        "dataset": dataset,
        "snapshot": copy,
        "preview": preview,
        "licence": formats.licence(),
        "producer": formats.producer(),
        "area": formats.regency(),
        "min_count": copy.min_count if copy else suppression.min_count(),
        "frequency": FREQUENCY_LABELS.get(dataset.frequency, dataset.frequency),
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "opendata/detail.html", context)


def _stamp(request: HttpRequest, slug: str) -> tuple[str, datetime] | None:
    """(digest, updated_at) of the copy, read once per request for both validators."""
    if not hasattr(request, "_opendata_stamp"):
        request._opendata_stamp = selectors.download_stamp(slug=slug)  # type: ignore[attr-defined]
    stamp: tuple[str, datetime] | None = request._opendata_stamp  # type: ignore[attr-defined]
    return stamp


def _etag(request: HttpRequest, slug: str, fmt: str) -> str | None:
    stamp = _stamp(request, slug)
    return f"{stamp[0][:32]}-{fmt}" if stamp else None


def _modified(request: HttpRequest, slug: str, fmt: str) -> datetime | None:
    stamp = _stamp(request, slug)
    return stamp[1] if stamp else None


@require_http_methods(["GET", "HEAD"])
@condition(etag_func=_etag, last_modified_func=_modified)
def data_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    found = selectors.download(slug=slug, fmt=fmt)
    if found is None:
        raise Http404
    response = HttpResponse(found.text.encode(), content_type=f"{found.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'{"attachment" if fmt == "csv" else "inline"}; filename="{slug}.{fmt}"'
    return _public(response)


@require_http_methods(["GET", "HEAD"])
def data_catalog(request: HttpRequest) -> HttpResponse:
    document = selectors.dcat_catalog(absolute=request.build_absolute_uri)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1).encode(),
        content_type="application/ld+json; charset=utf-8",
    )
    return _public(response)


FREQUENCY_LABELS = {
    "monthly": gettext_lazy("Bulanan"),
    "quarterly": gettext_lazy("Triwulanan"),
    "annual": gettext_lazy("Tahunan"),
}
