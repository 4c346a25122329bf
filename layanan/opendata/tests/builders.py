"""Builders for the open data tests: summary rows and survey answers with groups of chosen sizes."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from layanan.agencies.models import Office
from layanan.aspirations.models import Status, Support, Topic, Usulan
from layanan.catalogue.models import Service
from layanan.complaints.models import Category
from layanan.monitoring.models import (
    ApplicationDaily,
    ApplicationLeadTimeRollup,
    ApplicationRollup,
    Dims,
    Grain,
    ReportDaily,
    ReportLeadTimeRollup,
    ReportRollup,
)
from layanan.opendata import services
from layanan.opendata.datasets import APPLICATIONS
from layanan.regions.models import Region
from layanan.survey.models import Invitation, Response
from layanan.testing import make_user

_numbers = itertools.count(1)


def service(office: Office) -> Service:
    number = next(_numbers)
    return Service.objects.create(
        slug=f"data-uji-{number}",
        name=f"Layanan Data {number}",
        summary="Layanan untuk pengujian data terbuka.",
        handler=Service.Handler.FIXED_OFFICE,
        office=office,
        sla_working_days=5,
        output=Service.Output.SIAK,
    )


def category(office: Office) -> Category:
    number = next(_numbers)
    return Category.objects.create(
        slug=f"kat-data-{number}", name=f"Kategori Data {number}", default_office=office
    )


def application_month(
    *,
    month: date,
    service: Service,
    office: Office | None,
    kecamatan: str,
    received: int = 0,
    completed: int = 0,
    on_time: int = 0,
    rejected: int = 0,
    withdrawn: int = 0,
    lead_days: int = 3,
    desa: str = "2001",
) -> None:
    """One month of one group, as the monitoring rollups hold it (and a daily row: the first day)."""
    where: dict[str, Any] = {
        "service": service,
        "office": office,
        "kecamatan_code": kecamatan,
        "desa_code": f"{kecamatan}.{desa}" if kecamatan else "",
    }
    counts = {
        "received": received,
        "completed": completed,
        "completed_on_time": on_time,
        "rejected": rejected,
        "withdrawn": withdrawn,
    }
    ApplicationDaily.objects.create(day=month, **where, **counts)
    ApplicationRollup.objects.create(day=month, grain=Grain.MONTH, dims=Dims.ALL, **where, **counts)
    if completed:
        ApplicationLeadTimeRollup.objects.create(
            day=month, grain=Grain.MONTH, dims=Dims.ALL, days=lead_days, count=completed, **where
        )


def report_month(
    *,
    month: date,
    category: Category,
    kecamatan: str,
    received: int = 0,
    verified: int = 0,
    answered: int = 0,
    on_time: int = 0,
    answer_days: int = 4,
) -> None:
    where: dict[str, Any] = {
        "category": category,
        "office": None,
        "kecamatan_code": kecamatan,
        "desa_code": "",
    }
    counts = {"received": received, "verified": verified, "answered": answered, "answered_on_time": on_time}
    ReportDaily.objects.create(day=month, **where, **counts)
    ReportRollup.objects.create(day=month, grain=Grain.MONTH, dims=Dims.ALL, **where, **counts)
    for metric, n, days in (("verify", verified, 1), ("answer", answered, answer_days)):
        if n:
            ReportLeadTimeRollup.objects.create(
                day=month, grain=Grain.MONTH, dims=Dims.ALL, metric=metric, days=days, count=n, **where
            )


def survey_answers(*, office: Office, period: date, count: int, score: int = 3) -> None:
    """``count`` SKM answers for ``office`` on ``period``, every unsur scored ``score``."""
    scores = {f"u{n}": score for n in range(1, 10)}
    for _ in range(count):
        Response.objects.create(
            subject=Invitation.Subject.APPLICATION, office=office, period=period, **scores
        )


def usulan_groups(*, year: int, desas: tuple[str, ...]) -> None:
    """Usulan of ``year`` in each desa and three topics: 1 to 6 proposed, some accepted and built,
    each supported by 0 to 6 residents (rows written directly: the figures, not the steps, matter)."""
    residents = [
        make_user(phone=f"08129900{index:04d}", full_name=f"Pendukung {index}") for index in range(6)
    ]
    sizes = itertools.cycle(range(1, 7))
    for code in desas:
        desa = Region.objects.get(code=code)
        for topic in (Topic.ROADS, Topic.WATER, Topic.HEALTH):
            size = next(sizes)
            for index in range(size + (6 if topic == Topic.ROADS else 0)):
                status = (
                    Status.BUILT
                    if index < size // 2
                    else Status.ACCEPTED
                    if index < size
                    else Status.SUBMITTED
                )
                made = Usulan.objects.create(
                    region=desa,
                    topic=topic,
                    title=f"Usulan {index}",
                    description="Uraian",
                    year=year,
                    status=status,
                )
                Support.objects.bulk_create(
                    Support(usulan=made, user=user) for user in residents[: index % 7]
                )


def matrix_published(cast: Any) -> dict[str, Any]:
    """The applications data set, published with two rows of March 2026 (one of them suppressed)."""
    if not ApplicationRollup.objects.filter(day=date(2026, 3, 1)).exists():
        office = cast.world.disdukcapil
        found = service(office)
        application_month(
            month=date(2026, 3, 1),
            service=found,
            office=office,
            kecamatan="18.03.02",
            received=12,
            completed=9,
        )
        application_month(
            month=date(2026, 3, 1), service=found, office=office, kecamatan="18.03.04", received=2, on_time=0
        )
    services.snapshot_refresh(dataset=APPLICATIONS)
    return {"slug": APPLICATIONS.slug}


def matrix_download(cast: Any) -> dict[str, Any]:
    return {**matrix_published(cast), "fmt": "csv"}
