"""Applications: the caller's own, one application, the form step by step, submit, cancel, and the
staff's steps. The same services and forms as the pages (:class:`StepForm` checks the answers)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import Field

from layanan.accounts.models import User
from layanan.accounts.permissions import can
from layanan.api.auth import Caller
from layanan.api.auth import caller as caller_of_request
from layanan.api.idempotency import derived_uuid, once
from layanan.api.problems import ApiError, message_of
from layanan.api.schemas import ApplicationOut, AttachmentOut, ReportNoteIn, StepIn, StepOut, TransitionIn
from layanan.api.shapes import responses
from layanan.applications import selectors, services
from layanan.applications.flow import Flow
from layanan.applications.forms import StepForm, account_prefill
from layanan.applications.models import Application, RequirementCheck
from layanan.applications.workflow import WORKFLOW
from layanan.catalogue.selectors import service_get
from layanan.core.practice import practice_on

router = Router(tags=["permohonan"])


def application_of(actor: User | AnonymousUser, ref: str) -> Application:
    """The application named by its id or its tracking number, if the caller may read it."""
    try:
        public_id = uuid.UUID(ref)
    except ValueError:
        public_id = get_object_or_404(
            Application.objects.only("public_id"), tracking_number=ref.strip().upper()
        ).public_id
    return selectors.application_get(actor=actor, public_id=public_id)


def _own(caller: Caller, ref: str, scope: str = "applications") -> tuple[User, Application]:
    """For the applicant only (as on the pages: staff work on it through their own steps)."""
    user = caller.account(scope)
    application = application_of(user, ref)
    if user.pk != application.applicant_id:
        raise ApiError("forbidden", 403)
    return user, application


def application_out(actor: User, application: Application) -> ApplicationOut:
    """The application as ``actor`` (the account that read or acted) may see it."""
    events = selectors.application_timeline(actor=actor, application=application)
    checks = application.checks.select_related("requirement").order_by("requirement__order", "pk")
    current = set(application.attachments.filter(is_current=True).values_list("requirement_id", flat=True))
    return ApplicationOut(
        id=application.public_id,
        tracking_number=application.tracking_number or None,
        service=application.service.slug,
        status=application.status,
        status_label=str(application.get_status_display()),
        office_code=application.office.code if application.office is not None else None,
        current_step=application.current_step,
        answers=application.answers
        if actor.pk == application.applicant_id or can(actor, "application.handle", application)
        else {},
        created_at=application.created_at,
        submitted_at=application.submitted_at,
        due_at=application.due_at,
        decided_at=application.decided_at,
        decision_reason=application.decision_reason,
        revision_message=application.revision_message,
        requirements=[
            AttachmentOut(
                requirement=check.requirement.code,
                provision=check.provision,
                verdict=check.verdict,
                reason=check.reason,
                has_file=check.requirement_id in current,
            )
            for check in checks
        ],
        documents=[document.public_code for document in application.documents.all()],
        practice=application.practice,
        version=application.version,
        actions=sorted(WORKFLOW.allowed_actions(actor, application)),
        timeline=[
            StepOut(at=event.occurred_at, status=event.to_status, message=str(event.message))
            for event in events
        ],
    )


@router.get("/applications", response=responses(list[ApplicationOut]), summary="Permohonan saya")
@paginate(LimitOffsetPagination)
def my_applications(request: HttpRequest, status: str = Query("", max_length=12)) -> list[ApplicationOut]:
    caller = caller_of_request(request)
    user = caller.account("read")
    rows = selectors.applications_of_citizen(actor=user)
    if status:
        rows = rows.filter(status=status)
    return [application_out(user, application) for application in rows]


class ApplicationIn(Schema):
    service: str = Field(max_length=60, description="Slug layanan (GET /services).")


@router.post("/applications", response=responses(ApplicationOut, 201), summary="Mulai permohonan")
def application_create(
    request: HttpRequest, response: HttpResponse, data: ApplicationIn
) -> Status[dict[str, object]]:
    """Start a draft for the caller; fill it with the steps, the requirements, then submit."""
    caller = caller_of_request(request)
    user = caller.account("applications")
    service = service_get(data.service)
    if service is None:
        raise ApiError("invalid", 422, fields={"service": [_("Layanan tidak ditemukan.")]})

    def run() -> tuple[int, dict[str, str]]:
        application = services.application_start(
            service=service, applicant=user, actor=user, practice=practice_on(request)
        )
        return 201, {"id": str(application.public_id)}

    status, kept, replayed = once(request, caller, "applications.create", run)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(
        status, application_out(user, application_of(user, str(kept["id"]))).model_dump(mode="json")
    )


@router.get("/applications/{ref}", response=responses(ApplicationOut), summary="Satu permohonan")
def application_detail(request: HttpRequest, ref: str) -> ApplicationOut:
    user = caller_of_request(request).account("read")
    return application_out(user, application_of(user, ref))


@router.put(
    "/applications/{ref}/steps/{step}", response=responses(ApplicationOut), summary="Isi satu langkah"
)
def application_step(request: HttpRequest, ref: str, step: int, data: StepIn) -> ApplicationOut:
    """The answers of one step, checked as the page checks them (a draft, or during a revision)."""
    caller = caller_of_request(request)
    user, application = _own(caller, ref)
    if "edit" not in WORKFLOW.allowed_actions(user, application):
        raise ApiError("not_allowed_now", 409, _("Permohonan ini tidak dapat diubah lagi."))
    current = Flow.of(application).step(step)
    if current is None:
        raise ApiError("not_found", 404)
    form = StepForm(
        {name: "" if value is None else str(value) for name, value in data.answers.items()},
        definitions=current.definitions,
        answers=application.answers,
        prefill=account_prefill(current.definitions, application.applicant),
        own_account=True,
    )
    if not form.is_valid():
        raise ApiError(
            "invalid",
            422,
            fields={name: [str(m) for m in errors] for name, errors in form.errors.items()},
        )
    application = services.application_save_step(
        application=application,
        actor=user,
        step=current.number,
        answers=form.step_answers(current.definitions),
    )
    return application_out(user, application)


@router.post(
    "/applications/{ref}/requirements/{code}",
    response=responses(ApplicationOut),
    summary="Penuhi persyaratan",
)
def application_requirement(
    request: HttpRequest,
    ref: str,
    code: str,
    provision: Form[str] = "upload",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> ApplicationOut:
    """Upload a file for a requirement (``provision=upload``), or say the original comes to the
    office (``provision=paper``), as the requirement allows."""
    caller = caller_of_request(request)
    user, application = _own(caller, ref)
    requirement = application.service.requirements.filter(code=code).first()
    if requirement is None:
        raise ApiError("not_found", 404)
    if provision not in (RequirementCheck.Provision.UPLOAD, RequirementCheck.Provision.PAPER):
        raise ApiError("invalid", 422, fields={"provision": [_("Pilih unggah atau bawa dokumen asli.")]})
    services.requirement_provide(
        application=application, actor=user, requirement=requirement, provision=provision, upload=file
    )
    return application_out(user, application_of(user, ref))


@router.post("/applications/{ref}/submit", response=responses(ApplicationOut), summary="Kirim permohonan")
def application_submit(request: HttpRequest, response: HttpResponse, ref: str) -> Status[dict[str, object]]:
    """Submit the draft, or resubmit after a revision. Idempotent on ``Idempotency-Key``."""
    caller = caller_of_request(request)
    user, application = _own(caller, ref)
    key = request.headers.get("Idempotency-Key", "").strip()

    def run() -> tuple[int, dict[str, str]]:
        try:
            done = services.application_submit(
                application=application, actor=user, submit_key=derived_uuid(caller, key) or uuid.uuid4()
            )
        except services.Incomplete as incomplete:
            raise ApiError("invalid", 422, message_of(incomplete), fields={"_": incomplete.missing}) from None
        return 200, {"id": str(done.public_id)}

    status, kept, replayed = once(request, caller, f"applications.submit:{application.pk}", run)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(
        status, application_out(user, application_of(user, str(kept["id"]))).model_dump(mode="json")
    )


class CancelIn(Schema):
    expected_version: int = Field(ge=0)


@router.post("/applications/{ref}/cancel", response=responses(ApplicationOut), summary="Batalkan permohonan")
def application_cancel(request: HttpRequest, ref: str, data: CancelIn) -> ApplicationOut:
    caller = caller_of_request(request)
    user, application = _own(caller, ref)
    done = services.application_withdraw(
        application=application, actor=user, expected_version=data.expected_version
    )
    return application_out(user, done)


@router.post("/applications/{ref}/transitions", response=responses(ApplicationOut), summary="Langkah petugas")
def application_transition(request: HttpRequest, ref: str, data: TransitionIn) -> ApplicationOut:
    """An officer's step: claim, process, request_revision, approve, reject (``actions`` lists
    what the caller may do now). Signing stays on the page, with the signer's second factor."""
    caller = caller_of_request(request)
    user = caller.account("staff")
    application = application_of(user, ref)
    version = data.expected_version
    match data.action:
        case "claim":
            done = services.application_claim(application=application, actor=user, expected_version=version)
        case "process":
            done = services.application_process(application=application, actor=user, expected_version=version)
        case "request_revision":
            done = services.application_request_revision(
                application=application,
                actor=user,
                expected_version=version,
                message=data.message,
                answers=data.answers,
                files=data.files,
            )
        case "approve":
            done = services.application_approve(
                application=application, actor=user, expected_version=version, message=data.message
            )
        case "reject":
            done = services.application_reject(
                application=application, actor=user, expected_version=version, reason=data.reason
            )
        case _:
            raise ApiError("invalid", 422, fields={"action": [_("Langkah tidak dikenal.")]})
    return application_out(user, done)


@router.post("/applications/{ref}/notes", response=responses(ApplicationOut, 201), summary="Catatan internal")
def application_note(request: HttpRequest, ref: str, data: ReportNoteIn) -> Status[ApplicationOut]:
    caller = caller_of_request(request)
    user = caller.account("staff")
    application = application_of(user, ref)
    services.application_note(application=application, actor=user, text=data.text)
    return Status(201, application_out(user, application))
