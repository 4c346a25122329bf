"""The office decides: approve, reject, or (for a letter) the signing official signs.

Signing issues the letter (numbered, rendered, signed, stored) in the same
transaction as the step: if that fails nothing changes, the application stays
in SIGNING and the official gets a plain message.

Around signing: the office previews the letter before it is signed
(:func:`application_letter_preview`), and afterwards the official revokes it or
replaces it with a corrected one signed again with a fresh code
(:func:`application_letter_revoke`, :func:`application_letter_replace`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layanan.accounts import ratelimit
from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.accounts.services import VerifyOutcome, second_factor_verify
from layanan.applications.letters import application_letter_issue, letter_preview_pdf
from layanan.applications.models import Application, Status
from layanan.applications.services.common import REASON_MAX, clean_text
from layanan.applications.services.review import all_accepted
from layanan.applications.workflow import WORKFLOW, ApplicationError
from layanan.audit.services import audit_record
from layanan.catalogue.models import Service
from layanan.documents.models import Document
from layanan.documents.rendering import TemplateProblem
from layanan.documents.services import DocumentError, document_replace, document_revoke
from layanan.documents.signing import SigningFailed

logger = logging.getLogger(__name__)


def application_approve(
    *, application: Application, actor: User | None, expected_version: int, message: str = ""
) -> Application:
    """Approve: to SIGNING for a letter, to COMPLETED (handed to SIAK) or COMPLETED otherwise.

    ``actor=None`` is the system: SIAK issued the document (``layanan.integrations``), only while
    the application is being processed (the workflow's ``system`` party).
    """
    message = (message or "").strip()[:REASON_MAX]
    output = application.service.output
    if actor is None:
        words = _("Dokumen sudah diterbitkan oleh Dukcapil melalui SIAK. Permohonan selesai.")
        decided = True
        notify = "completed"
    elif output == Service.Output.LETTER:
        words = _("Permohonan disetujui dan menunggu tanda tangan pejabat.")
        decided = False
        notify = "approved"
    elif output == Service.Output.SIAK:
        words = _(
            "Permohonan disetujui dan datanya diteruskan ke SIAK untuk diterbitkan. "
            "Dokumen dapat diambil atau dicetak sesuai petunjuk kantor."
        )
        decided = True
        notify = "completed"
    else:
        words = _("Permohonan disetujui dan selesai.")
        decided = True
        notify = "completed"
    if message:
        words = f"{words} {message}"

    def changes(fresh: Application, now: Any) -> dict[str, Any]:
        return {"paused_at": None, "decided_at": now} if decided else {"paused_at": None}

    return WORKFLOW.step(
        application,
        "approve",
        actor,
        expected_version,
        message=words,
        changes=changes,
        notify=notify,
        before=all_accepted,
        details={"output": output},
    )


def application_reject(
    *, application: Application, actor: User | None, expected_version: int, reason: str
) -> Application:
    """Refuse, with a reason the applicant can read and act on (required); ``None``: SIAK refused."""
    reason = clean_text(
        reason, empty_message=_("Tulis alasan penolakan yang dapat dipahami dan ditindaklanjuti pemohon.")
    )
    return WORKFLOW.step(
        application,
        "reject",
        actor,
        expected_version,
        message=_("Permohonan ditolak. Alasan: %(reason)s") % {"reason": reason},
        changes=lambda fresh, now: {"decision_reason": reason, "decided_at": now, "paused_at": None},
        notify="rejected",
    )


def _second_factor_or_refuse(actor: User, code: str) -> None:
    """The official confirms the signature with a fresh code from their authenticator (used once).

    Limited like the sign-in second factor, on the same per-user counter
    (:data:`~layanan.accounts.ratelimit.SECOND_FACTOR_PER_USER`): after five wrong codes
    the official waits, even with the right one; a right code clears the count.
    """
    limit = ratelimit.SECOND_FACTOR_PER_USER
    subject = str(actor.pk)
    wait = limit.wait_seconds(subject)
    if wait:
        minutes = ratelimit.minutes_text(wait)
        raise ApplicationError(
            ngettext(
                "Terlalu banyak percobaan yang salah. Demi keamanan, coba lagi dalam %(minutes)d menit.",
                "Terlalu banyak percobaan yang salah. Demi keamanan, coba lagi dalam %(minutes)d menit.",
                minutes,
            )
            % {"minutes": minutes}
        )
    result = second_factor_verify(request=None, user=actor, code=code)
    if result.outcome == VerifyOutcome.NOT_SET_UP:
        raise ApplicationError(_("Pasang dulu aplikasi autentikator di profil Anda sebelum menandatangani."))
    if not result.outcome.ok:
        limit.fail(subject)
        raise ApplicationError(
            _("Kode autentikator salah atau sudah dipakai. Masukkan kode 6 angka yang sedang tampil.")
        )
    limit.reset(subject)


def _template_problem_record(application: Application, actor: User, message: str) -> None:
    """Tell the administrators (the audit log, and the log) that a letter template does not compile."""
    logger.warning("letter template of service %s does not compile: %s", application.service.slug, message)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="applications.template_problem",
            obj=application.service,
            details={"service": application.service.slug, "problem": message},
        )


def application_sign(
    *,
    application: Application,
    actor: User,
    expected_version: int,
    second_factor_code: str,
    passphrase: str | None = None,
) -> Application:
    """The signing official signs with a fresh authenticator code: COMPLETED.

    The table is read once before the code is checked, so nobody spends a one-time code
    on a step they may not take; the step itself checks again under the row lock. For a
    letter the document is issued inside the step's transaction (module docstring). A
    letter template that does not compile is recorded for the administrators.
    """
    WORKFLOW.transition_for(actor, WORKFLOW.fresh(application), "sign")
    _second_factor_or_refuse(actor, second_factor_code)

    try:
        with transaction.atomic():
            signed = WORKFLOW.step(
                application,
                "sign",
                actor,
                expected_version,
                message=_("Surat sudah ditandatangani. Permohonan selesai."),
                changes=lambda fresh, now: {"decided_at": now},
                notify="completed",
            )
            if signed.service.output == Service.Output.LETTER:
                application_letter_issue(application=signed, signer=actor, passphrase=passphrase)
        return signed
    except Exception as error:
        WORKFLOW.sync(application, WORKFLOW.fresh(application))  # nothing changed: show it so
        if isinstance(error, TemplateProblem):
            _template_problem_record(application, actor, str(error))
            raise ApplicationError(_("Templat surat bermasalah; administrator sudah diberi tahu.")) from error
        if isinstance(error, SigningFailed):
            raise ApplicationError(str(error)) from error
        if isinstance(error, (ApplicationError, PermissionDenied)):
            raise
        # The signer backend or storage failed.
        logger.exception("issuing the letter of application %s failed", application.pk)
        raise ApplicationError(
            _(
                "Surat belum dapat diterbitkan karena gangguan teknis. "
                "Tidak ada yang berubah; coba lagi nanti."
            )
        ) from error


# --- the letter before and after signing ---------------------------------------------------------------

PREVIEW_STATUSES = frozenset({Status.VERIFYING, Status.PROCESSING, Status.SIGNING})


def _signer_for_preview(application: Application, actor: User) -> User:
    """Who would sign: the actor when they are the official, else the office's official (or a blank)."""
    sign_role = application.service.sign_role
    if actor.role == sign_role or application.office is None:
        return actor
    official = (
        User.objects.filter(office=application.office, role=sign_role, is_active=True)
        .order_by("full_name", "pk")
        .first()
    )
    return official or User(full_name=_("(nama pejabat penandatangan)"), position="", nip="")


def application_letter_preview(*, application: Application, actor: User) -> bytes:
    """The letter as it will be issued, unsigned and marked "PRATINJAU", for the office handling it.

    Only staff of the handling office in one of the service's roles (PermissionDenied for
    anyone else), only for a letter service between checking and signing. Audited: a
    preview shows the applicant's answers.
    """
    require(actor, "application.handle", application)
    if application.service.output != Service.Output.LETTER:
        raise ApplicationError(_("Layanan ini tidak menerbitkan surat."))
    if application.status not in PREVIEW_STATUSES:
        raise ApplicationError(_("Pratinjau surat hanya tersedia sebelum surat ditandatangani."))
    try:
        pdf = letter_preview_pdf(application=application, signer=_signer_for_preview(application, actor))
    except TemplateProblem as error:
        _template_problem_record(application, actor, str(error))
        raise ApplicationError(_("Templat surat bermasalah; administrator sudah diberi tahu.")) from error
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="applications.letter_preview",
            obj=application,
            details={"service": application.service.slug},
        )
    return pdf


def _own_office_document(actor: User, document: Document) -> None:
    """Staff pages act only for the issuing office's own staff (an administrator uses the admin)."""
    if actor.office_id is None or actor.office_id != document.office_id:
        raise PermissionDenied("document")


def application_letter_revoke(*, document: Document, actor: User, reason: str) -> Document:
    """The issuing office's official revokes a letter, with a reason the applicant reads.

    The application's timeline, its version and the applicant's notice follow through the
    letter's source (:class:`layanan.applications.letters.ApplicationLetters`).
    """
    _own_office_document(actor, document)
    require(actor, "document.revoke", document)
    try:
        return document_revoke(document=document, actor=actor, reason=reason)
    except DocumentError as error:
        raise ApplicationError(str(error)) from error


def application_letter_replace(
    *,
    document: Document,
    actor: User,
    reason: str,
    second_factor_code: str,
    passphrase: str | None = None,
) -> Document:
    """The official issues a corrected letter in place of ``document``, signed with a fresh code.

    Permission is checked before the code is spent; the new letter is built from the
    application's answers again, linked to it, and the applicant is told. On any failure
    nothing changes.
    """
    _own_office_document(actor, document)
    require(actor, "document.issue", document)
    if not (reason or "").strip():
        raise ApplicationError(_("Tulis alasan surat ini diganti."))
    if document.state != Document.State.VALID:
        raise ApplicationError(_("Hanya surat yang masih berlaku yang dapat diganti."))
    _second_factor_or_refuse(actor, second_factor_code)
    try:
        return document_replace(document=document, actor=actor, reason=reason, passphrase=passphrase)
    except DocumentError as error:
        raise ApplicationError(str(error)) from error
    except TemplateProblem as error:
        application = Application.objects.select_related("service").get(issued_letters__document=document)
        _template_problem_record(application, actor, str(error))
        raise ApplicationError(_("Templat surat bermasalah; administrator sudah diberi tahu.")) from error
    except SigningFailed as error:
        raise ApplicationError(str(error)) from error
