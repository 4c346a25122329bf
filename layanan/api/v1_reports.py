"""Reports: the caller's own, one report, filing (photos or a voice note), support, rating, steps.

The same selectors and services as the pages: :func:`report_get` decides who reads (and masks the
reporter), the case engine who may take which step. The API never names a reporter: the coordinator
sees who reported on the page only, audited each time.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import Field

from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.agencies.selectors import office_get
from layanan.api.auth import caller as caller_of_request
from layanan.api.idempotency import derived_uuid, once
from layanan.api.problems import ApiError
from layanan.api.schemas import (
    PublicReportOut,
    RatingIn,
    ReportNoteIn,
    ReportOut,
    StepOut,
    SupportOut,
    TransitionIn,
)
from layanan.api.shapes import responses
from layanan.api.v1_public import public_report
from layanan.complaints import selectors, services
from layanan.complaints.models import Category, Kind, Report, Support
from layanan.complaints.presentation import event_label
from layanan.complaints.workflow import WORKFLOW
from layanan.core.practice import practice_on
from layanan.regions.selectors import region_get

router = Router(tags=["laporan"])


def report_of(actor: User | AnonymousUser, ref: str) -> Report:
    """The report named by its id or its tracking number, if the caller may read it."""
    try:
        public_id = uuid.UUID(ref)
    except ValueError:
        public_id = get_object_or_404(
            Report.objects.only("public_id"), tracking_number=ref.strip().upper()
        ).public_id
    return selectors.report_get(actor=actor, public_id=public_id)


def report_out(actor: User | AnonymousUser, report: Report) -> ReportOut:
    """The report as ``actor`` may read it: the caller's reader for a read, its account after a step."""
    mine = isinstance(actor, User) and report.reporter_id == actor.pk
    staff = isinstance(actor, User) and actor.role != Role.CITIZEN
    sees_place = mine or staff  # supporters read the report, not where it is
    events = selectors.report_timeline(actor=actor, report=report)
    return ReportOut(
        id=report.public_id,
        tracking_number=report.tracking_number,
        kind=report.kind,
        category=report.category.slug,
        status=report.status,
        status_label=str(report.get_status_display()),
        text=report.text,
        region_code=report.region_id,
        latitude=report.latitude if sees_place else None,
        longitude=report.longitude if sees_place else None,
        address_text=report.address_text if sees_place else "",
        occurred_on=report.occurred_on,
        anonymous=report.anonymous,
        confidential=report.confidential,
        received_at=report.received_at,
        answered_at=report.answered_at,
        closed_at=report.closed_at,
        public_answer=report.public_answer,
        redirect_to=report.redirect_to,
        satisfied=report.satisfied,
        supporters=Support.objects.filter(report=report).count(),
        practice=report.practice,
        yours=mine,
        version=report.version,
        actions=sorted(WORKFLOW.allowed_actions(actor, report)) if isinstance(actor, User) else [],
        timeline=[
            StepOut(at=event.occurred_at, status=event.to_status, message=str(event_label(event)))
            for event in events
        ],
    )


@router.get("/reports", response=responses(list[ReportOut]), summary="Laporan saya")
@paginate(LimitOffsetPagination)
def my_reports(request: HttpRequest, status: str = Query("", max_length=14)) -> list[ReportOut]:
    caller = caller_of_request(request)
    user = caller.account("read")
    rows = selectors.reports_of_reporter(actor=user)
    if status:
        rows = rows.filter(status=status)
    return [report_out(user, report) for report in rows]


class ReportIn(Schema):
    kind: Kind = Kind.COMPLAINT
    category: str = Field(max_length=60, description="Slug kategori (GET /categories).")
    text: str = Field("", max_length=4000)
    region: str = Field(max_length=13, description="Kode Kemendagri desa/kelurahan.")
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    address_text: str = Field("", max_length=240)
    occurred_on: date | None = None
    anonymous: bool = False
    confidential: bool = False


@router.post("/reports", response=responses(ReportOut, 201), summary="Kirim laporan")
def report_create(
    request: HttpRequest,
    response: HttpResponse,
    data: Form[ReportIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    voice: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[dict[str, object]]:
    """File a report (multipart form), with up to 3 photos or a voice note; ``Idempotency-Key``
    makes a resend from a flaky connection return the first report."""
    caller = caller_of_request(request)
    user = caller.account("reports")
    category = Category.objects.filter(slug=data.category, is_active=True).first()
    region = region_get(data.region)
    problems: dict[str, list[str]] = {}
    if category is None:
        problems["category"] = [_("Pilih kategori laporan.")]
    if region is None:
        problems["region"] = [_("Pilih desa atau kelurahan.")]
    if problems:
        raise ApiError("invalid", 422, fields=problems)
    assert category is not None
    assert region is not None
    key = request.headers.get("Idempotency-Key", "").strip()

    def run() -> tuple[int, dict[str, str]]:
        report = services.report_submit(
            reporter=user,
            kind=data.kind,
            category=category,
            text=data.text,
            region=region,
            channel="api",
            latitude=data.latitude,
            longitude=data.longitude,
            address_text=data.address_text,
            occurred_on=data.occurred_on,
            anonymous=data.anonymous,
            confidential=data.confidential,
            photos=list(photos or []),
            voice=voice,
            submit_key=derived_uuid(caller, key),
            practice=practice_on(request),
        )
        return 201, {"id": str(report.public_id)}

    status, kept, replayed = once(request, caller, "reports.create", run)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, report_out(user, report_of(user, str(kept["id"]))).model_dump(mode="json"))


@router.get("/reports/public/{ref}", response=responses(PublicReportOut), summary="Satu laporan publik")
def report_public(request: HttpRequest, ref: str) -> PublicReportOut:
    return public_report(_on_public_list(ref))


def _on_public_list(ref: str) -> Report:
    """A report on the public list, by id or tracking number (404 for any other)."""
    where: dict[str, object]
    try:
        where = {"public_id": uuid.UUID(ref)}
    except ValueError:
        where = {"tracking_number": ref.strip().upper()}
    return get_object_or_404(selectors.public_reports(), **where)


@router.get("/reports/{ref}", response=responses(ReportOut), summary="Satu laporan")
def report_detail(request: HttpRequest, ref: str) -> ReportOut:
    reader = caller_of_request(request).reader()
    return report_out(reader, report_of(reader, ref))


@router.post("/reports/{ref}/support", response=responses(SupportOut), summary="Saya juga mengalami ini")
def report_support(request: HttpRequest, ref: str) -> SupportOut:
    caller = caller_of_request(request)
    user = caller.account("reports")
    report = _on_public_list(ref)
    services.report_support(report=report, user=user)
    return SupportOut(supported=True, supporters=Support.objects.filter(report=report).count())


@router.post("/reports/{ref}/rating", response=responses(ReportOut), summary="Nilai jawaban")
def report_rate(request: HttpRequest, ref: str, data: RatingIn) -> ReportOut:
    caller = caller_of_request(request)
    user = caller.account("reports")
    report = report_of(user, ref)
    services.report_rate(report=report, actor=user, satisfied=data.satisfied, comment=data.comment)
    return report_out(user, report_of(user, ref))


def _office(code: str) -> Office:
    office = office_get(code) if code else None
    if office is None:
        raise ApiError("invalid", 422, fields={"office": [_("Kantor tidak dikenal.")]})
    return office


@router.post("/reports/{ref}/transitions", response=responses(ReportOut), summary="Langkah pada laporan")
def report_transition(request: HttpRequest, ref: str, data: TransitionIn) -> ReportOut:
    """One step of the report's workflow, as the page offers it (``actions`` of the report lists
    what the caller may do now). Staff steps need the ``staff`` scope; the reporter's own steps
    (confirm, reopen) the ``reports`` scope."""
    caller = caller_of_request(request)
    staff_step = data.action not in ("confirm", "reopen")
    user = caller.account("staff" if staff_step else "reports")
    report = report_of(user, ref)
    version = data.expected_version
    match data.action:
        case "verify":
            services.report_verify(
                report=report,
                actor=user,
                expected_version=version,
                office=_office(data.office) if data.office else None,
                instruction=data.message,
            )
        case "postpone":
            services.report_postpone(report=report, actor=user, expected_version=version, reason=data.reason)
        case "not_authority":
            services.report_not_authority(
                report=report,
                actor=user,
                expected_version=version,
                reason=data.reason,
                redirect_to=data.redirect_to,
            )
        case "archive":
            services.report_archive(report=report, actor=user, expected_version=version, reason=data.reason)
        case "dispose":
            services.report_dispose(
                report=report,
                actor=user,
                expected_version=version,
                offices=[_office(code) for code in data.offices],
                instruction=data.message,
            )
        case "redispose":
            if len(data.offices) != 1:
                raise ApiError("invalid", 422, fields={"offices": [_("Pilih satu kantor tujuan.")]})
            services.report_redispose(
                report=report,
                actor=user,
                expected_version=version,
                from_office=_office(data.office),
                to_office=_office(data.offices[0]),
                reason=data.reason,
            )
        case "start":
            services.report_start(report=report, actor=user, expected_version=version)
        case "answer":
            services.report_answer(report=report, actor=user, expected_version=version, answer=data.message)
        case "confirm":
            services.report_confirm(report=report, actor=user)
        case "reopen":
            services.report_reopen(report=report, actor=user, reason=data.reason)
        case _:
            raise ApiError("invalid", 422, fields={"action": [_("Langkah tidak dikenal.")]})
    return report_out(user, report_of(user, ref))


@router.post("/reports/{ref}/notes", response=responses(ReportOut, 201), summary="Catatan internal")
def report_note(request: HttpRequest, ref: str, data: ReportNoteIn) -> Status[ReportOut]:
    caller = caller_of_request(request)
    user = caller.account("staff")
    report = report_of(user, ref)
    services.report_note(report=report, actor=user, text=data.text)
    return Status(201, report_out(user, report))
