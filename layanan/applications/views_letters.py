"""The office's letters: the list of letters it issued, revoking or replacing one, and the preview.

- ``/petugas/surat/``: the letters the actor's own office issued (number, masked holder,
  date, state), newest first, with "Cabut" and "Ganti" for the office's official;
- ``/petugas/surat/<code>/cabut/`` and ``…/ganti/``: a form with the reason the applicant
  will read (and, to replace, the official's one-time code: the new letter is signed);
- ``/petugas/pratinjau-surat/<public_id>/``: the letter as it will be issued, unsigned and
  marked "PRATINJAU", shown inline, for the staff handling the application.

Thin: who may do what is decided by ``layanan.accounts.permissions`` and the services in
:mod:`layanan.applications.services.decision`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from layanan.accounts.models import User
from layanan.accounts.permissions import HANDLING_ROLES, can
from layanan.applications import selectors
from layanan.applications.models import IssuedLetter
from layanan.applications.services.decision import (
    application_letter_preview,
    application_letter_replace,
    application_letter_revoke,
)
from layanan.applications.workflow import ApplicationError
from layanan.core import staff_views
from layanan.documents.models import Document

PAGE_SIZE = 25
STATE_TAGS = {
    Document.State.VALID: "tag--green",
    Document.State.REPLACED: "tag--grey",
    Document.State.REVOKED: "tag--red",
}


def _office_staff(request: HttpRequest) -> User:
    """Staff of an office who handle its applications (officer, operator, signer); anyone else refused."""
    user = request.user
    if not isinstance(user, User) or user.office is None or user.role not in HANDLING_ROLES:
        raise PermissionDenied
    if not can(user, "application.handle", user.office):
        raise PermissionDenied
    return user


@dataclass(frozen=True)
class LetterRow:
    letter: IssuedLetter
    document: Document
    tag: str
    may_revoke: bool
    may_replace: bool


@login_required
@never_cache
@require_GET
def letters(request: HttpRequest) -> HttpResponse:
    actor = _office_staff(request)
    rows = (
        IssuedLetter.objects.filter(document__office=actor.office)
        .select_related("document", "document__service", "document__office", "application")
        .order_by("-document__issued_at", "-pk")
    )
    wanted = request.GET.get("permohonan", "").strip()
    if wanted:
        try:
            rows = rows.filter(application__public_id=uuid.UUID(wanted))
        except ValueError:
            rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    items = [
        LetterRow(
            letter=letter,
            document=letter.document,
            tag=STATE_TAGS.get(Document.State(letter.document.state), ""),
            may_revoke=letter.document.state == Document.State.VALID
            and can(actor, "document.revoke", letter.document),
            may_replace=letter.document.state == Document.State.VALID
            and can(actor, "document.issue", letter.document),
        )
        for letter in page.object_list
    ]
    return render(
        request,
        "applications/staff/letters.html",
        {"office": actor.office, "rows": items, "page": page, "filtered": bool(wanted)},
    )


def _letter_of(actor: User, code: str) -> IssuedLetter:
    letter = (
        IssuedLetter.objects.select_related(
            "document", "document__service", "document__office", "application"
        )
        .filter(document__public_code=code)
        .first()
    )
    if letter is None:
        raise Http404
    if letter.document.office_id != actor.office_id:
        raise PermissionDenied
    return letter


def _letter_form(request: HttpRequest, code: str, *, replace: bool) -> HttpResponse:
    actor = _office_staff(request)
    letter = _letter_of(actor, code)
    document = letter.document
    if not can(actor, "document.issue" if replace else "document.revoke", document):
        raise PermissionDenied
    problems: list[staff_views.Problem] = []
    posted = staff_views.Posted()
    status = 200
    if request.method == "POST":
        posted = staff_views.Posted(
            action="replace" if replace else "revoke", values=staff_views.posted_values(request)
        )
        try:
            reason = staff_views.required_text(
                request,
                "reason",
                target="letter-reason",
                message=_("Tulis alasan surat ini diganti.")
                if replace
                else _("Tulis alasan surat ini dicabut."),
            )
            if replace:
                second_factor = staff_views.required_text(
                    request,
                    "code",
                    target="letter-code",
                    message=_("Ketik kode 6 angka dari aplikasi autentikator Anda."),
                )
                new = application_letter_replace(
                    document=document,
                    actor=actor,
                    reason=reason,
                    second_factor_code=second_factor,
                    passphrase=request.POST.get("passphrase") or None,  # BSrE only; never stored
                )
                messages.success(
                    request,
                    _("Surat nomor %(old)s diganti dengan surat nomor %(new)s. Pemohon sudah diberi tahu.")
                    % {"old": document.number, "new": new.number},
                )
            else:
                application_letter_revoke(document=document, actor=actor, reason=reason)
                messages.success(
                    request,
                    _("Surat nomor %(number)s dicabut. Pemohon sudah diberi tahu.")
                    % {"number": document.number},
                )
            return redirect("applications:letters")
        except staff_views.Invalid as invalid:
            problems, status = invalid.problems, 400
        except ApplicationError as error:
            problems, status = [staff_views.Problem(str(error), "letter-reason")], 400
            document.refresh_from_db()
    context = {
        "letter": letter,
        "document": document,
        "replace": replace,
        "signer_backend": settings.DOCUMENT_SIGNER_BACKEND,
        **staff_views.form_state(problems, posted),
    }
    return render(request, "applications/staff/letter_change.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def letter_revoke(request: HttpRequest, code: str) -> HttpResponse:
    return _letter_form(request, code, replace=False)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def letter_replace(request: HttpRequest, code: str) -> HttpResponse:
    return _letter_form(request, code, replace=True)


@login_required
@never_cache
@require_GET
def letter_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The unsigned letter with its "PRATINJAU" mark, inline; the handling office's staff only."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    application = selectors.application_get(actor=user, public_id=public_id)
    if not can(user, "application.handle", application):
        raise PermissionDenied
    try:
        pdf = application_letter_preview(application=application, actor=user)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:work", public_id=application.public_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"pratinjau-{application.tracking_number or 'surat'}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
