"""The letter of an application: its data, its issue through documents, and the bookkeeping around it.

:mod:`layanan.documents` issues a letter from data it is handed and knows nothing
of applications. This module is the application's side: it turns the answers
into the letter's data (:func:`letter_data`), asks for the document
(:func:`application_letter_issue`), links it to the application
(:class:`~layanan.applications.models.IssuedLetter`), writes the timeline and
tells the applicant "document ready", all in the caller's transaction.

It is also the :class:`~layanan.documents.services.DocumentSource` of documents
of kind ``application`` (registered in ``ApplicationsConfig.ready``): when
documents replaces or revokes such a letter, it calls back here.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.applications.models import Application, IssuedLetter
from layanan.applications.workflow import WORKFLOW, ApplicationError
from layanan.catalogue.models import FormField
from layanan.documents.models import Document, LetterTemplate
from layanan.documents.rendering import TemplateProblem, date_text_indonesian
from layanan.documents.services import document_issue, document_preview
from layanan.regions.models import Region

__all__ = [
    "KIND",
    "ApplicationLetters",
    "application_letter_issue",
    "letter_data",
    "letter_preview_pdf",
]

KIND = "application"  # Document.kind of the letters issued here


def _answer_text(field: FormField | None, value: Any, regions: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field is not None and field.kind == FormField.Kind.VILLAGE:
        return regions.get(str(value), str(value))
    if field is not None and field.kind == FormField.Kind.DATE:
        return date_text_indonesian(str(value))
    return str(value)


def _neighbourhood_number(value: str) -> str:
    """An RT or RW number as written on letters and the KTP-el: three digits (``2`` → ``002``)."""
    value = value.strip()
    return value.zfill(3) if value.isdigit() else value


def _rt_rw(data: dict[str, str]) -> dict[str, str]:
    """``rt_rw`` ``002 / 005`` (the "RT / RW" row, as on the KTP-el) and ``rt_rw_text``
    ``RT 002 / RW 005`` (for a sentence); only what was answered, empty when neither was."""
    rt = _neighbourhood_number(data.get("rt", ""))
    rw = _neighbourhood_number(data.get("rw", ""))
    if rt and rw:
        return {"rt_rw": f"{rt} / {rw}", "rt_rw_text": f"RT {rt} / RW {rw}"}
    if rt:
        return {"rt_rw": f"{rt} / -", "rt_rw_text": f"RT {rt}"}
    if rw:
        return {"rt_rw": f"- / {rw}", "rt_rw_text": f"RW {rw}"}
    return {"rt_rw": "", "rt_rw_text": ""}


def letter_data(application: Application) -> dict[str, str]:
    """The application's answers as text for the template.

    A desa code becomes the desa's name, a date is written the Indonesian way
    (``12 Maret 1988``), RT and RW get three digits and are joined as ``rt_rw``
    (``002 / 005``) and ``rt_rw_text`` (``RT 002 / RW 005``).
    """
    answers: dict[str, Any] = dict(application.answers or {})
    fields = {field.name: field for field in application.service.fields.all()}
    codes = [
        str(answers[name])
        for name, field in fields.items()
        if field.kind == FormField.Kind.VILLAGE and answers.get(name)
    ]
    regions = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    data = {name: _answer_text(fields.get(name), value, regions) for name, value in answers.items()}
    for name in ("rt", "rw"):
        if name in data:
            data[name] = _neighbourhood_number(data[name])
    data.update(_rt_rw(data))
    data.setdefault("pemohon", application.applicant.full_name)
    data["nomor_pelacakan"] = application.tracking_number or ""
    return data


def _template_of(application: Application) -> LetterTemplate:
    template = LetterTemplate.objects.select_related("service").filter(service=application.service).first()
    if template is None:
        raise TemplateProblem(f"layanan {application.service.slug} belum punya templat surat")
    return template


def application_letter_issue(
    *,
    application: Application,
    signer: User,
    passphrase: str | None = None,
    replaces: Document | None = None,
) -> Document:
    """Issue the letter of ``application`` signed by ``signer`` (in the caller's transaction, or its own).

    Links the document to the application, writes its ``document_issue`` timeline event
    and tells the applicant (``application.document_ready``). ``replaces``: the letter this
    one replaces (when documents re-issues it). ``passphrase`` is the official's BSrE
    passphrase, passed straight to the signer. Raises :class:`ApplicationError` (no
    handling office), PermissionDenied, ``TemplateProblem`` or ``SigningFailed``; then
    nothing is issued.
    """
    office = application.office
    if office is None:
        raise ApplicationError(_("Permohonan ini belum punya kantor yang menangani."))
    data = letter_data(application)
    with transaction.atomic():
        document = document_issue(
            data=data,
            office=office,
            signer=signer,
            template=_template_of(application),
            kind=KIND,
            holder_name=data.get("nama") or application.applicant.full_name,
            owner=application.applicant,
            owner_agent=application.submitted_by,
            reference=application.tracking_number or "",
            replaces=replaces,
            passphrase=passphrase,
        )
        stored = document.file.name or ""
        try:
            IssuedLetter.objects.create(application=application, document=document)
            WORKFLOW.event(
                application,
                "document_issue",
                signer,
                _("Surat sudah terbit: nomor %(number)s.") % {"number": document.number},
            )
            WORKFLOW.tell(application, "document_ready", once_per=f"d{document.pk}")
        except BaseException:
            document.file.storage.delete(stored)  # the transaction rolls back; so does the file
            raise
    return document


def letter_preview_pdf(*, application: Application, signer: User) -> bytes:
    """The letter :func:`application_letter_issue` would issue now, unsigned and marked as a preview.

    Same data, template and office; ``signer`` is who would sign it. Raises
    :class:`ApplicationError` (no handling office) or ``TemplateProblem``.
    """
    office = application.office
    if office is None:
        raise ApplicationError(_("Permohonan ini belum punya kantor yang menangani."))
    return document_preview(
        data=letter_data(application), office=office, signer=signer, template=_template_of(application)
    )


def _application_of(document: Document) -> Application:
    return Application.objects.select_related("service", "office", "applicant", "submitted_by").get(
        issued_letters__document=document
    )


class ApplicationLetters:
    """Documents' callbacks for the letters of applications (kind ``application``)."""

    def reissue(
        self, *, document: Document, signer: User, reason: str, passphrase: str | None = None
    ) -> Document:
        """The corrected letter, issued from the answers again; the timeline says what it replaces."""
        application = _application_of(document)
        new = application_letter_issue(
            application=application, signer=signer, replaces=document, passphrase=passphrase
        )
        WORKFLOW.event(
            application,
            "document_replace",
            signer,
            _("Surat nomor %(old)s diganti dengan surat nomor %(new)s. Alasan: %(reason)s")
            % {"old": document.number, "new": new.number, "reason": reason},
        )
        return new

    def revoked(self, *, document: Document, actor: User, reason: str) -> None:
        """On the timeline, a new version of the application (its letter changed), and the applicant told."""
        application = _application_of(document)
        Application.objects.filter(pk=application.pk).update(version=F("version") + 1)
        application.refresh_from_db(fields=["version"])
        WORKFLOW.event(
            application,
            "document_revoke",
            actor,
            _("Surat nomor %(number)s dicabut. Alasan: %(reason)s")
            % {"number": document.number, "reason": reason},
        )
        WORKFLOW.tell(application, "document_revoked")  # key application:<id>:document_revoked:v<version>
