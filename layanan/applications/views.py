"""The citizen's pages, and an operator's on behalf of a walk-in citizen. Thin: parse, call, render.

The path: ``start`` (a draft) → ``step`` (one question group per page) →
``requirements`` (uploads, or "I will bring the paper") → ``review`` (submit,
idempotent on a key that travels with the form) → ``done`` (the tracking
number). ``mine`` lists drafts and applications, ``detail`` shows one with its
timeline and what to fix, ``attachment`` serves an uploaded file privately,
and ``views_lookup.lookup`` (public) shows a status by tracking number and phone digits.
The form's pages and their order are :class:`.flow.Flow`.

Drafts live on the server, so an application started on one device is
continued on another. Every change goes through :mod:`.services`; every read
through :mod:`.selectors`, which checks permission.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can
from layanan.applications import selectors, services, workflow
from layanan.applications.flow import Flow, answer_display
from layanan.applications.forms import StepForm, account_prefill, field_is_shown
from layanan.applications.models import Application, Attachment, RequirementCheck, Status
from layanan.catalogue.models import Requirement, Service
from layanan.core.practice import practice_on
from layanan.core.tags import tags_by_status
from layanan.core.uploads import UploadRefused, size_words
from layanan.core.views import file_response, missing_when_refused, signed_in
from layanan.offline.middleware import keep_together
from layanan.offline.receipts import once

FROM_REVIEW = "periksa"  # ?dari=periksa: after saving, go back to the review page

STATUS_TAGS = tags_by_status(
    grey=(Status.DRAFT, Status.WITHDRAWN),
    yellow=(Status.REVISION,),
    green=(Status.COMPLETED,),
    red=(Status.REJECTED,),
)
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.REVISION})


# --- helpers ---------------------------------------------------------------------------------------


def _own(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Application]:
    """The application, for its applicant (or the operator who started it) only.

    Staff who handle it read it on their own pages (``views_staff``); here
    anyone else is refused even when the selector would let them read it.
    """
    user = signed_in(request, User)
    application = selectors.application_get(actor=user, public_id=public_id)
    if user.pk not in (application.applicant_id, application.submitted_by_id):
        raise PermissionDenied
    return user, application


def _editable(user: User, application: Application) -> bool:
    return "edit" in workflow.WORKFLOW.allowed_actions(user, application)


def _not_editable(request: HttpRequest, application: Application) -> HttpResponse:
    """Its page; a change sent to it (from another tab, or the phone's outbox) is said not to be saved."""
    if request.method == "POST":
        messages.error(request, _("Permohonan ini tidak dapat diubah lagi, jadi isian ini tidak disimpan."))
    return redirect("applications:detail", public_id=application.public_id)


def _current_attachments(application: Application) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {}
    for attachment in application.attachments.filter(is_current=True).order_by("uploaded_at", "id"):
        found.setdefault(attachment.requirement_id, []).append(attachment)
    return found


def _file_words(attachment: Attachment) -> str:
    kind = _("PDF") if attachment.content_type == "application/pdf" else _("Foto")
    return _("%(kind)s terunggah, %(size)s") % {"kind": kind, "size": size_words(attachment.size)}


def _kept_offline(response: HttpResponse, flow: Flow) -> HttpResponse:
    """The other pages of this form, kept on the phone with this one (docs/offline.md)."""
    paths = [flow.step_url(s.number) for s in flow.steps]
    if flow.requirements:
        paths.append(reverse("applications:requirements", args=[flow.application.public_id]))
    paths.append(reverse("applications:review", args=[flow.application.public_id]))
    return keep_together(response, paths)


def _revision_checks(application: Application) -> list[RequirementCheck]:
    return list(
        application.checks.select_related("requirement").filter(verdict=RequirementCheck.Verdict.REVISION)
    )


# --- start ------------------------------------------------------------------------------------------


@never_cache
@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in(request, User)
    service = get_object_or_404(Service, slug=slug, is_active=True)
    if not can(user, "application.apply"):
        raise PermissionDenied
    if user.role == Role.OPERATOR:
        # An operator applies for a walk-in citizen only through the assisted service, which
        # finds the citizen by NIK and records their consent first (layanan/assisted).
        messages.info(
            request,
            _(
                "Permohonan atas nama warga dimulai dari Layanan dibantu: cari warga, "
                "lalu catat persetujuannya."
            ),
        )
        return redirect("assisted:home")
    if request.method == "POST":
        try:
            application = services.application_start(
                service=service, applicant=user, actor=user, practice=practice_on(request)
            )
        except services.ApplicationError as error:
            messages.error(request, str(error))
        else:
            return redirect(Flow.of(application).first_url())
    return render(request, "applications/citizen/start.html", {"service": service})


# --- the form, step by step ---------------------------------------------------------------------------


@never_cache
@login_required
def step(request: HttpRequest, public_id: uuid.UUID, step: int) -> HttpResponse:
    """One group of questions; a save sent again with its ``submit_key`` gets the first answer."""
    user, application = _own(request, public_id)
    if request.method == "POST":
        return once(request, user, lambda: _step(request, user, application, step))
    return _step(request, user, application, step)


def _step(request: HttpRequest, user: User, application: Application, step: int) -> HttpResponse:
    if not _editable(user, application):
        return _not_editable(request, application)
    flow = Flow.of(application)
    current = flow.step(step)
    if current is None:
        raise Http404
    from_review = request.GET.get("dari") == FROM_REVIEW
    answers = application.answers
    form = StepForm(
        request.POST if request.method == "POST" else None,
        definitions=current.definitions,
        answers=answers,
        prefill=account_prefill(current.definitions, application.applicant),
        own_account=application.applicant_id == request.user.pk,
    )
    if request.method == "POST":
        later = "simpan" in request.POST
        valid = form.is_valid()
        if valid or later:
            if valid:
                step_answers = form.step_answers(current.definitions)
            else:  # saving for later: keep what is valid, fix the rest next time
                step_answers = {
                    name: value
                    for name, value in form.step_answers(current.definitions).items()
                    if name not in form.errors and name in form.cleaned_data
                }
            try:
                application = services.application_save_step(
                    application=application, actor=user, step=current.number, answers=step_answers
                )
            except services.ApplicationError as error:
                messages.error(request, str(error))
                return redirect("applications:detail", public_id=application.public_id)
            if later:
                messages.success(
                    request,
                    _("Draf permohonan sudah disimpan. Lanjutkan kapan saja dari halaman ini."),
                )
                return redirect("applications:mine")
            flow = Flow.of(application)  # the answers may have shown or hidden later steps
            if from_review:
                return redirect("applications:review", public_id=application.public_id)
            return redirect(flow.next_url(current.number))
    context = {
        "application": application,
        "service": application.service,
        "form": form,
        "step": current,
        "position": flow.position(current.number),
        "total": flow.total,
        "previous_url": None if from_review else flow.previous_url(current.number),
        "from_review": from_review,
        "submit_key": uuid.uuid4(),
        # Where the phone goes after keeping this step offline (docs/offline.md).
        "next_url": reverse("applications:review", args=[application.public_id])
        if from_review
        else flow.next_url(current.number),
    }
    return _kept_offline(render(request, "applications/citizen/step.html", context), flow)


# --- requirements -------------------------------------------------------------------------------------


@dataclass
class RequirementItem:
    requirement: Requirement
    check: RequirementCheck | None
    attachments: list[Attachment]
    editable: bool
    error: str = ""
    choice: str = ""  # "upload" or "paper" for upload_or_paper, as posted or stored

    @property
    def code(self) -> str:
        return self.requirement.code

    @property
    def provided(self) -> bool:
        return self.check is not None and self.check.provision != RequirementCheck.Provision.MISSING

    @property
    def needs_revision(self) -> bool:
        return self.check is not None and self.check.verdict == RequirementCheck.Verdict.REVISION

    @property
    def file_words(self) -> list[tuple[Attachment, str]]:
        return [(attachment, _file_words(attachment)) for attachment in self.attachments]


def _requirement_items(application: Application, flow: Flow) -> list[RequirementItem]:
    checks = {c.requirement_id: c for c in application.checks.all()}
    files = _current_attachments(application)
    revising = application.status == Status.REVISION
    items = []
    for requirement in flow.requirements:
        check = checks.get(requirement.pk)
        editable = not revising or (check is not None and check.verdict == RequirementCheck.Verdict.REVISION)
        if check is not None and check.verdict == RequirementCheck.Verdict.ACCEPTED:
            editable = False
        choice = ""
        if check is not None and check.provision == RequirementCheck.Provision.PAPER:
            choice = "paper"
        elif check is not None and check.provision == RequirementCheck.Provision.UPLOAD:
            choice = "upload"
        items.append(
            RequirementItem(
                requirement=requirement,
                check=check,
                attachments=files.get(requirement.pk, []),
                editable=editable,
                choice=choice,
            )
        )
    return items


def _provide(
    request: HttpRequest, user: User, application: Application, item: RequirementItem
) -> Application:
    """Apply what was posted for one requirement; an error is kept on the item."""
    requirement = item.requirement
    upload = request.FILES.get(f"berkas-{item.code}")
    choice = request.POST.get(f"cara-{item.code}", "")
    if requirement.kind == Requirement.Kind.UPLOAD_OR_PAPER and choice in ("upload", "paper"):
        item.choice = choice
    provision = None
    if requirement.kind == Requirement.Kind.PAPER:
        if not item.provided:
            provision = RequirementCheck.Provision.PAPER
    elif requirement.kind == Requirement.Kind.UPLOAD_OR_PAPER and choice == "paper":
        if (
            not (item.check and item.check.provision == RequirementCheck.Provision.PAPER)
            or item.needs_revision
        ):
            provision = RequirementCheck.Provision.PAPER
            upload = None
    elif upload is not None:
        provision = RequirementCheck.Provision.UPLOAD
    if provision is None:
        return application
    try:
        services.requirement_provide(
            application=application,
            actor=user,
            requirement=requirement,
            provision=provision,
            upload=upload if provision == RequirementCheck.Provision.UPLOAD else None,
        )
    except (UploadRefused, services.ApplicationError) as error:
        item.error = str(error)
    return application


def _missing_message(item: RequirementItem) -> str:
    if item.requirement.kind == Requirement.Kind.UPLOAD_OR_PAPER:
        return _("Unggah %(name)s, atau pilih membawa dokumen asli ke kantor.") % {
            "name": item.requirement.name
        }
    return _("Unggah %(name)s.") % {"name": item.requirement.name}


@never_cache
@login_required
def requirements(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The uploads; sent again with its ``submit_key`` it gets the first answer (no second file)."""
    user, application = _own(request, public_id)
    if request.method == "POST":
        return once(request, user, lambda: _requirements(request, user, application))
    return _requirements(request, user, application)


def _requirements(request: HttpRequest, user: User, application: Application) -> HttpResponse:
    if not _editable(user, application):
        return _not_editable(request, application)
    flow = Flow.of(application)
    items = _requirement_items(application, flow)
    if request.method == "POST":
        later = "simpan" in request.POST
        for item in items:
            if item.editable:
                application = _provide(request, user, application, item)
        application.refresh_from_db()
        fresh = {i.code: i for i in _requirement_items(application, flow)}
        for item in items:
            item.check = fresh[item.code].check
            item.attachments = fresh[item.code].attachments
            still_wrong = item.needs_revision and not request.FILES.get(f"berkas-{item.code}")
            if (
                not later
                and not item.error
                and item.editable
                and item.requirement.required
                and (not item.provided or (still_wrong and item.choice != "paper"))
            ):
                item.error = _missing_message(item)
        if not any(item.error for item in items):
            if later:
                messages.success(
                    request, _("Draf permohonan sudah disimpan. Lanjutkan kapan saja dari halaman ini.")
                )
                return redirect("applications:mine")
            return redirect("applications:review", public_id=application.public_id)
    context = {
        "application": application,
        "service": application.service,
        "items": items,
        "errors": [item for item in items if item.error],
        "max_size": size_words(int(settings.UPLOAD_MAX_BYTES)),
        "position": flow.total,
        "total": flow.total,
        "previous_url": flow.step_url(flow.steps[-1].number) if flow.steps else None,
        "submit_key": uuid.uuid4(),
        "next_url": reverse("applications:review", args=[application.public_id]),
    }
    return _kept_offline(render(request, "applications/citizen/requirements.html", context), flow)


# --- review and submit --------------------------------------------------------------------------------


def _answer_rows(flow: Flow) -> list[dict[str, Any]]:
    answers = flow.application.answers
    groups = []
    for current in flow.steps:
        rows = []
        for definition in current.definitions:
            if not field_is_shown(definition, answers):
                continue
            rows.append(
                {
                    "label": definition.t.label,
                    "value": answer_display(definition, answers.get(definition.name)),
                }
            )
        groups.append(
            {
                "title": current.title,
                "rows": rows,
                "url": flow.step_url(current.number) + f"?dari={FROM_REVIEW}",
            }
        )
    return groups


def _missing_links(flow: Flow, missing: list[str]) -> list[tuple[str, str]]:
    """What ``Incomplete.missing`` names, as (words, link) pairs; unknown entries are shown as given."""
    by_field = {d.name: d for d in flow.all_definitions}
    by_requirement = {r.code: r for r in flow.application.service.requirements.all()}
    requirements_url = reverse("applications:requirements", args=[flow.application.public_id])
    links = []
    for entry in missing:
        if entry in by_field:
            number = by_field[entry].step
            links.append((by_field[entry].t.label, flow.step_url(number) + f"?dari={FROM_REVIEW}"))
        elif entry in by_requirement:
            requirement = by_requirement[entry]
            if requirement.kind == Requirement.Kind.FIELD and requirement.field_name in by_field:
                number = by_field[requirement.field_name].step
                links.append((requirement.name, flow.step_url(number) + f"?dari={FROM_REVIEW}"))
            else:
                links.append((requirement.name, f"{requirements_url}#syarat-{requirement.code}"))
        else:
            links.append((entry, ""))
    return links


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, application = _own(request, public_id)
    missing: list[tuple[str, str]] = []
    error = ""
    if request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("submit_key", ""))
        except ValueError:
            error = _("Formulir ini sudah tidak berlaku. Periksa sekali lagi, lalu kirim.")
        else:
            try:
                application = services.application_submit(application=application, actor=user, submit_key=key)
            except services.Incomplete as incomplete:
                error = str(incomplete)
                missing = _missing_links(Flow.of(application), incomplete.missing)
            except services.ApplicationError as refused:
                messages.error(request, str(refused))
                return redirect("applications:detail", public_id=application.public_id)
            else:
                return redirect("applications:done", public_id=application.public_id)
    if not _editable(user, application):
        return redirect("applications:detail", public_id=application.public_id)
    flow = Flow.of(application)
    context = {
        "application": application,
        "service": application.service,
        "groups": _answer_rows(flow),
        "items": _requirement_items(application, flow),
        "requirements_url": reverse("applications:requirements", args=[application.public_id]),
        "submit_key": uuid.uuid4(),
        "missing": missing,
        "error": error,
        "resubmit": application.status == Status.REVISION,
    }
    return _kept_offline(render(request, "applications/citizen/review.html", context, status=200), flow)


@never_cache
@login_required
def done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _viewer, application = _own(request, public_id)
    if not application.tracking_number or application.status == Status.DRAFT:
        return redirect("applications:review", public_id=application.public_id)
    # The papers she chose to bring: the page must not only say "no need to come to the office".
    papers = [
        check.requirement.t.name
        for check in application.checks.select_related("requirement").order_by("requirement__order")
        if check.provision == RequirementCheck.Provision.PAPER
    ]
    return render(
        request,
        "applications/citizen/done.html",
        {"application": application, "papers": ", ".join(papers)},
    )


# --- following one's applications --------------------------------------------------------------------


@never_cache
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    applications = list(selectors.applications_of_citizen(actor=user).select_related("service"))
    drafts = [a for a in applications if a.status == Status.DRAFT]
    sent = [(a, STATUS_TAGS.get(Status(a.status), "")) for a in applications if a.status != Status.DRAFT]
    return render(request, "applications/citizen/mine.html", {"drafts": drafts, "sent": sent})


@never_cache
@login_required
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, application = _own(request, public_id)
    flow = Flow.of(application)
    allowed = workflow.WORKFLOW.allowed_actions(user, application)
    context = {
        "application": application,
        "service": application.service,
        "tag_class": STATUS_TAGS.get(Status(application.status), ""),
        "timeline": selectors.application_timeline(actor=user, application=application),
        "can_resubmit": application.status == Status.REVISION and not _revision_checks(application),
        "can_continue": application.status == Status.DRAFT and "edit" in allowed,
        "continue_url": flow.resume_url(),
        "can_withdraw": "withdraw" in allowed,
        "submit_key": uuid.uuid4(),
    }
    return render(request, "applications/citizen/detail.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, application = _own(request, public_id)
    if "withdraw" not in workflow.WORKFLOW.allowed_actions(user, application):
        messages.error(request, _("Permohonan ini tidak dapat dibatalkan lagi."))
        return redirect("applications:detail", public_id=application.public_id)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.application_withdraw(application=application, actor=user, expected_version=version)
        except services.ConcurrentChange:
            messages.error(
                request,
                _("Permohonan ini baru saja berubah. Periksa keadaannya, lalu batalkan lagi bila perlu."),
            )
        except services.ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Permohonan sudah dibatalkan."))
        return redirect("applications:detail", public_id=application.public_id)
    return render(request, "applications/citizen/withdraw.html", {"application": application})


# --- files --------------------------------------------------------------------------------------------


@login_required
@missing_when_refused
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """An uploaded file, for its applicant and the staff handling the application: a photo inline,
    a PDF as a download, both sandboxed; anyone else gets the same 404 as for a file that never was."""
    user = signed_in(request, User)
    found = selectors.attachment_get(actor=user, attachment_id=attachment_id)
    extension = "pdf" if found.content_type == "application/pdf" else "jpg"
    filename = f"lampiran-{found.pk}.{extension}"
    return file_response(found.file, content_type=found.content_type, filename=filename)


# --- public status lookup -----------------------------------------------------------------------------


__all__ = [
    "attachment",
    "detail",
    "done",
    "mine",
    "requirements",
    "review",
    "start",
    "step",
    "withdraw",
]
