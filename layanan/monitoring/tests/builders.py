"""Builders for the monitoring tests: raw applications and reports written as the services leave them.

Rows are written straight to the tables with the instants a test needs (the services stamp
``timezone.now()``), with the timeline events the services would have written.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.applications.tests.builders import service, wib  # noqa: F401  # re-exported
from layanan.catalogue.models import Service
from layanan.complaints.models import Category, Disposition, Kind, Report, ReportEvent
from layanan.complaints.models import Status as ReportStatus
from layanan.regions.models import Region

_numbers = itertools.count(1)


def application(
    *,
    of: Service,
    applicant: User,
    office: Office | None,
    submitted_at: datetime,
    due_at: datetime | None = None,
    status: str = Status.SUBMITTED,
    decided_at: datetime | None = None,
    assigned_to: User | None = None,
    paused: bool = False,
) -> Application:
    number = next(_numbers)
    built = Application.objects.create(
        service=of,
        applicant=applicant,
        office=office,
        status=status,
        tracking_number=f"MON-{number:06d}",
        submitted_at=submitted_at,
        due_at=due_at,
        decided_at=decided_at,
        assigned_to=assigned_to,
        paused_at=submitted_at if paused else None,
    )
    event(built, "submit", submitted_at, to_status=Status.SUBMITTED)
    if decided_at is not None:
        event(built, status, decided_at, to_status=status)
    return built


def event(built: Application, action: str, at: datetime, *, to_status: str = "") -> TimelineEvent:
    made = TimelineEvent.objects.create(application=built, action=action, to_status=to_status)
    TimelineEvent.objects.filter(pk=made.pk).update(occurred_at=at)
    return made


def category(office: Office, name: str = "") -> Category:
    number = next(_numbers)
    return Category.objects.create(
        slug=f"kat-mon-{number}", name=name or f"Kategori {number}", default_office=office
    )


def report(
    *,
    category: Category,
    region: Region,
    received_at: datetime,
    office: Office | None = None,
    creator: User | None = None,
    verified_at: datetime | None = None,
    answered_at: datetime | None = None,
    followup_due_at: datetime | None = None,
    status: str = ReportStatus.RECEIVED,
    **extra: Any,
) -> Report:
    number = next(_numbers)
    built = Report.objects.create(
        tracking_number=f"LAP-MON-{number:06d}",
        kind=Kind.COMPLAINT,
        category=category,
        text="Isi laporan uji.",
        region=region,
        status=status,
        answered_at=answered_at,
        followup_due_at=followup_due_at,
        **extra,
    )
    Report.objects.filter(pk=built.pk).update(received_at=received_at)
    built.received_at = received_at
    if verified_at is not None:
        report_event(built, "verify", verified_at)
    if office is not None and creator is not None:
        Disposition.objects.create(report=built, office=office, due_at=received_at, created_by=creator)
    if answered_at is not None:
        report_event(built, "answer", answered_at)
    return built


def report_event(built: Report, action: str, at: datetime) -> ReportEvent:
    made = ReportEvent.objects.create(report=built, action=action)
    ReportEvent.objects.filter(pk=made.pk).update(occurred_at=at)
    return made
