"""Builders for tests that need catalogue services.

``seeded_service(slug)`` puts one service of the real seed file
(``data/catalogue.json``) into the database, as ``seed_catalogue`` would, and
returns it; Dukcapil services need the ``disdukcapil`` office, which
``layanan.testing.build_world()`` makes. ``service_build()`` makes a small
service of your own, for tests that need specific values.
"""

from __future__ import annotations

from typing import Any

from layanan.agencies.models import Office
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.seed import catalogue_file_default, catalogue_file_read
from layanan.catalogue.services import catalogue_seed
from layanan.catalogue.standards import NAMES

DUKCAPIL_SAMPLE = "akta-kelahiran"
VILLAGE_SAMPLE = "surat-keterangan-domisili"


def seeded_service(slug: str = DUKCAPIL_SAMPLE) -> Service:
    """The service ``slug`` of the seed file, created if missing."""
    existing = Service.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    entries = [entry for entry in catalogue_file_read(catalogue_file_default()) if entry.slug == slug]
    if not entries:
        raise LookupError(f"no service {slug!r} in the seed file")
    catalogue_seed(entries=entries)
    return Service.objects.get(slug=slug)


def service_build(
    *, slug: str = "layanan-uji", office: Office | None = None, with_form: bool = True, **values: Any
) -> Service:
    """A service with every standar pelayanan text filled, two form fields and two requirements."""
    defaults: dict[str, Any] = {
        "name": "Layanan uji",
        "summary": "Layanan untuk pengujian.",
        "category": "Uji",
        "handler": Service.Handler.FIXED_OFFICE if office else Service.Handler.APPLICANT_VILLAGE,
        "sla_working_days": 3,
        "output": Service.Output.LETTER,
    }
    for name in NAMES:
        defaults[name] = f"Teks {name.replace('_', ' ')}."
    service = Service.objects.create(slug=slug, office=office, **{**defaults, **values})
    if with_form:
        FormField.objects.create(
            service=service,
            step=1,
            step_title="Tempat",
            name="tempat",
            label="Di mana?",
            kind=FormField.Kind.CHOICE,
            choices="Di rumah\nLainnya",
        )
        FormField.objects.create(
            service=service, step=1, order=1, name="catatan", label="Catatan", shown_when="tempat=Lainnya"
        )
        Requirement.objects.create(service=service, code="ktp", name="KTP-el", order=1)
        Requirement.objects.create(
            service=service,
            code="catatan",
            name="Catatan",
            kind=Requirement.Kind.FIELD,
            field_name="catatan",
            order=2,
        )
    return service
