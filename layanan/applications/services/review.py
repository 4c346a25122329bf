"""The officer checks the requirements: accept or mark each, send back for revision, or process.

A request for revision pauses the SLA clock (see :mod:`.submission`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.applications.models import Application, RequirementCheck
from layanan.applications.services.common import REASON_MAX, clean_text
from layanan.applications.workflow import WORKFLOW, ApplicationError, TransitionNotAllowed


def requirement_review(
    *, check: RequirementCheck, actor: User, accepted: bool, reason: str = ""
) -> RequirementCheck:
    """Accept one requirement, or mark it for revision with a reason the citizen can act on.

    Does not change the application's version: reviewing items one by one does not make the
    officer's page stale. The verdict shows on the timeline (internally) and, when the
    application is sent back, in the request for revision.
    """
    if not accepted:
        reason = clean_text(
            reason, empty_message=_("Tulis apa yang harus diperbaiki pemohon pada persyaratan ini.")
        )
    with transaction.atomic():
        application = WORKFLOW.fresh(check.application)
        WORKFLOW.transition_for(actor, application, "review")
        fresh = RequirementCheck.objects.select_for_update().select_related("requirement").get(pk=check.pk)
        fresh.verdict = RequirementCheck.Verdict.ACCEPTED if accepted else RequirementCheck.Verdict.REVISION
        fresh.reason = "" if accepted else reason
        fresh.checked_by = actor
        fresh.checked_at = timezone.now()
        fresh.save(update_fields=["verdict", "reason", "checked_by", "checked_at"])
        words = (
            _("%(item)s diterima.") % {"item": fresh.requirement.name}
            if accepted
            else _("%(item)s perlu diperbaiki: %(reason)s")
            % {"item": fresh.requirement.name, "reason": reason}
        )
        WORKFLOW.event(application, "review", actor, words, internal=True)
        WORKFLOW.audit(
            application,
            actor=actor,
            action="requirement_review",
            requirement=fresh.requirement.code,
            verdict=fresh.verdict,
        )
    for name in ("verdict", "reason", "checked_by_id", "checked_at"):
        setattr(check, name, getattr(fresh, name))
    return fresh


def all_accepted(application: Application, now: datetime | None = None) -> None:
    """Every requirement that was provided (and every required one) has been accepted."""
    open_items = [
        check.requirement.name
        for check in application.checks.select_related("requirement")
        if check.verdict != RequirementCheck.Verdict.ACCEPTED
        and (check.requirement.required or check.provision != RequirementCheck.Provision.MISSING)
    ]
    if open_items:
        raise TransitionNotAllowed(
            _("Periksa dan terima dulu semua persyaratan: %(items)s.") % {"items": ", ".join(open_items)}
        )


def application_process(*, application: Application, actor: User, expected_version: int) -> Application:
    """Every requirement is accepted: the office works on the output (verifying → processing)."""
    return WORKFLOW.step(
        application,
        "process",
        actor,
        expected_version,
        message=_("Persyaratan lengkap. Permohonan sedang diproses."),
        before=all_accepted,
    )


def application_request_revision(
    *, application: Application, actor: User, expected_version: int, message: str = ""
) -> Application:
    """Send back to the citizen; the items marked for revision say what to fix. The SLA clock pauses."""
    message = (message or "").strip()[:REASON_MAX]
    items: list[str] = []

    def something_to_fix(fresh: Application, now: datetime) -> None:
        items.extend(
            f"{check.requirement.name}: {check.reason}"
            for check in fresh.checks.select_related("requirement").filter(
                verdict=RequirementCheck.Verdict.REVISION
            )
        )
        if not items and not message:
            raise ApplicationError(
                _("Tandai dulu persyaratan yang perlu diperbaiki, atau tulis pesan untuk pemohon.")
            )

    def words(fresh: Application) -> str:
        return " ".join(
            [_("Permohonan perlu diperbaiki oleh pemohon."), *items, *([message] if message else [])]
        )

    return WORKFLOW.step(
        application,
        "request_revision",
        actor,
        expected_version,
        message=words,
        changes=lambda fresh, now: {"paused_at": now},
        notify="revision_needed",
        before=something_to_fix,
    )
