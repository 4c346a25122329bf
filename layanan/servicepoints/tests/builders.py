"""Rows the service points' tests (and tests/url_matrix.py) start from."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from layanan.servicepoints import services
from layanan.servicepoints.models import Announcement, ServicePoint


def point(office: Any, **fields: Any) -> ServicePoint:
    """The point of ``office`` (made once)."""
    found = ServicePoint.objects.filter(office=office).first()
    if found is not None:
        return found
    defaults: dict[str, Any] = {
        "kind": ServicePoint.Kind.VILLAGE_OFFICE
        if office.kind == "desa"
        else ServicePoint.Kind.DISTRICT_OFFICE,
        "name": office.name,
        "region": office.region,
        "address": "Jl. Contoh No. 1",
        "hours": "Senin-Kamis 08.00-15.30 WIB\nJumat 08.00-11.00 WIB",
        "services_text": "Surat keterangan domisili\nBantuan mengajukan permohonan daring",
        "phone": "0724 21000",
    }
    defaults.update(fields)
    return ServicePoint.objects.create(office=office, **defaults)


def announcement(
    office: Any,
    actor: Any,
    *,
    publish: bool = True,
    title: str = "Layanan KTP-el tutup sementara",
    **fields: Any,
) -> Announcement:
    values: dict[str, Any] = {
        "kind": Announcement.Kind.OUTAGE,
        "title": title,
        "body": "Perekaman KTP-el berhenti sementara karena perbaikan jaringan.",
        "starts_at": timezone.now() - timedelta(hours=1),
        "ends_at": None,
    }
    values.update(fields)
    return services.announcement_create(
        office=office, actor=actor, submit_key=uuid.uuid4(), fields=values, publish=publish
    )


def matrix_point(cast: Any) -> dict[str, Any]:
    """The point of the desa office of Tanjung Raja (Rini's office)."""
    return {"pk": point(cast.world.desa_tanjung_raja).pk}


def matrix_announcement(cast: Any) -> dict[str, Any]:
    """A published announcement of Disdukcapil, written by Budi."""
    found = Announcement.objects.filter(office=cast.world.disdukcapil, published=True).first()
    return {"pk": (found or announcement(cast.world.disdukcapil, cast.budi)).pk}
