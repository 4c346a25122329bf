"""The applicant sends the application: submit a draft, resubmit after a revision, or withdraw.

**The SLA clock.** ``due_at = add_working_days(submitted_at, sla_working_days)``
(working days in WIB, holidays and cuti bersama excluded). A request for
revision pauses the clock (``paused_at``). On resubmission the officer gets
back exactly the working days that were left when the clock paused::

    left = working_days_between(paused_at, due_at), rounded up to whole days
    due_at = add_working_days(resubmitted_at, left)

(rounded up: a part of a day left counts as a whole one, in the officer's
favour; if the application was already late when paused, ``left`` is 0 and it
is due at once). Forwarding to another office does not stop or restart the
clock: the citizen did not cause the detour.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.applications.models import Application, RequirementCheck, Status
from layanan.applications.services.common import Incomplete
from layanan.applications.services.identity_check import identity_flags_raise
from layanan.applications.services.office import handling_office, no_office_message
from layanan.applications.services.review import answer_flags_clear, unfixed_answer_labels
from layanan.applications.workflow import WORKFLOW, ApplicationError
from layanan.calendars.selectors import add_working_days, working_days_between
from layanan.catalogue.models import FormField, Requirement
from layanan.tracking.codes import TrackingKind
from layanan.tracking.services import tracking_number_new


def resume_due_at(*, due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The new due time after a pause (see "The SLA clock" in the module docstring)."""
    left = working_days_between(paused_at, due_at)
    if add_working_days(paused_at, left) < due_at:
        left += 1  # a part of a day left counts as a whole one
    return add_working_days(resumed_at, max(left, 0))


def _field_is_shown(field: FormField, answers: dict[str, Any]) -> bool:
    """``shown_when`` is empty (always shown) or ``name=value`` (shown when that answer is the value)."""
    condition = field.shown_when.strip()
    if not condition or "=" not in condition:
        return True
    name, _sep, value = condition.partition("=")
    return str(answers.get(name.strip(), "")) == value.strip()


def _answered(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _missing_items(application: Application) -> list[str]:
    """The labels of required fields not answered and required requirements not provided."""
    answers = application.answers
    missing = [
        field.label
        for field in application.service.fields.all()
        if field.required and _field_is_shown(field, answers) and not _answered(answers.get(field.name))
    ]
    for check in application.checks.select_related("requirement"):
        requirement = check.requirement
        provided = check.provision != RequirementCheck.Provision.MISSING
        if requirement.required and not provided and requirement.name not in missing:
            missing.append(requirement.name)
    return missing


def _ensure_checks(application: Application) -> None:
    """One check per requirement of the service, also for a requirement added after the draft began."""
    have = set(application.checks.values_list("requirement_id", flat=True))
    RequirementCheck.objects.bulk_create(
        RequirementCheck(application=application, requirement=requirement)
        for requirement in application.service.requirements.exclude(pk__in=have)
    )


def _mark_field_requirements(application: Application) -> None:
    """Requirements met by a form field count as provided once the field is answered."""
    answers = application.answers
    for check in application.checks.select_related("requirement").filter(
        requirement__kind=Requirement.Kind.FIELD
    ):
        name = check.requirement.field_name
        answered = bool(name) and _answered(answers.get(name))
        provision = RequirementCheck.Provision.FIELD if answered else RequirementCheck.Provision.MISSING
        if check.provision != provision:
            check.provision = provision
            check.save(update_fields=["provision"])


def _first_submission(fresh: Application, now: datetime) -> dict[str, Any]:
    """A draft gets its office, a tracking number and its clock; refused while anything is missing."""
    _ensure_checks(fresh)
    _mark_field_requirements(fresh)
    missing = _missing_items(fresh)
    office = handling_office(fresh.service, fresh.applicant, fresh.answers)
    if office is None:
        raise Incomplete(
            no_office_message(fresh.applicant), [*missing, str(_("Desa/kelurahan tempat tinggal"))]
        )
    if missing:
        raise Incomplete(_("Lengkapi dulu isian dan persyaratan yang masih kosong."), missing)
    fresh.office = office  # the target and the message read it
    return {
        "office": office,
        "tracking_number": tracking_number_new(kind=TrackingKind.PERMOHONAN),
        "submitted_at": now,
        "due_at": add_working_days(now, fresh.service.sla_working_days),
    }


def _resubmission(fresh: Application, now: datetime) -> dict[str, Any]:
    """Everything marked for revision was provided again; the clock resumes where it paused."""
    _mark_field_requirements(fresh)
    waiting = list(
        fresh.checks.filter(verdict=RequirementCheck.Verdict.REVISION).values_list(
            "requirement__name", flat=True
        )
    )
    waiting += unfixed_answer_labels(fresh)
    missing = waiting + [name for name in _missing_items(fresh) if name not in waiting]
    if missing:
        raise Incomplete(_("Perbaiki dulu semua yang diminta petugas sebelum mengirim ulang."), missing)
    answer_flags_clear(fresh, now)
    if fresh.due_at is not None and fresh.paused_at is not None:
        return {"due_at": resume_due_at(due_at=fresh.due_at, paused_at=fresh.paused_at, resumed_at=now)}
    return {}


def _received_message(fresh: Application) -> str:
    assert fresh.office is not None  # settled by _first_submission
    return _(
        "Permohonan diterima oleh %(office)s dengan nomor pelacakan %(tracking)s. "
        "Batas waktu layanan %(days)d hari kerja."
    ) % {
        "office": fresh.office.name,
        "tracking": fresh.tracking_number,
        "days": fresh.service.sla_working_days,
    }


def application_submit(*, application: Application, actor: User, submit_key: uuid.UUID) -> Application:
    """Submit a draft (or resubmit after revision).

    Idempotent on ``submit_key``: a repeat returns the first result.

    A draft gets its handling office, a tracking number, ``submitted_at`` and ``due_at``. A
    resubmission needs every item marked for revision provided again; it goes back to the
    officer holding it with the clock resumed (module docstring). A repeat with the key of an
    earlier submission of the same application returns it as it is now, with no new event.
    Raises :class:`Incomplete` with the labels of what is missing.
    """
    try:
        with transaction.atomic():
            current = WORKFLOW.fresh(application, lock=True)  # a repeat waits for the first
            if not WORKFLOW.parties_of(actor, current):
                raise PermissionDenied("application.submit")
            if current.submit_key == submit_key:
                WORKFLOW.sync(application, current)
                return current  # a repeat of a submission that already happened
            if Application.objects.filter(submit_key=submit_key).exclude(pk=current.pk).exists():
                raise ApplicationError(
                    _("Formulir ini sudah dipakai untuk permohonan lain. Muat ulang halaman.")
                )
            first = current.status != Status.REVISION
            values: dict[str, Any] = {}

            def check(fresh: Application, now: datetime) -> None:
                values.update(_first_submission(fresh, now) if first else _resubmission(fresh, now))
                identity_flags_raise(fresh, now)  # a NIK not the applicant's: the officer is told

            # A duplicate submit_key raises IntegrityError in the update; caught below.
            return WORKFLOW.step(
                application,
                "submit" if first else "resubmit",
                actor,
                current.version,
                message=(
                    _received_message
                    if first
                    else _("Pemohon mengirim ulang permohonan yang sudah diperbaiki.")
                ),
                before=check,
                changes=lambda fresh, now: {**values, "paused_at": None, "submit_key": submit_key},
                notify="received",
            )
    except IntegrityError:
        # Another request with the same key won the race and committed first.
        existing = Application.objects.filter(submit_key=submit_key).first()
        if existing is None or existing.pk != application.pk:
            raise
        WORKFLOW.sync(application, existing)
        return existing


def application_withdraw(*, application: Application, actor: User, expected_version: int) -> Application:
    """The applicant withdraws a draft, a submission nobody took yet, or one waiting for revision."""
    return WORKFLOW.step(
        application,
        "withdraw",
        actor,
        expected_version,
        message=_("Permohonan dibatalkan oleh pemohon."),
        changes=lambda fresh, now: {"paused_at": None, "decided_at": now},
    )
