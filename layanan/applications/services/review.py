"""The officer checks the requirements: accept or mark each, send back for revision, or process.

A request for revision pauses the SLA clock (see :mod:`.submission`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.applications.forms import field_name_words
from layanan.applications.models import AnswerFlag, Application, RequirementCheck
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


def _flag_answers(
    fresh: Application, actor: User, now: datetime, answers: Mapping[str, str]
) -> list[tuple[str, str]]:
    """Open one flag per answer named in ``answers`` (an open flag on the same answer is replaced).

    Returns (label, reason) pairs in the form's order.
    """
    labels = {
        name: label
        for name, label in fresh.service.fields.order_by("step", "order", "pk").values_list("name", "label")
    }
    unknown = set(answers) - set(labels)
    if unknown:
        raise ApplicationError(_("Isian yang ditandai tidak ada pada formulir layanan ini."))
    AnswerFlag.objects.filter(
        application=fresh, field_name__in=list(answers), cleared_at__isnull=True
    ).update(cleared_at=now)
    AnswerFlag.objects.bulk_create(
        AnswerFlag(application=fresh, field_name=name, reason=reason, flagged_by=actor, flagged_at=now)
        for name, reason in answers.items()
    )
    return [(label, answers[name]) for name, label in labels.items() if name in answers]


def _flag_files(fresh: Application, actor: User, now: datetime, files: Mapping[str, str]) -> None:
    """Mark each requirement named in ``files`` (by code) for revision with its reason."""
    checks = {
        check.requirement.code: check
        for check in fresh.checks.select_for_update().select_related("requirement")
    }
    if set(files) - set(checks):
        raise ApplicationError(_("Persyaratan yang ditandai tidak ada pada permohonan ini."))
    for code, reason in files.items():
        check = checks[code]
        check.verdict = RequirementCheck.Verdict.REVISION
        check.reason = reason
        check.checked_by = actor
        check.checked_at = now
        check.save(update_fields=["verdict", "reason", "checked_by", "checked_at"])


def _reasons(given: Mapping[str, str] | None, label_of: Callable[[str], str]) -> dict[str, str]:
    cleaned = {}
    for key, reason in (given or {}).items():
        cleaned[key] = clean_text(
            reason, empty_message=_("Tulis alasan perbaikan untuk %(item)s.") % {"item": label_of(key)}
        )
    return cleaned


def application_request_revision(
    *,
    application: Application,
    actor: User,
    expected_version: int,
    message: str = "",
    answers: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> Application:
    """Send back to the citizen with what to fix; the SLA clock pauses.

    ``answers`` maps form fields (by name) and ``files`` requirements (by code) to the reason
    each must be fixed, several at once; requirements already marked for revision one by one
    (:func:`requirement_review`) are sent too. ``message`` is an optional word to the applicant.
    Each flag is on the timeline (one event naming every item and its reason) and in the audit
    row (the field names and requirement codes, never the answers).
    """
    message = (message or "").strip()[:REASON_MAX]
    field_labels = dict(application.service.fields.values_list("name", "label"))
    file_names = dict(application.service.requirements.values_list("code", "name"))
    answers = _reasons(answers, lambda name: field_labels.get(name, name))
    files = _reasons(files, lambda code: file_names.get(code, code))
    items: list[str] = []
    details: dict[str, Any] = {}

    def something_to_fix(fresh: Application, now: datetime) -> None:
        flagged = _flag_answers(fresh, actor, now, answers) if answers else []
        if files:
            _flag_files(fresh, actor, now, files)
        items.extend(f"{field_name_words(label)}: {reason}" for label, reason in flagged)
        marked = list(
            fresh.checks.select_related("requirement")
            .filter(verdict=RequirementCheck.Verdict.REVISION)
            .order_by("requirement__order", "pk")
        )
        items.extend(f"{check.requirement.name}: {check.reason}" for check in marked)
        if not items and not message:
            raise ApplicationError(
                _("Tandai dulu isian atau persyaratan yang perlu diperbaiki, atau tulis pesan untuk pemohon.")
            )
        details["answers"] = sorted(answers)
        details["requirements"] = [check.requirement.code for check in marked]

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
        changes=lambda fresh, now: {"paused_at": now, "revision_message": message},
        notify="revision_needed",
        before=something_to_fix,
        details=details,
    )


# --- the applicant's side of a revision: fixing a flagged answer, and the flags' end ----------------


def open_answer_flags(application: Application) -> list[AnswerFlag]:
    """The flags the applicant still has to look at (open), in the order they were made."""
    return list(application.answer_flags.filter(cleared_at__isnull=True).order_by("flagged_at", "pk"))


def answer_flags_fix(*, application: Application, actor: User, names: Iterable[str]) -> None:
    """The applicant saved the answers ``names`` again: their open flags count as fixed.

    Called inside the save's transaction; one timeline event and one audit row per fixed flag.
    """
    now = timezone.now()
    labels = dict(application.service.fields.values_list("name", "label"))
    for flag in application.answer_flags.filter(
        cleared_at__isnull=True, fixed_at__isnull=True, field_name__in=list(names)
    ).order_by("pk"):
        flag.fixed_at = now
        flag.save(update_fields=["fixed_at"])
        label = labels.get(flag.field_name, flag.field_name)
        words = _("Pemohon memperbaiki: %(item)s.") % {"item": field_name_words(label)}
        WORKFLOW.event(application, "fix_answer", actor, words)
        WORKFLOW.audit(application, actor=actor, action="answer_fix", field=flag.field_name)


def unfixed_answer_labels(application: Application) -> list[str]:
    """The labels of flagged answers the applicant has not saved again yet (resubmission waits)."""
    labels = dict(application.service.fields.values_list("name", "label"))
    return [
        labels.get(flag.field_name, flag.field_name)
        for flag in open_answer_flags(application)
        if flag.fixed_at is None
    ]


def answer_flags_clear(application: Application, now: datetime) -> int:
    """The application goes back to the office: every open flag ends (kept for the history)."""
    Application.objects.filter(pk=application.pk).update(revision_message="")
    application.revision_message = ""
    return application.answer_flags.filter(cleared_at__isnull=True).update(cleared_at=now)
