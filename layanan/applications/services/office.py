"""Which office handles an application (set at start when known, settled at submit).

The service's office when the handler is a fixed office; for a desa or kecamatan
handler the office serving the applicant's desa
(``agencies.selectors.office_for_region``; a desa without its own office is
served by its kecamatan). The desa is the answer to the form's field named
``desa`` of kind *village* (a region code) when the service has one and it is
answered, else the applicant's ``home_region``. When neither is known,
:class:`~layanan.applications.services.Incomplete` asks the citizen to set the
desa in their profile.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.agencies.selectors import office_for_region
from layanan.applications.services.common import DESA_FIELD
from layanan.catalogue.models import FormField, Service
from layanan.regions.models import Region


def _village_answer(service: Service, answers: dict[str, Any]) -> Region | None:
    code = answers.get(DESA_FIELD)
    if not code or not isinstance(code, str) or not has_desa_field(service):
        return None
    return Region.objects.filter(code=code, level=Region.Level.VILLAGE).select_related("parent").first()


def has_desa_field(service: Service) -> bool:
    return service.fields.filter(name=DESA_FIELD, kind=FormField.Kind.VILLAGE).exists()


def handling_office(service: Service, applicant: User, answers: dict[str, Any]) -> Office | None:
    """The office that handles this application (see the module docstring), or None if unknown yet."""
    if service.handler == Service.Handler.FIXED_OFFICE:
        return service.office
    region = _village_answer(service, answers) or applicant.home_region
    if region is None:
        return None
    if service.handler == Service.Handler.APPLICANT_DISTRICT and region.level == Region.Level.VILLAGE:
        region = region.parent if region.parent is not None else region
    return office_for_region(region)


def no_office_message(applicant: User) -> str:
    if applicant.home_region_id is None:
        return _(
            "Isi dulu desa/kelurahan tempat tinggal Anda di profil, supaya permohonan dikirim ke kantor "
            "desa atau kecamatan yang tepat."
        )
    return _("Belum ada kantor di platform ini yang melayani desa/kelurahan Anda untuk layanan ini.")
