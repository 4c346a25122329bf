"""Reads of applications, always for an actor. INTERFACE FIXED BY THE LEAD; filled in by the domain work."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can, jurisdiction, require, scope
from layanan.agencies.models import Office
from layanan.applications.models import OPEN_STATUSES, Application, Attachment, Status, TimelineEvent
from layanan.core.queues import Queue, queue_bucket_check, queue_counts
from layanan.tracking.codes import tracking_number_normalize


@dataclass(frozen=True)
class PublicStatus:
    """What anyone with the tracking number and the phone's last four digits may see: nothing personal."""

    tracking_number: str
    service_name: str
    status_label: str
    submitted_at: datetime | None
    due_at: datetime | None
    office_name: str
    steps: list[tuple[datetime, str]] = field(default_factory=list)  # (when, plain words), public only
    practice: bool = False  # made in practice mode: reaches no office


# Queue buckets, in the order the officer's page shows them.
QUEUE_BUCKETS = ("new", "verifying", "waiting_citizen", "processing", "signing", "overdue")


def application_get(*, actor: User | AnonymousUser, public_id: uuid.UUID) -> Application:
    """The application if ``actor`` may see it.

    Raises Http404 when absent, PermissionDenied when not allowed.
    """
    application = get_object_or_404(
        Application.objects.select_related("service", "office", "applicant", "assigned_to", "submitted_by"),
        public_id=public_id,
    )
    require(actor, "application.read", application)
    return application


def applications_of_citizen(*, actor: User) -> QuerySet[Application]:
    """The actor's own applications (drafts included), newest first."""
    if not isinstance(actor, User) or not actor.is_active or actor.pk is None:
        return Application.objects.none()
    return (
        Application.objects.filter(applicant=actor)
        .select_related("service", "office")
        .order_by("-created_at", "-pk")
    )


def _bucket_filter(bucket: str, now: datetime) -> Q:
    if bucket == "overdue":
        return Q(status__in=OPEN_STATUSES, due_at__lt=now, paused_at__isnull=True)
    return Q(status=_BUCKET_STATUS[bucket])


_BUCKET_STATUS = {
    "new": Status.SUBMITTED,
    "verifying": Status.VERIFYING,
    "waiting_citizen": Status.REVISION,
    "processing": Status.PROCESSING,
    "signing": Status.SIGNING,
}

QUEUE_LIMIT = 200


def _may_read_queue(actor: User, office: Office) -> bool:
    return can(actor, "office.queue.read", office) or can(actor, "dashboard.read", office)


def office_queue(
    *, actor: User, office: Office | None = None, bucket: str = "new", limit: int = QUEUE_LIMIT
) -> Queue[Office, Application]:
    """The work queue of ``office`` (default: the actor's), sorted by SLA due, with the count of each bucket.

    Buckets: ``new`` (submitted), ``verifying``, ``waiting_citizen`` (revision), ``processing``,
    ``signing``, and ``overdue`` (any open application past its due time whose clock runs; it
    also appears in its status bucket). Items are sorted by due time (then age), at most
    ``limit``. Two queries: one aggregate for every count, one for the items. Raises
    PermissionDenied when the actor may not read this office's queue (``office.queue.read``,
    or ``dashboard.read`` for a leader), Http404 for an unknown bucket.
    """
    queue_bucket_check(bucket, QUEUE_BUCKETS)
    office = office or actor.office
    if office is None or not _may_read_queue(actor, office):
        raise PermissionDenied("office.queue.read")
    now = timezone.now()
    rows = scope(actor, Application.objects.real(), via="office").filter(office=office)
    items = list(
        rows.filter(_bucket_filter(bucket, now))
        .select_related("service", "applicant", "assigned_to", "office")
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk")[:limit]
    )
    counts = queue_counts(rows, QUEUE_BUCKETS, lambda name: _bucket_filter(name, now))
    return Queue(office=office, bucket=bucket, counts=counts, items=items)


def _sees_internal(actor: User, application: Application) -> bool:
    """Staff reaching the handling office see internal events; the applicant side never does."""
    if actor.role == Role.CITIZEN or application.office is None:
        return False
    return jurisdiction(actor).reaches_office(application.office)


def application_timeline(*, actor: User, application: Application) -> list[TimelineEvent]:
    """The timeline; internal notes only for staff."""
    require(actor, "application.read", application)
    events = TimelineEvent.objects.filter(application=application).select_related("actor")
    if not _sees_internal(actor, application):
        events = events.filter(internal=False)
    return list(events.order_by("occurred_at", "pk"))


_DUMMY_LAST4 = "\x00\x00\x00\x00"


def status_lookup(*, tracking_number: str, phone_last4: str) -> PublicStatus | None:
    """Public status by tracking number plus the last four digits of the applicant's phone.

    ``None`` for every kind of mismatch (malformed or unknown number, wrong digits, a draft),
    so the answer does not tell which part was wrong; the digits are compared in constant time.
    """
    normalized = tracking_number_normalize(tracking_number or "")
    digits = (phone_last4 or "").strip()
    application = None
    if normalized is not None:
        application = (
            Application.objects.select_related("service", "office", "applicant")
            .filter(tracking_number=normalized)
            .exclude(status=Status.DRAFT)
            .first()
        )
    expected = application.applicant.phone[-4:] if application is not None else _DUMMY_LAST4
    matches = hmac.compare_digest(expected.encode(), digits.encode())
    if application is None or not matches or len(digits) != 4 or not digits.isdigit():
        return None
    # Only the status each step reached: the messages may carry an officer's reason, which can
    # be personal ("the name on the KK differs..."), and this page is open to anyone with the digits.
    steps = [
        (occurred_at, str(Status(to_status).label))
        for occurred_at, from_status, to_status in application.timeline.filter(internal=False)
        .exclude(to_status__in=["", Status.DRAFT])
        .order_by("occurred_at", "pk")
        .values_list("occurred_at", "from_status", "to_status")
        if to_status != from_status
    ]
    return PublicStatus(
        tracking_number=normalized or "",
        service_name=application.service.name,
        status_label=str(Status(application.status).label),
        submitted_at=application.submitted_at,
        due_at=application.due_at,
        office_name=application.office.name if application.office else "",
        steps=steps,
        practice=application.practice,
    )


def attachment_get(*, actor: User | AnonymousUser, attachment_id: int) -> Attachment:
    """An uploaded file, for the applicant and the staff handling the application only."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("application", "application__service", "application__office"),
        pk=attachment_id,
    )
    require(actor, "application.attachment.read", attachment)
    return attachment
