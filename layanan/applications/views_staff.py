"""The officer's pages: the office's work queue, one application's work page, and its actions.

Thin: parse the request, ask a selector or call a service, render or redirect.
Who may do what is decided by ``layanan.accounts.permissions`` and the
services; every state change is posted to :func:`act` with the
``Application.version`` the officer saw, so a change made meanwhile by a
colleague is reported instead of overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can, scope
from layanan.agencies.models import Office
from layanan.applications import selectors, services, workflow
from layanan.applications.models import Application, Attachment, RequirementCheck, Status
from layanan.calendars.due import NO_DUE, Due, due_of
from layanan.catalogue.models import FormField
from layanan.core import staff_views
from layanan.core.tags import tags_by_status
from layanan.identity.selectors import mask_nik

BUCKET_LABELS = {
    "new": gettext_lazy("Baru"),
    "verifying": gettext_lazy("Sedang diperiksa"),
    "waiting_citizen": gettext_lazy("Menunggu pemohon"),
    "processing": gettext_lazy("Sedang diproses"),
    "signing": gettext_lazy("Menunggu tanda tangan"),
    "overdue": gettext_lazy("Terlambat"),
}
STATUS_TAGS = tags_by_status(
    grey=(Status.DRAFT, Status.WITHDRAWN),
    yellow=(Status.VERIFYING, Status.REVISION),
    green=(Status.COMPLETED,),
    red=(Status.REJECTED,),
)


# --- who is asking -------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    """The signed-in member of staff; citizens (and anyone outside the staff rules) are refused."""
    user = request.user
    if not isinstance(user, User) or user.role == Role.CITIZEN:
        raise PermissionDenied
    return user


def _may_read_queue(actor: User, office: Office | None = None) -> bool:
    """Office staff read their office's queue; a leader or administrator reads any office in reach."""
    return can(actor, "office.queue.read", office) or can(actor, "dashboard.read", office)


def _require_work_reader(actor: User, application: Application) -> None:
    if application.office is None or not _may_read_queue(actor, application.office):
        raise PermissionDenied


# --- the queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    application: Application
    due: Due
    tag: str
    claimable: bool


def _due(application: Application, now: datetime) -> Due:
    """An application's SLA as the officer reads it: the clock stops while the applicant revises."""
    if application.due_at is None:
        return NO_DUE
    if application.paused_at is not None:
        return Due(at=application.due_at, text=_("dijeda, menunggu pemohon"), late=False)
    return due_of(application.due_at, now)


@login_required
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    code = request.GET.get("kantor", "").strip()
    office: Office | None = None
    if code:
        office = Office.objects.select_related("region").filter(code=code).first()
        if office is None:
            raise Http404
        if not _may_read_queue(actor, office):
            raise PermissionDenied
    elif actor.office_id is None:
        if not _may_read_queue(actor):
            raise PermissionDenied
        offices = scope(actor, Office.objects.filter(is_active=True), via="").order_by("kind", "name")
        return render(request, "applications/staff/choose_office.html", {"offices": offices})
    elif not _may_read_queue(actor, actor.office):
        raise PermissionDenied
    bucket = staff_views.queue_bucket(request, selectors.QUEUE_BUCKETS)
    result = selectors.office_queue(actor=actor, office=office, bucket=bucket)
    now = timezone.now()
    rows = [
        Row(
            application=item,
            due=_due(item, now),
            tag=STATUS_TAGS.get(Status(item.status), ""),
            claimable=_claimable(actor, item),
        )
        for item in result.items
    ]
    return staff_views.queue_render(
        request,
        "applications/staff/queue.html",
        office=result.office,
        buckets=selectors.QUEUE_BUCKETS,
        labels=BUCKET_LABELS,
        bucket=bucket,
        counts=result.counts,
        rows=rows,
        read_only=actor.office_id != result.office.pk,
    )


# --- one application -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


@dataclass(frozen=True)
class Item:
    check: RequirementCheck
    attachments: list[Attachment]
    error: str = ""


@dataclass
class Posted(staff_views.Posted):
    """What the officer posted, and which requirement's review it was."""

    check_id: int | None = None


def _answers(application: Application, fields: list[FormField]) -> list[Answer]:
    stored = application.answers
    answers = []
    for form_field in fields:
        if form_field.name not in stored:
            continue
        raw = stored[form_field.name]
        value = "" if raw is None else str(raw)
        if form_field.kind in (FormField.Kind.NIK, FormField.Kind.KK) and value:
            value = mask_nik(value)
        answers.append(Answer(label=form_field.label, value=value))
    return answers


def _items(application: Application, errors: dict[str, str]) -> list[Item]:
    checks = list(application.checks.select_related("requirement").order_by("requirement__order", "pk"))
    by_requirement: dict[int, list[Attachment]] = {}
    for attachment in application.attachments.filter(is_current=True).order_by("uploaded_at", "pk"):
        by_requirement.setdefault(attachment.requirement_id, []).append(attachment)
    return [
        Item(
            check=check,
            attachments=by_requirement.get(check.requirement_id, []),
            error=errors.get(f"reason_{check.pk}", "") or errors.get(f"verdict_{check.pk}", ""),
        )
        for check in checks
    ]


def _colleagues(application: Application, actor: User) -> list[User]:
    if application.office_id is None:
        return []
    colleagues = User.objects.filter(
        office_id=application.office_id,
        is_active=True,
        role__in=(Role.OFFICER, Role.OPERATOR, Role.SIGNER),
    )
    if application.assigned_to_id is not None:
        colleagues = colleagues.exclude(pk=application.assigned_to_id)
    return list(colleagues.order_by("full_name"))


# The page's action slugs and the workflow table's names for them.
WORKFLOW_ACTIONS = {
    "claim": "claim",
    "assign": "assign",
    "review": "review",
    "revision": "request_revision",
    "approve": "approve",
    "reject": "reject",
    "forward": "forward",
    "sign": "sign",
    "note": "note",
}


def _allowed_actions(actor: User, application: Application) -> frozenset[str]:
    """The page's actions the workflow table offers ``actor`` now (the services still check each one)."""
    offered = workflow.WORKFLOW.allowed_actions(actor, application)
    return frozenset(slug for slug, name in WORKFLOW_ACTIONS.items() if name in offered)


def _claimable(actor: User, application: Application) -> bool:
    """For the queue's "Ambil" button, without a query per row (the service decides for real)."""
    return (
        application.status == Status.SUBMITTED
        and actor.office_id is not None
        and actor.office_id == application.office_id
        and actor.role == application.service.verify_role
    )


def _render_work(
    request: HttpRequest,
    actor: User,
    application: Application,
    *,
    problems: list[staff_views.Problem] | None = None,
    posted: Posted | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = _allowed_actions(actor, application)
    problems = problems or []
    errors = staff_views.field_errors(problems)
    items = _items(application, errors)
    fields = list(application.service.fields.order_by("step", "order", "pk"))
    applicant = application.applicant
    context = {
        "application": application,
        "service": application.service,
        "applicant": applicant,
        "applicant_nik": mask_nik(applicant.nik) if applicant.nik else "",
        "status_tag": STATUS_TAGS.get(Status(application.status), ""),
        "due": _due(application, timezone.now()),
        "answers": _answers(application, fields),
        "items": items,
        "allowed": allowed,
        "signer_backend": settings.DOCUMENT_SIGNER_BACKEND,
        "may_open_files": can(actor, "application.handle", application),
        "has_decisions": bool(allowed - {"note"}),
        "colleagues": _colleagues(application, actor) if "assign" in allowed else [],
        "offices": (
            Office.objects.filter(is_active=True)
            .exclude(pk=application.office_id or 0)
            .order_by("kind", "name")
            if "forward" in allowed
            else []
        ),
        "timeline": selectors.application_timeline(actor=actor, application=application),
        **staff_views.form_state(problems, posted or Posted()),
    }
    return render(request, "applications/staff/work.html", context, status=status)


@login_required
@never_cache
def work(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    application = selectors.application_get(actor=actor, public_id=public_id)
    _require_work_reader(actor, application)
    return _render_work(request, actor, application)


# --- actions -------------------------------------------------------------------------------------


def _do_claim(request: HttpRequest, actor: User, application: Application) -> str:
    services.application_claim(
        application=application, actor=actor, expected_version=staff_views.posted_version(request)
    )
    return _("Permohonan ini sekarang Anda tangani.")


def _do_assign(request: HttpRequest, actor: User, application: Application) -> str:
    problem = staff_views.Problem(_("Pilih petugas yang akan menangani permohonan ini."), "assignee")
    try:
        assignee_id = int(request.POST.get("assignee", ""))
    except ValueError:
        raise staff_views.Invalid([problem]) from None
    assignee = User.objects.filter(
        pk=assignee_id, office_id=application.office_id or 0, is_active=True
    ).first()
    if assignee is None:
        raise staff_views.Invalid([problem])
    services.application_assign(
        application=application,
        actor=actor,
        assignee=assignee,
        expected_version=staff_views.posted_version(request),
    )
    return _("Permohonan ini diserahkan kepada %(name)s.") % {"name": assignee.full_name}


def _review(request: HttpRequest, actor: User, application: Application, check_id: str) -> str:
    try:
        check = application.checks.select_related("requirement").get(pk=int(check_id))
    except (ValueError, RequirementCheck.DoesNotExist):
        raise Http404 from None
    verdict = request.POST.get("verdict", "")
    if verdict not in ("accept", "revision"):
        raise staff_views.Invalid.one(_("Pilih: diterima, atau perlu diperbaiki."), f"verdict-{check.pk}")
    reason = ""
    if verdict == "revision":
        reason = staff_views.required_text(
            request,
            "reason",
            target=f"reason-{check.pk}",
            message=_("Tulis apa yang harus diperbaiki pemohon pada %(item)s.")
            % {"item": check.requirement.name},
        )
    services.requirement_review(check=check, actor=actor, accepted=verdict == "accept", reason=reason)
    if verdict == "accept":
        return _("%(item)s diterima.") % {"item": check.requirement.name}
    return _("%(item)s ditandai perlu diperbaiki.") % {"item": check.requirement.name}


def _do_review(request: HttpRequest, actor: User, application: Application) -> str:
    return _review(request, actor, application, request.POST.get("check", ""))


def _do_revision(request: HttpRequest, actor: User, application: Application) -> str:
    services.application_request_revision(
        application=application,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        message=staff_views.posted_text(request, "message", clip=staff_views.REASON_MAX),
    )
    return _("Permohonan dikembalikan kepada pemohon untuk diperbaiki.")


def _do_approve(request: HttpRequest, actor: User, application: Application) -> str:
    services.application_approve(
        application=application,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        message=staff_views.posted_text(request, "message", clip=staff_views.REASON_MAX),
    )
    return _("Permohonan disetujui.")


def _do_reject(request: HttpRequest, actor: User, application: Application) -> str:
    reason = staff_views.required_text(
        request,
        "reason",
        target="reject-reason",
        message=_("Tulis alasan penolakan yang dapat dipahami dan ditindaklanjuti pemohon."),
    )
    services.application_reject(
        application=application,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        reason=reason,
    )
    return _("Permohonan ditolak.")


def _do_forward(request: HttpRequest, actor: User, application: Application) -> str:
    problems = staff_views.Problems()
    office = Office.objects.filter(code=request.POST.get("office", ""), is_active=True).first()
    problems.check(
        office is not None and office.pk != application.office_id, _("Pilih kantor tujuan."), "forward-office"
    )
    reason = problems.text(
        request, "reason", target="forward-reason", message=_("Tulis alasan permohonan ini diteruskan.")
    )
    problems.raise_any()
    assert office is not None
    services.application_forward(
        application=application,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        reason=reason[: staff_views.REASON_MAX],
        office=office,
    )
    return _("Permohonan diteruskan ke %(office)s.") % {"office": office.name}


def _do_sign(request: HttpRequest, actor: User, application: Application) -> str:
    code = staff_views.required_text(
        request, "code", target="sign-code", message=_("Ketik kode 6 angka dari aplikasi autentikator Anda.")
    )
    services.application_sign(
        application=application,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        second_factor_code=code,
        passphrase=request.POST.get("passphrase") or None,  # BSrE only; never stored
    )
    if application.service.output == "letter":
        return _("Permohonan ditandatangani dan selesai. Surat sudah terbit.")
    return _("Permohonan ditandatangani dan selesai.")


def _do_note(request: HttpRequest, actor: User, application: Application) -> str:
    text = staff_views.required_text(request, "text", target="note-text", message=_("Tulis isi catatan."))
    services.application_note(application=application, actor=actor, text=text)
    return _("Catatan internal disimpan.")


ACTIONS: dict[str, Callable[[HttpRequest, User, Application], str]] = {
    "claim": _do_claim,
    "assign": _do_assign,
    "review": _do_review,
    "revision": _do_revision,
    "approve": _do_approve,
    "reject": _do_reject,
    "forward": _do_forward,
    "sign": _do_sign,
    "note": _do_note,
}


@login_required
@require_POST
def act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    actor = _actor(request)
    application = selectors.application_get(actor=actor, public_id=public_id)
    _require_work_reader(actor, application)
    if not workflow.WORKFLOW.parties_of(actor, application) - {workflow.Party.APPLICANT}:
        raise PermissionDenied  # readers (a leader, staff of another office in reach) only read
    posted = Posted(action=action, values=staff_views.posted_values(request))
    try:
        if action.startswith("review-"):
            check_id = action.removeprefix("review-")
            posted.action, posted.check_id = "review", int(check_id) if check_id.isdigit() else None
            message = _review(request, actor, application, check_id)
        elif action in ACTIONS:
            if action == "review" and request.POST.get("check", "").isdigit():
                posted.check_id = int(request.POST["check"])
            message = ACTIONS[action](request, actor, application)
        else:
            raise Http404
    except staff_views.Invalid as invalid:
        return _render_work(request, actor, application, problems=invalid.problems, posted=posted, status=400)
    except services.ConcurrentChange as error:
        fresh = selectors.application_get(actor=actor, public_id=public_id)
        return _render_work(
            request, actor, fresh, problems=[staff_views.Problem(str(error), "status")], status=409
        )
    except services.ApplicationError as error:
        fresh = selectors.application_get(actor=actor, public_id=public_id)
        return _render_work(
            request,
            actor,
            fresh,
            problems=[staff_views.Problem(str(error), "decision")],
            posted=posted,
            status=400,
        )
    messages.success(request, message)
    if action == "forward":  # it has left this office: back to the queue
        return redirect("applications:queue")
    return redirect("applications:work", public_id=application.public_id)
