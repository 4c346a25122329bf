"""For staff: the work queues, as the queue pages show them; and for everyone: who am I, my tokens."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from layanan.accounts.permissions import can
from layanan.agencies.selectors import office_get
from layanan.api.auth import caller as caller_of_request
from layanan.api.problems import ApiError
from layanan.api.schemas import MeOut, QueueItemOut
from layanan.api.shapes import responses
from layanan.applications import selectors as application_selectors
from layanan.complaints import selectors as report_selectors

router = Router(tags=["petugas"])


class QueueOut(Schema):
    office_code: str
    bucket: str
    counts: dict[str, int]
    items: list[QueueItemOut]


@router.get("/me", response=responses(MeOut), summary="Siapa saya", tags=["akun"])
def me(request: HttpRequest) -> MeOut:
    caller = caller_of_request(request)
    user = caller.account("read")
    return MeOut(
        id=user.pk,
        full_name=user.full_name,
        role=user.role,
        office_code=user.office.code if user.office is not None else None,
        scopes=list(caller.token.scopes) if caller.token is not None else None,
    )


@router.get("/staff/queues/applications", response=responses(QueueOut), summary="Antrean permohonan")
def application_queue(
    request: HttpRequest,
    bucket: str = Query("new", max_length=20, description=", ".join(application_selectors.QUEUE_BUCKETS)),
    office: str = Query("", max_length=40, description="Kode kantor; bawaan: kantor sendiri."),
) -> QueueOut:
    user = caller_of_request(request).account("read")
    chosen = office_get(office) if office else None
    if office and chosen is None:
        raise ApiError("not_found", 404)
    queue = application_selectors.office_queue(actor=user, office=chosen, bucket=bucket)
    now = timezone.now()
    return QueueOut(
        office_code=queue.office.code,
        bucket=queue.bucket,
        counts=queue.counts,
        items=[
            QueueItemOut(
                id=item.public_id,
                tracking_number=item.tracking_number or None,
                kind="application",
                title=item.service.name,
                status=item.status,
                status_label=str(item.get_status_display()),
                received_at=item.submitted_at,
                due_at=item.due_at,
                overdue=bool(item.due_at and item.paused_at is None and item.due_at < now),
            )
            for item in queue.items
        ],
    )


@router.get("/staff/queues/reports", response=responses(QueueOut), summary="Antrean laporan")
def report_queue(
    request: HttpRequest,
    bucket: str = Query(
        "new", max_length=20, description="verify, " + ", ".join(report_selectors.QUEUE_BUCKETS)
    ),
    office: str = Query("", max_length=40, description="Kode kantor; bawaan: kantor sendiri."),
) -> QueueOut:
    """An office's reports by bucket; ``bucket=verify`` is the coordinator's verification queue."""
    user = caller_of_request(request).account("read")
    if bucket == "verify":
        if not can(user, "report.verify"):
            raise ApiError("forbidden", 403)
        rows = report_selectors.verification_queue(actor=user)
        office_code, counts = "", {"verify": len(rows)}
    else:
        chosen = office_get(office) if office else None
        if office and chosen is None:
            raise ApiError("not_found", 404)
        queue = report_selectors.agency_queue(actor=user, office=chosen, bucket=bucket)
        rows, office_code, counts = queue.items, queue.office.code, queue.counts
    return QueueOut(
        office_code=office_code,
        bucket=bucket,
        counts=counts,
        items=[
            QueueItemOut(
                id=report.public_id,
                tracking_number=report.tracking_number,
                kind="report",
                title=report.category.name,
                status=report.status,
                status_label=str(report.get_status_display()),
                received_at=report.received_at,
                due_at=report.followup_due_at or report.verify_due_at,
                overdue=bool(getattr(report, "breached", False)),
            )
            for report in rows
        ],
    )
