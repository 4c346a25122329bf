"""Reads of the survey: the IKM by service or office and by period, and the published SKM report.

Every selector taking an ``actor`` scopes by ``layanan.accounts.permissions``:
``ikm_by`` and ``ikm_periods`` require ``dashboard.read`` (for the monitoring
dashboards), ``skm_report`` requires ``survey.report.read`` on the office, and
the free-text suggestions only come with ``survey.suggestions.read`` (staff of
that office). ``ikm_by_public`` is the unscoped variant for the public
transparency page: figures only, never a suggestion.

The population of a group (for the sample-size warning) is the number of
cases it finished in the period, counted as the invitations made (one per
completed application and per answered report), so it is read from the small
survey tables, never by scanning applications.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext

from layanan.accounts.permissions import Actor, can, require, scope
from layanan.agencies.models import Office
from layanan.applications.models import Application
from layanan.catalogue.models import Service
from layanan.survey.ikm import IkmResult, compute
from layanan.survey.models import PROFILE_FIELDS, Invitation, Response
from layanan.survey.sample import required_sample
from layanan.survey.unsur import FIELDS

Group = Literal["service", "office"]
Period = Literal["month", "quarter", "year"]

_GROUP_FIELD: dict[str, str] = {"service": "service_id", "office": "office_id"}
_SUMS = {f"t_{name}": Sum(name) for name in FIELDS}


def _result(row: Mapping[str, Any], population: int | None) -> IkmResult:
    return compute(
        totals=[int(row[f"t_{name}"] or 0) for name in FIELDS],
        respondents=int(row["n"]),
        population=population,
        required_sample=required_sample(population),
    )


def _ikm_grouped(
    responses: QuerySet[Response],
    invitations: QuerySet[Invitation],
    *,
    start: date,
    end: date,
    group: Group,
    office_ids: Iterable[int] | None,
) -> dict[int, IkmResult]:
    key = _GROUP_FIELD[group]
    responses = responses.filter(period__range=(start, end), **{f"{key}__isnull": False})
    invitations = invitations.filter(period__range=(start, end), **{f"{key}__isnull": False})
    if office_ids is not None:
        ids = list(office_ids)
        responses = responses.filter(office_id__in=ids)
        invitations = invitations.filter(office_id__in=ids)
    populations = dict(invitations.values(key).annotate(n=Count("id")).order_by().values_list(key, "n"))
    rows = responses.values(key).annotate(n=Count("id"), **_SUMS).order_by()
    return {row[key]: _result(row, populations.get(row[key], 0)) for row in rows}


def ikm_by(
    *, actor: Actor, start: date, end: date, group: Group, office_ids: Iterable[int] | None = None
) -> dict[int, IkmResult]:
    """IKM per service or per office (id → result) of the responses in ``[start, end]`` the actor may read.

    Groups without any response are absent. Requires ``dashboard.read``.
    """
    require(actor, "dashboard.read")
    return _ikm_grouped(
        scope(actor, Response.objects.all(), via="office"),
        scope(actor, Invitation.objects.all(), via="office"),
        start=start,
        end=end,
        group=group,
        office_ids=office_ids,
    )


def ikm_by_public(
    *, start: date, end: date, group: Group, office_ids: Iterable[int] | None = None
) -> dict[int, IkmResult]:
    """The same figures for the public transparency page (no actor: figures only, no text)."""
    return _ikm_grouped(
        Response.objects.all(),
        Invitation.objects.all(),
        start=start,
        end=end,
        group=group,
        office_ids=office_ids,
    )


_TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def ikm_periods(
    *,
    actor: Actor,
    start: date,
    end: date,
    period: Period = "month",
    office_id: int | None = None,
    service_id: int | None = None,
) -> list[tuple[date, IkmResult]]:
    """IKM per month, quarter or year (first day of the period → result), oldest first."""
    require(actor, "dashboard.read")
    trunc = _TRUNC[period]
    narrow = Q(period__range=(start, end))
    if office_id is not None:
        narrow &= Q(office_id=office_id)
    if service_id is not None:
        narrow &= Q(service_id=service_id)
    responses = scope(actor, Response.objects.filter(narrow), via="office")
    invitations = scope(actor, Invitation.objects.filter(narrow), via="office")
    populations = dict(
        invitations.annotate(bucket=trunc("period"))
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("bucket", "n")
    )
    rows = responses.annotate(bucket=trunc("period")).values("bucket").annotate(n=Count("id"), **_SUMS)
    return [
        (row["bucket"], _result(row, populations.get(row["bucket"], 0))) for row in rows.order_by("bucket")
    ]


# --- the published SKM report of one office ---------------------------------------------------------


@dataclass(frozen=True)
class ProfileCount:
    label: str
    count: int


@dataclass(frozen=True)
class SkmReport:
    office: Office
    start: date
    end: date
    result: IkmResult
    by_service: list[tuple[Service, IkmResult]]
    profile: dict[str, list[ProfileCount]]  # field → counts per choice, then "Tidak diisi"
    suggestions_count: int
    suggestions: list[str] | None = field(default=None)  # only for staff of the office


def offices_for_report(*, actor: Actor) -> QuerySet[Office]:
    """The offices whose SKM report the actor may open."""
    if not can(actor, "survey.report.read"):
        return Office.objects.none()
    return scope(actor, Office.objects.filter(is_active=True), via="").order_by("kind", "name")


def ikm_by_office_for_report(*, actor: Actor, start: date, end: date) -> dict[int, IkmResult]:
    """IKM of every office within the actor's reach (for choosing a report); ``survey.report.read``."""
    require(actor, "survey.report.read")
    return _ikm_grouped(
        scope(actor, Response.objects.all(), via="office"),
        scope(actor, Invitation.objects.all(), via="office"),
        start=start,
        end=end,
        group="office",
        office_ids=None,
    )


SUGGESTIONS_SHOWN = 200


def skm_report(*, actor: Actor, office: Office, start: date, end: date) -> SkmReport:
    """The tables the regulation asks for, for one office and period."""
    require(actor, "survey.report.read", office)
    responses = Response.objects.filter(office=office, period__range=(start, end))
    invitations = Invitation.objects.filter(office=office, period__range=(start, end))
    totals = responses.aggregate(n=Count("id"), **_SUMS)
    result = _result(totals, invitations.count())
    services = {s.pk: s for s in Service.objects.filter(pk__in=responses.values("service_id"))}
    per_service = _ikm_grouped(
        responses, invitations, start=start, end=end, group="service", office_ids=[office.pk]
    )
    by_service = sorted(
        ((services[pk], value) for pk, value in per_service.items() if pk in services),
        key=lambda pair: pair[0].name,
    )
    profile: dict[str, list[ProfileCount]] = {}
    for name, choices in PROFILE_FIELDS.items():
        counts = dict(responses.values_list(name).annotate(n=Count("id")).order_by().values_list(name, "n"))
        rows = [ProfileCount(str(label), counts.get(value, 0)) for value, label in choices.choices]
        rows.append(ProfileCount(gettext("Tidak diisi"), counts.get("", 0)))
        profile[name] = rows
    with_text = responses.filter(has_suggestion=True)
    suggestions = None
    if can(actor, "survey.suggestions.read", office):
        suggestions = [
            text
            for text in with_text.order_by("-period", "-id").values_list("suggestion", flat=True)[
                :SUGGESTIONS_SHOWN
            ]
        ]
    return SkmReport(
        office=office,
        start=start,
        end=end,
        result=result,
        by_service=by_service,
        profile=profile,
        suggestions_count=with_text.count(),
        suggestions=suggestions,
    )


def open_invitation_for(*, actor: Actor, subject: object) -> Invitation | None:
    """The unanswered, unexpired invitation of ``subject`` (an application or report) for its respondent."""
    pk = getattr(actor, "pk", None)
    subject_pk = getattr(subject, "pk", None)
    if pk is None or subject_pk is None:
        return None
    lookup = {"application_id": subject_pk} if isinstance(subject, Application) else {"report_id": subject_pk}
    return (
        Invitation.objects.filter(
            respondent_id=pk, answered_at__isnull=True, expires_at__gt=timezone.now(), **lookup
        )
        .only("token", "expires_at")
        .first()
    )
