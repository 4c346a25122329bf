"""The officer's pages: the office's work queue, one application's work page, and its actions.

Thin: parse the request, ask a selector or call a service, render or redirect.
Who may do what is decided by ``layanan.accounts.permissions`` and the
services; every state change is posted to :func:`act` with the
``Application.version`` the officer saw, so a change made meanwhile by a
colleague is reported instead of overwritten.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from PIL import Image

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can, scope
from layanan.agencies.models import Office
from layanan.applications import selectors, services, workflow
from layanan.applications.flow import answer_display
from layanan.applications.models import (
    AnswerFlag,
    Application,
    Attachment,
    IdentityFlag,
    RequirementCheck,
    Status,
    TimelineEvent,
)
from layanan.applications.services.identity_check import identity_flags_of
from layanan.applications.services.review import open_answer_flags
from layanan.calendars.due import NO_DUE, Due, due_of
from layanan.catalogue.models import FormField
from layanan.core import staff_views
from layanan.core.tags import tags_by_status
from layanan.core.views import file_response, harden_file_response, missing_when_refused
from layanan.identity.selectors import mask_nik
from layanan.regions.models import Region

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
    name: str
    label: str
    value: str
    is_number: bool = False  # a NIK or KK number (masked unless revealed)
    flag: AnswerFlag | None = None  # the officer's open request to fix it
    identity_flag: IdentityFlag | None = None  # the system's warning: not the applicant's NIK


@dataclass(frozen=True)
class Item:
    check: RequirementCheck
    attachments: list[Attachment]
    error: str = ""


@dataclass(frozen=True)
class FlagRow:
    """One line of the "Minta perbaikan" form: an answer or a requirement, its box and its reason."""

    key: str  # "isian-<field name>" or "syarat-<requirement code>"
    label: str
    value: str
    checked: bool
    reason: str
    error: str = ""


@dataclass
class Posted(staff_views.Posted):
    """What the officer posted, and which requirement's review it was."""

    check_id: int | None = None


NUMBER_KINDS = (FormField.Kind.NIK, FormField.Kind.KK)


def village_words(region: Region | None) -> str:
    """``Desa Tanjung Raja, Kec. Tanjung Raja``: a desa/kelurahan as people write it."""
    if region is None:
        return ""
    if region.village_type == Region.VillageType.KELURAHAN:
        name = _("Kelurahan %(name)s") % {"name": region.name}
    elif region.village_type:
        name = _("Desa %(name)s") % {"name": region.name}
    else:
        name = region.name
    if region.parent is not None and region.parent.level == Region.Level.DISTRICT:
        return _("%(village)s, Kec. %(district)s") % {"village": name, "district": region.parent.name}
    return name


def _answer_words(form_field: FormField, raw: object, *, reveal: bool) -> str:
    """An answer as the officer reads it: names of places, dates in words, NIKs masked unless revealed."""
    if raw is None or raw == "":
        return ""
    if form_field.kind in NUMBER_KINDS:
        return str(raw) if reveal else mask_nik(str(raw))
    if form_field.kind == FormField.Kind.VILLAGE:
        region = Region.objects.select_related("parent").filter(code=str(raw)).first()
        return village_words(region) or str(raw)
    return answer_display(form_field, raw)


def _answers(application: Application, fields: list[FormField], *, reveal: bool = False) -> list[Answer]:
    stored = application.answers
    flags = {flag.field_name: flag for flag in open_answer_flags(application)}
    identity_flags = identity_flags_of(application)
    return [
        Answer(
            name=form_field.name,
            label=form_field.t.label,
            value=_answer_words(form_field, stored[form_field.name], reveal=reveal),
            is_number=form_field.kind in NUMBER_KINDS,
            flag=flags.get(form_field.name),
            identity_flag=identity_flags.get(form_field.name),
        )
        for form_field in fields
        if form_field.name in stored
    ]


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


def _flag_rows(
    answers: list[Answer], items: list[Item], problems: list[staff_views.Problem], posted: Posted
) -> list[FlagRow]:
    """The "Minta perbaikan" form: every answer and every requirement, as posted or as flagged now."""
    errors = {problem.target: problem.message for problem in problems}
    again = posted.action == "revision"
    rows = []
    for key, label, value, flagged, reason in [
        *(
            (f"isian-{a.name}", a.label, a.value, a.flag is not None, a.flag.reason if a.flag else "")
            for a in answers
        ),
        *(
            (
                f"syarat-{i.check.requirement.code}",
                i.check.requirement.t.name,
                i.check.get_provision_display(),
                i.check.verdict == RequirementCheck.Verdict.REVISION,
                i.check.reason,
            )
            for i in items
        ),
    ]:
        if again:
            flagged = bool(posted.values.get(f"ubah-{key}"))
            reason = posted.values.get(f"alasan-{key}", "")
        rows.append(
            FlagRow(
                key=key,
                label=label,
                value=value,
                checked=flagged,
                reason=reason,
                error=errors.get(f"alasan-{key}", ""),
            )
        )
    return rows


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


@dataclass(frozen=True)
class HistoryRow:
    event: TimelineEvent
    words: str  # the event's message, else what happened in words (never a raw code)
    change: str  # "Sedang diperiksa → Perlu diperbaiki oleh pemohon" when the status changed


def _history(actor: User, application: Application) -> list[HistoryRow]:
    labels = {value: str(label) for value, label in Status.choices}
    rows = []
    for event in selectors.application_timeline(actor=actor, application=application):
        change = ""
        if event.from_status and event.to_status and event.from_status != event.to_status:
            change = f"{labels.get(event.from_status, '')} → {labels.get(event.to_status, '')}"
        words = event.message or str(
            workflow.WORKFLOW.words.get(event.action) or labels.get(event.to_status, "") or ""
        )
        rows.append(HistoryRow(event=event, words=words, change=change))
    return rows


def _render_work(
    request: HttpRequest,
    actor: User,
    application: Application,
    *,
    problems: list[staff_views.Problem] | None = None,
    posted: Posted | None = None,
    status: int = 200,
    reveal: bool = False,
) -> HttpResponse:
    allowed = _allowed_actions(actor, application)
    problems = problems or []
    posted = posted or Posted()
    errors = staff_views.field_errors(problems)
    items = _items(application, errors)
    fields = list(application.service.fields.order_by("step", "order", "pk"))
    applicant = application.applicant
    answers = _answers(application, fields, reveal=reveal)
    handles = can(actor, "application.handle", application)
    applicant_nik = ""
    if applicant.nik:
        applicant_nik = applicant.nik if reveal else mask_nik(applicant.nik)
    region = applicant.home_region
    context = {
        "application": application,
        "service": application.service,
        "applicant": applicant,
        "applicant_nik": applicant_nik,
        "applicant_village": village_words(region) if region is not None else "",
        "status_tag": STATUS_TAGS.get(Status(application.status), ""),
        "due": _due(application, timezone.now()),
        "answers": answers,
        "items": items,
        "flag_rows": _flag_rows(answers, items, problems, posted) if "revision" in allowed else [],
        "reason_max": staff_views.REASON_MAX,
        "allowed": allowed,
        "signer_backend": settings.DOCUMENT_SIGNER_BACKEND,
        "may_open_files": handles,
        "revealed": reveal,
        "may_reveal": handles
        and not reveal
        and (bool(applicant.nik) or any(a.is_number and a.value for a in answers)),
        "has_decisions": bool(allowed - {"note"}),
        "colleagues": _colleagues(application, actor) if "assign" in allowed else [],
        "offices": (
            Office.objects.filter(is_active=True)
            .exclude(pk=application.office_id or 0)
            .order_by("kind", "name")
            if "forward" in allowed
            else []
        ),
        "history": _history(actor, application),
        **staff_views.form_state(problems, posted),
    }
    response = render(request, "applications/staff/work.html", context, status=status)
    if reveal:
        patch_cache_control(response, no_cache=True, no_store=True, must_revalidate=True, private=True)
    return response


@login_required
@never_cache
def work(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    application = selectors.application_get(actor=actor, public_id=public_id)
    _require_work_reader(actor, application)
    return _render_work(request, actor, application)


def _reveal(request: HttpRequest, actor: User, application: Application) -> HttpResponse:
    """ "Tampilkan NIK lengkap": the NIK and KK numbers in full, for the handling office only, audited.

    Posted to :func:`act` as ``nik``; the page is rendered in answer to the POST (nothing to
    bookmark, nothing cached) and every reveal writes ``applications.numbers_reveal``. The
    caller has refused readers (a leader, the administrator, another office): they keep the
    masked page.
    """
    if not can(actor, "application.handle", application):
        raise PermissionDenied
    workflow.WORKFLOW.audit(application, actor=actor, action="numbers_reveal")
    return _render_work(request, actor, application, reveal=True)


# --- files, seen on the work page ---------------------------------------------------------------

THUMBNAIL_PIXELS = 320  # the longest side of an image's preview on the work page


def _thumbnail(attachment: Attachment) -> HttpResponse:
    """A small JPEG of an uploaded photo, so the work page stays light; the full file is one click away."""
    try:
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="kecil-lampiran-{attachment.pk}.jpg"'
    return harden_file_response(response)


@login_required
@never_cache
@missing_when_refused
def preview(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """An uploaded file for the staff handling the application, opened from their work page.

    Served by :func:`layanan.core.views.file_response`: a photo inline, a PDF as a download
    (never shown inside this site, where a hostile PDF could act on the officer's session), both
    sandboxed, never sniffed, never cached; ``?kecil=1`` gives a photo's thumbnail. Everyone else
    gets the same 404 as for a file that never was, the applicant too (she has her own link).
    """
    actor = _actor(request)
    found = selectors.attachment_get(actor=actor, attachment_id=attachment_id)
    if not can(actor, "application.handle", found.application):
        raise PermissionDenied
    if request.GET.get("kecil") and found.content_type.startswith("image/"):
        return _thumbnail(found)
    extension = "pdf" if found.content_type == "application/pdf" else "jpg"
    filename = f"lampiran-{found.pk}.{extension}"
    return file_response(found.file, content_type=found.content_type, filename=filename)


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
    """ "Minta perbaikan": any answers and files at once, each with its own reason."""
    problems = staff_views.Problems()
    answers: dict[str, str] = {}
    files: dict[str, str] = {}
    labels = dict(application.service.fields.values_list("name", "label"))
    stored = application.answers
    targets = [(f"isian-{name}", name, label, answers) for name, label in labels.items() if name in stored]
    targets += [
        (f"syarat-{check.requirement.code}", check.requirement.code, check.requirement.name, files)
        for check in application.checks.select_related("requirement")
    ]
    for key, name, label, chosen in targets:
        reason = staff_views.posted_text(request, f"alasan-{key}")
        if not request.POST.get(f"ubah-{key}") and not reason:
            continue
        problems.check(
            bool(reason), _("Tulis alasan perbaikan untuk %(item)s.") % {"item": label}, f"alasan-{key}"
        )
        problems.check(
            len(reason) <= staff_views.REASON_MAX,
            _("Tulis paling banyak %(max)d karakter.") % {"max": staff_views.REASON_MAX},
            f"alasan-{key}",
        )
        chosen[name] = reason
    message = staff_views.posted_text(request, "message", clip=staff_views.REASON_MAX)
    already = application.checks.filter(verdict=RequirementCheck.Verdict.REVISION).exists()
    problems.check(
        bool(answers or files or message or already),
        _("Centang isian atau berkas yang perlu diperbaiki dan tulis alasannya."),
        "perbaikan",
    )
    problems.raise_any()
    services.application_request_revision(
        application=application,
        actor=actor,
        expected_version=staff_views.posted_version(request),
        message=message,
        answers=answers,
        files=files,
    )
    count = len(answers) + len(files)
    if count:
        return ngettext(
            "Permohonan dikembalikan kepada pemohon: %(count)d bagian perlu diperbaiki.",
            "Permohonan dikembalikan kepada pemohon: %(count)d bagian perlu diperbaiki.",
            count,
        ) % {"count": count}
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
@never_cache
@require_POST
def act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    actor = _actor(request)
    application = selectors.application_get(actor=actor, public_id=public_id)
    _require_work_reader(actor, application)
    if not workflow.WORKFLOW.parties_of(actor, application) - {workflow.Party.APPLICANT}:
        raise PermissionDenied  # readers (a leader, staff of another office in reach) only read
    if action == "nik":
        return _reveal(request, actor, application)
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
