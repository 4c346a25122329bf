"""Public catalogue pages: the list with search, and one service's standar pelayanan. No sign-in."""

from __future__ import annotations

from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst

from layanan.catalogue import selectors
from layanan.catalogue.models import Service

QUERY_MAX = 100

# The 14 components of standar pelayanan (UU 25/2009 Pasal 21), in the two groups of
# PermenPANRB 15/2014. Labels come from the model's verbose names.
DELIVERY = ("persyaratan", "prosedur", "jangka_waktu", "biaya", "produk", "pengaduan")
MANAGEMENT = (
    "dasar_hukum",
    "sarana",
    "kompetensi",
    "pengawasan",
    "jumlah_pelaksana",
    "jaminan_pelayanan",
    "jaminan_keamanan",
    "evaluasi",
)


def component_label(name: str) -> str:
    """The name of a standar pelayanan component, as the model spells it, capitalised."""
    field = Service._meta.get_field(name)
    assert isinstance(field, Field)
    return capfirst(str(field.verbose_name))


def _components(service: Service, names: tuple[str, ...], start: int) -> list[dict[str, object]]:
    return [
        {
            "number": number,
            "key": name,
            "label": component_label(name),
            "text": getattr(service, name),
        }
        for number, name in enumerate(names, start=start)
    ]


def service_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    services = selectors.service_list(query=query)
    return render(
        request,
        "catalogue/list.html",
        {"query": query, "groups": selectors.service_groups(services), "count": len(services)},
    )


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_get(slug)
    if service is None:
        raise Http404
    steps: dict[int, str] = {}
    for field in service.fields.all():
        steps.setdefault(field.step, field.step_title)
    return render(
        request,
        "catalogue/detail.html",
        {
            "service": service,
            "requirements": list(service.requirements.all()),
            "steps": [title for _, title in sorted(steps.items()) if title],
            "delivery": _components(service, DELIVERY, 1),
            "management": _components(service, MANAGEMENT, len(DELIVERY) + 1),
        },
    )
