"""Reading reports, always on behalf of an actor, never exposing who reported.

Every selector returns reports with the reporter *masked* (``reporter_id`` set
to None on the instance) unless the actor is the reporter themself: agencies,
leaders, auditors and even the coordinating administrator never get the
reporter through a selector. The coordinator sees it only through
``services.reporter_identity_view`` (audited). ``public_reports`` does not
even read the column. The rule itself is ``disclosure.may_see_reporter``.

Lists carry ``breached`` (annotated): the verify deadline passed while the
report waits for verification, or the follow-up deadline passed while offices
handle it (see :func:`breach_q`).
"""

from __future__ import annotations

import hmac
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can, jurisdiction, require
from layanan.agencies.models import Office
from layanan.complaints.disclosure import may_see_reporter
from layanan.complaints.models import (
    Category,
    Kind,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportVoice,
    Status,
    Support,
)
from layanan.complaints.routing import tokenize
from layanan.complaints.workflow import OPEN_STATUSES
from layanan.core.queues import Queue, queue_bucket_check, queue_counts
from layanan.regions.models import Region
from layanan.tracking.codes import tracking_number_normalize

__all__ = [
    "PUBLIC_STATUSES",
    "QUEUE_BUCKETS",
    "Queue",
    "ReportStatus",
    "agency_queue",
    "breach_q",
    "is_breached",
    "public_reports",
    "report_get",
    "report_status_lookup",
    "report_timeline",
    "reports_of_reporter",
    "reports_supported_by",
    "similar_open_reports",
    "verification_queue",
]

QUEUE_BUCKETS = ("new", "in_progress", "answered", "overdue", "closed")
QUEUE_LIMIT = 200
PUBLIC_STATUSES = (Status.VERIFIED, Status.DISPOSED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED)
SIMILAR_DAYS = 30
SIMILAR_KM = 2.0
SIMILAR_MIN_SCORE = 0.2
_SIMILAR_CANDIDATES = 300


def breach_q(now: datetime) -> Q:
    """Reports past a deadline: verify (received/verified) or follow-up (disposed/in progress)."""
    return Q(status__in=[Status.RECEIVED, Status.VERIFIED], verify_due_at__lt=now) | Q(
        status__in=[Status.DISPOSED, Status.IN_PROGRESS], followup_due_at__lt=now
    )


def _with_breached(rows: QuerySet[Report], now: datetime | None = None) -> QuerySet[Report]:
    return rows.annotate(
        breached=Case(
            When(breach_q(now or timezone.now()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def is_breached(report: Report, now: datetime | None = None) -> bool:
    """The same rule as :func:`breach_q`, for one report in hand."""
    now = now or timezone.now()
    if report.status in (Status.RECEIVED, Status.VERIFIED):
        return report.verify_due_at is not None and report.verify_due_at < now
    if report.status in (Status.DISPOSED, Status.IN_PROGRESS):
        return report.followup_due_at is not None and report.followup_due_at < now
    return False


def _masked[R: Iterable[Report]](reports: R, actor: User | AnonymousUser | None = None) -> R:
    """Hide the reporter on every report the actor may not see it on (all but their own)."""
    for report in reports:
        if report.reporter_id is not None and not may_see_reporter(actor, report):
            report.reporter_id = None
            report._state.fields_cache.pop("reporter", None)
    return reports


def report_get(*, actor: User | AnonymousUser, public_id: uuid.UUID) -> Report:
    """The report if ``actor`` may read it (reporter masked unless it is theirs).

    Raises Http404 when absent, PermissionDenied when not allowed.
    """
    report = get_object_or_404(
        _with_breached(Report.objects.select_related("category", "region", "region__parent")),
        public_id=public_id,
    )
    require(actor, "report.read", report)
    _masked([report], actor)
    return report


def report_voice(report: Report) -> ReportVoice | None:
    """The report's voice note, if it has one; whoever asks must already be allowed to hear it."""
    return ReportVoice.objects.filter(report_id=report.pk).first()


def reports_of_reporter(*, actor: User) -> QuerySet[Report]:
    """The actor's own reports, newest first."""
    if not isinstance(actor, User) or not actor.is_active or actor.pk is None:
        return Report.objects.none()
    return _with_breached(
        Report.objects.filter(reporter=actor)
        .select_related("category", "region")
        .order_by("-received_at", "-pk")
    )


def reports_supported_by(*, actor: User) -> list[Report]:
    """The reports the actor supports ("saya juga mengalami ini"), reporters masked."""
    if not isinstance(actor, User) or not actor.is_active or actor.pk is None:
        return []
    rows = Report.objects.filter(supports__user=actor).select_related("category", "region")
    return _masked(list(rows.order_by("-received_at", "-pk")), actor)


def _bucket_filter(bucket: str, now: datetime) -> Q:
    if bucket == "overdue":
        return breach_q(now)
    return Q(
        status__in={
            "new": [Status.DISPOSED],
            "in_progress": [Status.IN_PROGRESS],
            "answered": [Status.ANSWERED],
            "closed": [Status.CLOSED],
        }[bucket]
    )


def _may_read_queue(actor: User, office: Office) -> bool:
    return (
        can(actor, "report.handle", office)
        or can(actor, "dashboard.read", office)
        or can(actor, "report.verify")
        or can(actor, "audit.read")
    )


def agency_queue(
    *, actor: User, office: Office | None = None, bucket: str = "new", limit: int = QUEUE_LIMIT
) -> Queue[Office, Report]:
    """The reports disposed to ``office`` (default: the actor's), sorted by follow-up deadline.

    Buckets: ``new`` (disposed, not started), ``in_progress``, ``answered``, ``closed`` and
    ``overdue`` (past a deadline; also in its status bucket). Two queries. The reporter is
    never there. Raises PermissionDenied when the actor may not read this office's reports
    (its staff, its leader, the coordinator, auditors), Http404 for an unknown bucket.
    """
    queue_bucket_check(bucket, QUEUE_BUCKETS)
    office = office or actor.office
    if office is None or not _may_read_queue(actor, office):
        raise PermissionDenied("report.handle")
    now = timezone.now()
    rows = Report.objects.real().filter(dispositions__office=office, dispositions__is_active=True).distinct()
    counts = queue_counts(rows, QUEUE_BUCKETS, lambda name: _bucket_filter(name, now))
    items = _with_breached(rows.filter(_bucket_filter(bucket, now)), now).select_related("category", "region")
    ordered = items.order_by(F("followup_due_at").asc(nulls_last=True), "received_at", "pk")
    return Queue(office=office, bucket=bucket, counts=counts, items=_masked(list(ordered[:limit])))


def verification_queue(*, actor: User) -> list[Report]:
    """Reports waiting for the coordinating administrator (received, postponed), oldest deadline first."""
    require(actor, "report.verify")
    rows = (
        _with_breached(Report.objects.real().filter(status__in=[Status.RECEIVED, Status.POSTPONED]))
        .select_related("category", "region", "suggested_office")
        .order_by(F("verify_due_at").asc(nulls_last=True), "pk")[:QUEUE_LIMIT]
    )
    return _masked(list(rows))


def _distance_km(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def similar_open_reports(
    *,
    category: Category,
    region: Region,
    text: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    limit: int = 5,
) -> list[Report]:
    """Open, non-confidential reports like this one, most similar first (reporters masked).

    Same category; received in the last ``SIMILAR_DAYS`` days; nearby: within
    ``SIMILAR_KM`` km when both have a point, else in the same kecamatan; and similar
    words: the share of common words (Jaccard of :func:`routing.tokenize`) at least
    ``SIMILAR_MIN_SCORE``.
    """
    words = set(tokenize(text))
    if not words:
        return []
    since = timezone.now() - timedelta(days=SIMILAR_DAYS)
    kecamatan = region.parent_id or region.code
    rows = (
        Report.objects.real()
        .filter(
            category=category,
            confidential=False,
            status__in=OPEN_STATUSES,
            received_at__gte=since,
            duplicate_of__isnull=True,
        )
        .filter(Q(region__parent_id=kecamatan) | Q(latitude__isnull=False))
        .select_related("category", "region")
        .order_by("-received_at")[:_SIMILAR_CANDIDATES]
    )
    scored: list[tuple[float, Report]] = []
    for report in rows:
        if latitude is not None and longitude is not None and report.latitude is not None:
            assert report.longitude is not None
            if _distance_km(latitude, longitude, report.latitude, report.longitude) > SIMILAR_KM:
                continue
        elif report.region.parent_id != kecamatan:
            continue
        theirs = set(tokenize(report.text))
        score = len(words & theirs) / len(words | theirs) if theirs else 0.0
        if score >= SIMILAR_MIN_SCORE:
            scored.append((score, report))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return _masked([report for _score, report in scored[:limit]])


def public_reports(
    *, kecamatan_code: str | None = None, category: Category | None = None, status: str | None = None
) -> QuerySet[Report]:
    """Verified, non-confidential reports for everyone, newest first, with ``supporters`` counted.

    The reporter column, the point and the address are not even read.
    """
    rows = Report.objects.real().filter(
        confidential=False, status__in=PUBLIC_STATUSES, duplicate_of__isnull=True
    )
    if kecamatan_code:
        rows = rows.filter(region__parent_id=kecamatan_code)
    if category is not None:
        rows = rows.filter(category=category)
    if status:
        rows = rows.filter(status=status) if status in PUBLIC_STATUSES else rows.none()
    return (
        _with_breached(rows)
        .select_related("category", "region", "region__parent")
        .defer(
            "reporter",
            "latitude",
            "longitude",
            "address_text",
            "submit_key",
            "status_reason",
            "rating_comment",
            "suggested_office",
            "suggestion_confidence",
        )
        .annotate(supporters=Count("supports", distinct=True))
        .order_by("-received_at", "-pk")
    )


def _sees_internal(actor: User | AnonymousUser, report: Report) -> bool:
    """Staff who read the report see internal notes; the reporter and supporters never do."""
    if not isinstance(actor, User) or actor.role == Role.CITIZEN:
        return False
    if actor.pk == report.reporter_id or Support.objects.filter(report=report, user=actor).exists():
        return False
    return not jurisdiction(actor).is_empty


def report_timeline(*, actor: User | AnonymousUser, report: Report) -> list[ReportEvent]:
    """The timeline; internal notes only for staff. No event names the reporter (services see to it)."""
    require(actor, "report.read", report)
    events = ReportEvent.objects.filter(report=report).select_related("actor")
    if not _sees_internal(actor, report):
        events = events.filter(internal=False)
    return list(events.order_by("occurred_at", "pk"))


def report_sent_before(*, actor: User, submit_key: uuid.UUID) -> Report | None:
    """The report ``actor`` already sent with ``submit_key`` (a double submit), if any."""
    return Report.objects.filter(submit_key=submit_key, reporter=actor).first()


def report_to_support(*, public_id: uuid.UUID) -> Report:
    """A report someone may support ("saya juga mengalami ini"); the rules are in ``report_support``."""
    return get_object_or_404(Report.objects.real(), public_id=public_id)


def public_photo_get(*, photo_id: int) -> ReportPhoto:
    """A photo an officer published, of a report on the public list; Http404 otherwise."""
    photo = (
        ReportPhoto.objects.filter(pk=photo_id, published=True, report__in=public_reports().values("pk"))
        .only("file")
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def photo_is_public(photo: ReportPhoto) -> bool:
    """Whether anyone may see ``photo``: published, of a report on the public list."""
    return photo.published and public_reports().filter(pk=photo.report_id).exists()


@dataclass(frozen=True)
class ReportStatus:
    """What anyone with a report's number and its reporter's phone's last four digits may see.

    The status and the dates only, as on the report's public page and less: never the text, the
    place, the answer or anyone's identity. The category only when the report is not confidential;
    ``public_id`` (the report's public page) only when it is on the public list.
    """

    tracking_number: str
    kind_label: str
    category_name: str
    status_label: str
    received_at: datetime
    answered_at: datetime | None
    public_id: uuid.UUID | None
    steps: list[tuple[datetime, str]] = field(default_factory=list)
    practice: bool = False  # made in practice mode: reaches no office


_DUMMY_LAST4 = "\x00\x00\x00\x00"


def report_status_lookup(*, tracking_number: str, phone_last4: str) -> ReportStatus | None:
    """A report's public status by its number and the last four digits of its reporter's phone.

    ``None`` for every kind of mismatch (malformed or unknown number, wrong digits, a report
    sent without an account), so the answer does not tell which part was wrong; the digits are
    compared in constant time. An anonymous report is found too: the digits prove the person
    holds the reporter's phone, and nothing shown names anyone.
    """
    normalized = tracking_number_normalize(tracking_number or "")
    digits = (phone_last4 or "").strip()
    report = None
    if normalized is not None:
        report = (
            Report.objects.select_related("category", "reporter").filter(tracking_number=normalized).first()
        )
    phone = report.reporter.phone if report is not None and report.reporter is not None else ""
    expected = phone[-4:] if len(phone) >= 4 else _DUMMY_LAST4
    matches = hmac.compare_digest(expected.encode(), digits.encode())
    if report is None or not matches or len(digits) != 4 or not digits.isdigit():
        return None
    # Only the statuses reached: the messages may carry an officer's words or an office's answer.
    steps = [
        (occurred_at, str(Status(to_status).label))
        for occurred_at, from_status, to_status in report.timeline.filter(internal=False)
        .exclude(to_status="")
        .order_by("occurred_at", "pk")
        .values_list("occurred_at", "from_status", "to_status")
        if to_status != from_status and to_status in Status.values
    ]
    on_public_list = public_reports().filter(pk=report.pk).exists()
    return ReportStatus(
        tracking_number=report.tracking_number,
        kind_label=str(Kind(report.kind).label),
        category_name="" if report.confidential else report.category.name,
        status_label=str(Status(report.status).label),
        received_at=report.received_at,
        answered_at=report.answered_at,
        public_id=report.public_id if on_public_list else None,
        steps=steps,
        practice=report.practice,
    )
