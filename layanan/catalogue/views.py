"""Public catalogue pages: the list with search, and one service's standar pelayanan. No sign-in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from layanan.catalogue import selectors
from layanan.catalogue.form_pages import service_form_pages
from layanan.catalogue.models import Service
from layanan.catalogue.standards import COMPONENTS, Group

QUERY_MAX = 100


def _components(service: Service, group: Group) -> list[dict[str, object]]:
    return [
        {
            "number": component.number,
            "key": component.name,
            "label": component.label,
            "text": getattr(service.t, component.name),
        }
        for component in COMPONENTS
        if component.group is group
    ]


def service_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    services = selectors.service_list(query=query)
    context = {
        "query": query,
        "groups": selectors.service_groups(services),
        "count": len(services),
        # The complaint form takes no text from the address, so the offer is a plain link to it.
        "complaint_like": bool(query) and selectors.looks_like_complaint(query),
    }
    return render(request, "catalogue/list.html", context)


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_get(slug)
    if service is None:
        raise Http404
    return render(
        request,
        "catalogue/detail.html",
        {
            "service": service,
            "requirements": list(service.requirements.all()),
            "steps": service_form_pages(service).titles(),  # counted as the form counts its pages
            "delivery": _components(service, Group.DELIVERY),
            "management": _components(service, Group.MANAGEMENT),
        },
    )
