"""Builders for the survey tests: finished cases, invitations and responses with sensible defaults."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.applications.models import Application, Status
from layanan.calendars.selectors import WIB
from layanan.catalogue.models import Service
from layanan.survey.models import Invitation, Response
from layanan.survey.unsur import FIELDS
from layanan.testing import Cast

_numbers = itertools.count(1)


def survey_service(office: Office, *, name: str = "") -> Service:
    number = next(_numbers)
    return Service.objects.create(
        slug=f"survei-uji-{number}",
        name=name or f"Layanan Survei {number}",
        summary="Layanan untuk pengujian survei.",
        handler=Service.Handler.FIXED_OFFICE,
        office=office,
        sla_working_days=5,
        output=Service.Output.SIAK,
    )


def completed_application(
    applicant: User, *, office: Office, service: Service | None = None, decided: date | None = None
) -> Application:
    """A completed application written straight to the table (no timeline row, so no signal)."""
    number = next(_numbers)
    moment = (
        timezone.now()
        if decided is None
        else datetime(decided.year, decided.month, decided.day, 10, tzinfo=WIB)
    )
    return Application.objects.create(
        service=service or survey_service(office),
        applicant=applicant,
        office=office,
        status=Status.COMPLETED,
        tracking_number=f"P-SRVY-{number:05d}",
        submitted_at=moment,
        decided_at=moment,
    )


def invitation(
    cast: Cast,
    *,
    office: Office | None = None,
    service: Service | None = None,
    period: date | None = None,
    respondent: User | None = None,
    **extra: Any,
) -> Invitation:
    """An open invitation for a completed application of Siti's (at Disdukcapil by default)."""
    office = office or cast.world.disdukcapil
    application = completed_application(respondent or cast.siti, office=office, service=service)
    values: dict[str, Any] = {
        "subject": Invitation.Subject.APPLICATION,
        "application": application,
        "respondent": respondent or cast.siti,
        "service": application.service,
        "office": office,
        "tracking_number": application.tracking_number,
        "period": period or timezone.localdate(),
        "expires_at": timezone.now() + timedelta(days=30),
    }
    values.update(extra)
    return Invitation.objects.create(**values)


def response(
    *,
    office: Office,
    service: Service | None = None,
    period: date,
    scores: Sequence[int] = (4, 4, 4, 4, 4, 4, 4, 4, 4),
    suggestion: str = "",
    **profile: str,
) -> Response:
    return Response.objects.create(
        subject=Invitation.Subject.APPLICATION,
        office=office,
        service=service,
        period=period,
        suggestion=suggestion,
        has_suggestion=bool(suggestion),
        **dict(zip(FIELDS, scores, strict=True)),
        **profile,
    )


# The GASPUL example (rennn9/GASPUL_BACKEND, rumus_perhitungan_ikm_lengkap.md, Triwulan III):
# 29 respondents, per-unsur totals in the OFFICIAL order (8 = pengaduan 115, 9 = sarana 105).
GASPUL_COUNTS: tuple[dict[int, int], ...] = (
    {4: 18, 3: 11},  # U1 persyaratan 105
    {4: 14, 3: 15},  # U2 prosedur 101
    {4: 15, 3: 12, 2: 2},  # U3 waktu 100
    {4: 29},  # U4 biaya 116
    {4: 15, 3: 14},  # U5 produk 102
    {4: 18, 3: 11},  # U6 kompetensi 105
    {4: 19, 3: 10},  # U7 perilaku 106
    {4: 28, 3: 1},  # U8 pengaduan 115
    {4: 18, 3: 11},  # U9 sarana 105
)


def gaspul_rows() -> list[tuple[int, ...]]:
    """29 questionnaires whose per-unsur totals are GASPUL's (each column sorted best first)."""
    columns = [
        [score for score, count in sorted(c.items(), reverse=True) for _ in range(count)]
        for c in GASPUL_COUNTS
    ]
    return [tuple(column[i] for column in columns) for i in range(29)]


def matrix_token(cast: Cast, *, answered: bool = False) -> dict[str, str]:
    """URL kwargs for tests/url_matrix.py: an open (or answered) invitation of Siti's."""
    return {"token": invitation(cast, answered_at=timezone.now() if answered else None).token}
