"""The office decides: approve, reject, or (for a letter) the signing official signs.

Signing issues the letter (numbered, rendered, signed, stored) in the same
transaction as the step: if that fails nothing changes, the application stays
in SIGNING and the official gets a plain message.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.services import VerifyOutcome, second_factor_verify
from layanan.applications.letters import application_letter_issue
from layanan.applications.models import Application
from layanan.applications.services.common import REASON_MAX, clean_text
from layanan.applications.services.review import all_accepted
from layanan.applications.workflow import WORKFLOW, ApplicationError
from layanan.audit.services import audit_record
from layanan.catalogue.models import Service
from layanan.documents.rendering import TemplateProblem
from layanan.documents.signing import SigningFailed

logger = logging.getLogger(__name__)


def application_approve(
    *, application: Application, actor: User, expected_version: int, message: str = ""
) -> Application:
    """Approve: to SIGNING for a letter, to COMPLETED (handed to SIAK) or COMPLETED otherwise."""
    message = (message or "").strip()[:REASON_MAX]
    output = application.service.output
    if output == Service.Output.LETTER:
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
    *, application: Application, actor: User, expected_version: int, reason: str
) -> Application:
    """Refuse, with a reason the applicant can read and act on (required)."""
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
    """The official confirms the signature with a fresh code from their authenticator (used once)."""
    result = second_factor_verify(request=None, user=actor, code=code)
    if result.outcome == VerifyOutcome.NOT_SET_UP:
        raise ApplicationError(_("Pasang dulu aplikasi autentikator di profil Anda sebelum menandatangani."))
    if not result.outcome.ok:
        raise ApplicationError(
            _("Kode autentikator salah atau sudah dipakai. Masukkan kode 6 angka yang sedang tampil.")
        )


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
