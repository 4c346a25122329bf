"""Every change to an application: one function each, one transaction each.

INTERFACE FIXED BY THE LEAD; bodies are filled in by the applications-domain work.
Each service checks permission through ``layanan.accounts.permissions``, checks
the transition against ``workflow.TRANSITIONS``, writes the change, a
:class:`TimelineEvent` and ``audit_record(...)`` in one transaction, and
enqueues the citizen's notification with ``transaction.on_commit``.

State-changing staff actions take ``expected_version`` (the
``Application.version`` the officer saw); if another officer changed the
application meanwhile, :class:`ConcurrentChange` is raised and nothing is
written.

Refusals, and how to tell them apart:

- :class:`~django.core.exceptions.PermissionDenied`: the actor has no part in
  this application at all (another citizen, staff of another office, a
  leader or auditor, who only read);
- :class:`TransitionNotAllowed`: the actor has a part, but the workflow does
  not allow this step now, or not for the actor's role;
- :class:`ConcurrentChange`: someone changed it first;
- :class:`Incomplete`: the application cannot be (re)submitted yet;
- :class:`ApplicationError`: any other refusal (an empty reason...).
  All but ``PermissionDenied`` derive from it and carry a message for people.

**Which office handles it** (set at start when known, settled at submit):
the service's office when the handler is a fixed office; for a desa or
kecamatan handler the office serving the applicant's desa
(``agencies.selectors.office_for_region``; a desa without its own office is
served by its kecamatan). The desa is the answer to the form's field named
``desa`` of kind *village* (a region code) when the service has one and it is
answered, else the applicant's ``home_region``. When neither is known,
:class:`Incomplete` asks the citizen to set the desa in their profile.

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

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import can, require
from layanan.agencies.models import Office
from layanan.agencies.selectors import office_for_region
from layanan.applications import workflow
from layanan.applications.models import Application, Attachment, RequirementCheck, Status, TimelineEvent
from layanan.applications.workflow import ApplicationError, TransitionNotAllowed
from layanan.audit.services import audit_record
from layanan.calendars.selectors import add_working_days, working_days_between
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.regions.models import Region
from layanan.tracking.codes import TrackingKind
from layanan.tracking.services import tracking_number_new

__all__ = [
    "ApplicationError",
    "ConcurrentChange",
    "Incomplete",
    "TransitionNotAllowed",
    "application_approve",
    "application_assign",
    "application_claim",
    "application_forward",
    "application_note",
    "application_process",
    "application_reject",
    "application_request_revision",
    "application_save_step",
    "application_sign",
    "application_start",
    "application_submit",
    "application_withdraw",
    "requirement_provide",
    "requirement_review",
    "resume_due_at",
]

DESA_FIELD = "desa"
REASON_MAX = 2000


class ConcurrentChange(ApplicationError):
    """Someone else changed the application first; reload and try again."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Permohonan ini baru saja diubah oleh petugas lain. "
                "Muat ulang halaman untuk melihat keadaan terbaru."
            )
        )


class Incomplete(ApplicationError):
    """The application cannot be submitted yet; ``.missing`` lists what is missing."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


# --- helpers ----------------------------------------------------------------------------------------


def _fresh(application: Application, *, lock: bool = False) -> Application:
    """The application as the database has it now (locked for the transaction when ``lock``)."""
    rows = Application.objects.all()
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.select_related("service", "office", "applicant").get(pk=application.pk)


def _sync(stale: Application, fresh: Application) -> None:
    """Bring the caller's instance up to date, so it does not keep showing the old state."""
    if stale is fresh:
        return
    for model_field in Application._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(fresh, model_field.attname))


def _event(
    application: Application,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    message: str,
    internal: bool = False,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
        internal=internal,
    )


def _notify(application_id: int, event: str) -> None:
    """Enqueue the applicant's notification once the transaction commits."""
    from layanan.applications.tasks import application_notify  # tasks import models only

    transaction.on_commit(lambda: application_notify.enqueue(application_id, event))


def _details(application: Application, **extra: Any) -> dict[str, Any]:
    """Audit details: what happened, never personal data (no answers, names or reasons)."""
    return {
        "service": application.service.slug,
        "office": application.office.code if application.office else "",
        **extra,
    }


def _party_or_refuse(actor: User, application: Application, action: str) -> None:
    if not workflow.parties_of(actor, application):
        raise PermissionDenied(f"application.{action}")


def _check_version(application: Application, expected_version: int) -> None:
    if application.version != expected_version:
        raise ConcurrentChange()


def _move(
    application: Application,
    *,
    actor: User,
    action: str,
    expected_version: int,
    message: str | Callable[[Application], str],
    changes: dict[str, Any] | None = None,
    internal: bool = False,
    notify: str | None = None,
    precondition: Callable[[Application], None] | None = None,
    details: dict[str, Any] | None = None,
) -> Application:
    """One staff step: permission, version, workflow, conditional update, timeline, audit, notice."""
    with transaction.atomic():
        fresh = _fresh(application)
        _party_or_refuse(actor, fresh, action)
        _check_version(fresh, expected_version)
        transition = workflow.transition_for(actor, fresh, action)
        if precondition is not None:
            precondition(fresh)
        from_status = fresh.status
        to_status = workflow.target(transition, fresh)
        now = timezone.now()
        values: dict[str, Any] = {"status": to_status, "updated_at": now, **(changes or {})}
        updated = Application.objects.filter(pk=fresh.pk, version=fresh.version, status=from_status).update(
            version=F("version") + 1, **values
        )
        if updated != 1:
            raise ConcurrentChange()
        fresh.version += 1
        for name, value in values.items():
            setattr(fresh, name, value)
        _event(
            fresh,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            message=message if isinstance(message, str) else message(fresh),
            internal=internal,
        )
        audit_record(
            actor=actor,
            action=f"application.{action}",
            obj=fresh,
            details=_details(fresh, from_status=from_status, to_status=to_status, **(details or {})),
        )
        if notify:
            _notify(fresh.pk, notify)
    _sync(application, fresh)
    return fresh


def _village_answer(service: Service, answers: dict[str, Any]) -> Region | None:
    code = answers.get(DESA_FIELD)
    if not code or not isinstance(code, str) or not _has_desa_field(service):
        return None
    return Region.objects.filter(code=code, level=Region.Level.VILLAGE).select_related("parent").first()


def _has_desa_field(service: Service) -> bool:
    return service.fields.filter(name=DESA_FIELD, kind=FormField.Kind.VILLAGE).exists()


def _handling_office(service: Service, applicant: User, answers: dict[str, Any]) -> Office | None:
    """The office that handles this application (see the module docstring), or None if unknown yet."""
    if service.handler == Service.Handler.FIXED_OFFICE:
        return service.office
    region = _village_answer(service, answers) or applicant.home_region
    if region is None:
        return None
    if service.handler == Service.Handler.APPLICANT_DISTRICT and region.level == Region.Level.VILLAGE:
        region = region.parent if region.parent is not None else region
    return office_for_region(region)


def _no_office_message(applicant: User) -> str:
    if applicant.home_region_id is None:
        return _(
            "Isi dulu desa/kelurahan tempat tinggal Anda di profil, supaya permohonan dikirim ke kantor "
            "desa atau kecamatan yang tepat."
        )
    return _("Belum ada kantor di platform ini yang melayani desa/kelurahan Anda untuk layanan ini.")


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


def resume_due_at(*, due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The new due time after a pause (see "The SLA clock" in the module docstring)."""
    left = working_days_between(paused_at, due_at)
    if add_working_days(paused_at, left) < due_at:
        left += 1  # a part of a day left counts as a whole one
    return add_working_days(resumed_at, max(left, 0))


def _clean_text(text: str, *, empty_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(empty_message)
    if len(text) > REASON_MAX:
        raise ApplicationError(_("Tulis paling banyak %(max)d karakter.") % {"max": REASON_MAX})
    return text


# --- the applicant's side ---------------------------------------------------------------------------


def application_start(
    *, service: Service, applicant: User, actor: User, consent: bool = False
) -> Application:
    """A new draft. An operator may start one for a walk-in citizen only with ``consent`` recorded."""
    require(actor, "application.apply", applicant)
    if not service.is_active:
        raise ApplicationError(_("Layanan ini sedang tidak menerima permohonan."))
    assisted = actor.pk != applicant.pk
    if assisted and not consent:
        raise ApplicationError(
            _("Catat dulu bahwa pemohon setuju permohonan ini diajukan oleh operator atas namanya.")
        )
    office = _handling_office(service, applicant, {})
    if office is None and not _has_desa_field(service):
        raise Incomplete(_no_office_message(applicant), [str(_("Desa/kelurahan tempat tinggal"))])
    with transaction.atomic():
        application = Application.objects.create(
            service=service,
            applicant=applicant,
            submitted_by=actor if assisted else None,
            assisted_consent=assisted,
            office=office,
        )
        RequirementCheck.objects.bulk_create(
            RequirementCheck(application=application, requirement=requirement)
            for requirement in service.requirements.all()
        )
        _event(
            application,
            actor=actor,
            action="start",
            from_status="",
            to_status=Status.DRAFT,
            message=_("Draf permohonan dibuat."),
        )
        audit_record(
            actor=actor,
            action="application.start",
            obj=application,
            details=_details(application, assisted=assisted),
        )
    return application


def application_save_step(
    *, application: Application, actor: User, step: int, answers: dict[str, object]
) -> Application:
    """Store the cleaned answers of one step of the form (draft or revision only).

    ``answers`` maps field names of that step to their cleaned values (JSON-able; dates become
    ISO text). Other answers are kept. ``current_step`` becomes the first step not saved yet.
    A field name that is not in this step is a programming error (``ValueError``).
    """
    with transaction.atomic():
        fresh = _fresh(application, lock=True)
        _party_or_refuse(actor, fresh, "edit")
        workflow.transition_for(actor, fresh, "edit")
        names = set(fresh.service.fields.filter(step=step).values_list("name", flat=True))
        if not names:
            raise ValueError(f"service {fresh.service.slug!r} has no step {step}")
        unknown = set(answers) - names
        if unknown:
            raise ValueError(f"fields not in step {step}: {sorted(unknown)}")
        merged = fresh.answers
        merged.update(answers)
        fresh.answers = merged
        fresh.current_step = max(fresh.current_step, step + 1)
        fresh.version += 1
        fresh.save(update_fields=["answers_sealed", "current_step", "version", "updated_at"])
        if fresh.status == Status.REVISION:
            # A requirement met by a field of this step counts as fixed once the field is saved again.
            fixed = fresh.checks.filter(
                verdict=RequirementCheck.Verdict.REVISION,
                requirement__kind=Requirement.Kind.FIELD,
                requirement__field_name__in=list(answers),
            ).select_related("requirement")
            for check in fixed:
                check.verdict = RequirementCheck.Verdict.PENDING
                check.reason = ""
                check.checked_by = None
                check.checked_at = None
                check.save(update_fields=["verdict", "reason", "checked_by", "checked_at"])
                _event(
                    fresh,
                    actor=actor,
                    action="provide",
                    from_status=fresh.status,
                    to_status=fresh.status,
                    message=_("Pemohon memperbaiki: %(item)s.") % {"item": check.requirement.name},
                )
        audit_record(
            actor=actor,
            action="application.save_step",
            obj=fresh,
            details=_details(fresh, step=step, fields=len(answers)),
        )
    _sync(application, fresh)
    return fresh


_PROVISIONS_BY_KIND: dict[str, frozenset[str]] = {
    Requirement.Kind.UPLOAD: frozenset({RequirementCheck.Provision.UPLOAD}),
    Requirement.Kind.UPLOAD_OR_PAPER: frozenset(
        {RequirementCheck.Provision.UPLOAD, RequirementCheck.Provision.PAPER}
    ),
    Requirement.Kind.PAPER: frozenset({RequirementCheck.Provision.PAPER}),
    Requirement.Kind.FIELD: frozenset(),
}


def requirement_provide(
    *,
    application: Application,
    actor: User,
    requirement: Requirement,
    provision: str,
    upload: UploadedFile | None = None,
) -> RequirementCheck:
    """Meet a requirement by an upload (validated and re-encoded by ``uploads``) or by bringing the paper.

    ``provision`` is ``"upload"`` (with ``upload``) or ``"paper"``, as the requirement's kind
    allows. The previous upload for the same requirement stops being current. The officer's
    verdict goes back to pending. During a revision only the items marked for revision may be
    provided again. A refused upload raises :class:`ApplicationError` (its message from
    ``uploads.UploadRefused``).
    """
    from layanan.core import uploads  # the citizen-views module; imported when used

    if requirement.service_id != application.service_id:
        raise ValueError("the requirement belongs to another service")
    if provision not in _PROVISIONS_BY_KIND.get(requirement.kind, frozenset()):
        raise ApplicationError(_("Persyaratan ini tidak dapat dipenuhi dengan cara itu."))
    if provision == RequirementCheck.Provision.UPLOAD and upload is None:
        raise ApplicationError(_("Pilih berkas yang akan diunggah."))
    clean: uploads.CleanFile | None = None
    if provision == RequirementCheck.Provision.UPLOAD:
        assert upload is not None
        try:
            clean = uploads.clean_upload(upload)
        except uploads.UploadRefused as refused:
            raise ApplicationError(str(refused)) from refused
    with transaction.atomic():
        fresh = _fresh(application, lock=True)
        _party_or_refuse(actor, fresh, "edit")
        workflow.transition_for(actor, fresh, "edit")
        check, _created = RequirementCheck.objects.get_or_create(application=fresh, requirement=requirement)
        if fresh.status == Status.REVISION and check.verdict != RequirementCheck.Verdict.REVISION:
            raise TransitionNotAllowed(
                _("%(item)s tidak diminta untuk diperbaiki, jadi tidak perlu diubah.")
                % {"item": requirement.name}
            )
        details: dict[str, Any] = {"requirement": requirement.code, "provision": provision}
        if clean is not None:
            Attachment.objects.filter(application=fresh, requirement=requirement, is_current=True).update(
                is_current=False
            )
            attachment = Attachment(
                application=fresh,
                requirement=requirement,
                content_type=clean.content_type,
                size=len(clean.content),
                sha256=clean.sha256 or hashlib.sha256(clean.content).hexdigest(),
                uploaded_by=actor,
            )
            attachment.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
            attachment.save()
            details["size"] = attachment.size
        else:
            Attachment.objects.filter(application=fresh, requirement=requirement, is_current=True).update(
                is_current=False
            )
        check.provision = provision
        check.verdict = RequirementCheck.Verdict.PENDING
        check.reason = ""
        check.checked_by = None
        check.checked_at = None
        check.save(update_fields=["provision", "verdict", "reason", "checked_by", "checked_at"])
        Application.objects.filter(pk=fresh.pk).update(version=F("version") + 1, updated_at=timezone.now())
        fresh.version += 1
        if fresh.status == Status.REVISION:
            _event(
                fresh,
                actor=actor,
                action="provide",
                from_status=fresh.status,
                to_status=fresh.status,
                message=_("Pemohon memperbaiki: %(item)s.") % {"item": requirement.name},
            )
        audit_record(actor=actor, action="application.requirement_provide", obj=fresh, details=details)
    _sync(application, fresh)
    return check


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
            return _submit(application=application, actor=actor, submit_key=submit_key)
    except IntegrityError:
        # Another request with the same key won the race and committed first.
        existing = Application.objects.filter(submit_key=submit_key).first()
        if existing is None or existing.pk != application.pk:
            raise
        _sync(application, existing)
        return existing


def _submit(*, application: Application, actor: User, submit_key: uuid.UUID) -> Application:
    fresh = _fresh(application, lock=True)
    _party_or_refuse(actor, fresh, "submit")
    if fresh.submit_key == submit_key:
        _sync(application, fresh)
        return fresh  # a repeat of a submission that already happened
    if Application.objects.filter(submit_key=submit_key).exclude(pk=fresh.pk).exists():
        raise ApplicationError(_("Formulir ini sudah dipakai untuk permohonan lain. Muat ulang halaman."))
    action = "resubmit" if fresh.status == Status.REVISION else "submit"
    transition = workflow.transition_for(actor, fresh, action)
    now = timezone.now()
    from_status = fresh.status
    if action == "submit":
        _ensure_checks(fresh)
        _mark_field_requirements(fresh)
        missing = _missing_items(fresh)
        office = _handling_office(fresh.service, fresh.applicant, fresh.answers)
        if office is None:
            raise Incomplete(
                _no_office_message(fresh.applicant), [*missing, str(_("Desa/kelurahan tempat tinggal"))]
            )
        if missing:
            raise Incomplete(_("Lengkapi dulu isian dan persyaratan yang masih kosong."), missing)
        fresh.office = office
        fresh.tracking_number = tracking_number_new(kind=TrackingKind.PERMOHONAN)
        fresh.submitted_at = now
        fresh.due_at = add_working_days(now, fresh.service.sla_working_days)
        message = _(
            "Permohonan diterima oleh %(office)s dengan nomor pelacakan %(tracking)s. "
            "Batas waktu layanan %(days)d hari kerja."
        ) % {"office": office.name, "tracking": fresh.tracking_number, "days": fresh.service.sla_working_days}
        notify = "received"
    else:
        _mark_field_requirements(fresh)
        waiting = list(
            fresh.checks.filter(verdict=RequirementCheck.Verdict.REVISION).values_list(
                "requirement__name", flat=True
            )
        )
        missing = waiting + [name for name in _missing_items(fresh) if name not in waiting]
        if missing:
            raise Incomplete(_("Perbaiki dulu semua yang diminta petugas sebelum mengirim ulang."), missing)
        if fresh.due_at is not None and fresh.paused_at is not None:
            fresh.due_at = resume_due_at(due_at=fresh.due_at, paused_at=fresh.paused_at, resumed_at=now)
        message = _("Pemohon mengirim ulang permohonan yang sudah diperbaiki.")
        notify = "received"
    fresh.status = workflow.target(transition, fresh)
    fresh.paused_at = None
    fresh.submit_key = submit_key
    fresh.version += 1
    # A duplicate submit_key raises IntegrityError here; application_submit() catches it.
    fresh.save(
        update_fields=[
            "office",
            "tracking_number",
            "submitted_at",
            "due_at",
            "paused_at",
            "status",
            "submit_key",
            "version",
            "updated_at",
        ]
    )
    _event(
        fresh, actor=actor, action=action, from_status=from_status, to_status=fresh.status, message=message
    )
    audit_record(
        actor=actor,
        action=f"application.{action}",
        obj=fresh,
        details=_details(fresh, from_status=from_status, to_status=fresh.status),
    )
    _notify(fresh.pk, notify)
    _sync(application, fresh)
    return fresh


def application_withdraw(*, application: Application, actor: User, expected_version: int) -> Application:
    """The applicant withdraws a draft, a submission nobody took yet, or one waiting for revision."""
    now = timezone.now()
    return _move(
        application,
        actor=actor,
        action="withdraw",
        expected_version=expected_version,
        message=_("Permohonan dibatalkan oleh pemohon."),
        changes={"paused_at": None, "decided_at": now},
    )


# --- the office's side ------------------------------------------------------------------------------


def application_claim(*, application: Application, actor: User, expected_version: int) -> Application:
    """An officer takes a new application from the queue and starts checking it."""
    return _move(
        application,
        actor=actor,
        action="claim",
        expected_version=expected_version,
        message=_("Permohonan mulai diperiksa petugas."),
        changes={"assigned_to": actor},
    )


def application_assign(
    *, application: Application, actor: User, assignee: User, expected_version: int
) -> Application:
    """Hand the application to a colleague of the same office who can verify or decide it."""
    service = application.service
    if (
        not assignee.is_active
        or assignee.office_id != application.office_id
        or assignee.role not in {service.verify_role, service.decide_role}
        or not can(assignee, "application.handle", application)
    ):
        raise ApplicationError(_("Pilih petugas kantor ini yang dapat memeriksa atau memutuskan permohonan."))
    return _move(
        application,
        actor=actor,
        action="assign",
        expected_version=expected_version,
        message=_("Permohonan diserahkan kepada %(name)s.") % {"name": assignee.full_name},
        changes={"assigned_to": assignee},
        internal=True,
        details={"assignee": assignee.pk},
    )


def requirement_review(
    *, check: RequirementCheck, actor: User, accepted: bool, reason: str = ""
) -> RequirementCheck:
    """Accept one requirement, or mark it for revision with a reason the citizen can act on.

    Does not change the application's version: reviewing items one by one does not make the
    officer's page stale. The verdict shows on the timeline (internally) and, when the
    application is sent back, in the request for revision.
    """
    if not accepted:
        reason = _clean_text(
            reason, empty_message=_("Tulis apa yang harus diperbaiki pemohon pada persyaratan ini.")
        )
    with transaction.atomic():
        application = _fresh(check.application)
        _party_or_refuse(actor, application, "review")
        workflow.transition_for(actor, application, "review")
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
        _event(
            application,
            actor=actor,
            action="review",
            from_status=application.status,
            to_status=application.status,
            message=words,
            internal=True,
        )
        audit_record(
            actor=actor,
            action="application.requirement_review",
            obj=application,
            details=_details(application, requirement=fresh.requirement.code, verdict=fresh.verdict),
        )
    for name in ("verdict", "reason", "checked_by_id", "checked_at"):
        setattr(check, name, getattr(fresh, name))
    return fresh


def _all_accepted(application: Application) -> None:
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
    return _move(
        application,
        actor=actor,
        action="process",
        expected_version=expected_version,
        message=_("Persyaratan lengkap. Permohonan sedang diproses."),
        precondition=_all_accepted,
    )


def application_request_revision(
    *, application: Application, actor: User, expected_version: int, message: str = ""
) -> Application:
    """Send back to the citizen; the items marked for revision say what to fix. The SLA clock pauses."""
    message = (message or "").strip()[:REASON_MAX]
    items: list[str] = []

    def something_to_fix(fresh: Application) -> None:
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

    return _move(
        application,
        actor=actor,
        action="request_revision",
        expected_version=expected_version,
        message=words,
        changes={"paused_at": timezone.now()},
        notify="revision_needed",
        precondition=something_to_fix,
    )


def application_approve(
    *, application: Application, actor: User, expected_version: int, message: str = ""
) -> Application:
    """Approve: to SIGNING for a letter, to COMPLETED (handed to SIAK) or COMPLETED otherwise."""
    message = (message or "").strip()[:REASON_MAX]
    output = application.service.output
    now = timezone.now()
    if output == Service.Output.LETTER:
        words = _("Permohonan disetujui dan menunggu tanda tangan pejabat.")
        changes: dict[str, Any] = {"paused_at": None}
        notify = "approved"
    elif output == Service.Output.SIAK:
        words = _(
            "Permohonan disetujui dan datanya diteruskan ke SIAK untuk diterbitkan. "
            "Dokumen dapat diambil atau dicetak sesuai petunjuk kantor."
        )
        changes = {"paused_at": None, "decided_at": now}
        notify = "completed"
    else:
        words = _("Permohonan disetujui dan selesai.")
        changes = {"paused_at": None, "decided_at": now}
        notify = "completed"
    if message:
        words = f"{words} {message}"
    return _move(
        application,
        actor=actor,
        action="approve",
        expected_version=expected_version,
        message=words,
        changes=changes,
        notify=notify,
        precondition=_all_accepted,
        details={"output": output},
    )


def _second_factor_or_refuse(actor: User, code: str) -> None:
    """The official confirms the signature with a fresh code from their authenticator (used once)."""
    from layanan.accounts.services import VerifyOutcome, second_factor_verify

    result = second_factor_verify(request=None, user=actor, code=code)
    if result.outcome == VerifyOutcome.NOT_SET_UP:
        raise ApplicationError(_("Pasang dulu aplikasi autentikator di profil Anda sebelum menandatangani."))
    if not result.outcome.ok:
        raise ApplicationError(
            _("Kode autentikator salah atau sudah dipakai. Masukkan kode 6 angka yang sedang tampil.")
        )


def _template_problem_record(application: Application, actor: User, message: str) -> None:
    """Tell the administrators (the audit log, and the log) that a letter template does not compile."""
    import logging

    logging.getLogger(__name__).warning(
        "letter template of service %s does not compile: %s", application.service.slug, message
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="document.template_problem",
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

    For a letter the document is issued (numbered, rendered, signed, stored) in
    the same transaction: if that fails nothing changes, the application stays
    in SIGNING and the official gets a plain message. A letter template that
    does not compile is recorded for the administrators.
    """
    from layanan.applications.letters import application_letter_issue
    from layanan.documents.rendering import TemplateProblem
    from layanan.documents.signing import SigningFailed

    current = _fresh(application)
    _party_or_refuse(actor, current, "sign")
    workflow.transition_for(actor, current, "sign")
    _second_factor_or_refuse(actor, second_factor_code)
    try:
        with transaction.atomic():
            signed = _move(
                application,
                actor=actor,
                action="sign",
                expected_version=expected_version,
                message=_("Surat sudah ditandatangani. Permohonan selesai."),
                changes={"decided_at": timezone.now()},
                notify="completed",
            )
            if signed.service.output == Service.Output.LETTER:
                application_letter_issue(application=signed, signer=actor, passphrase=passphrase)
    except TemplateProblem as problem:
        _sync(application, _fresh(application))
        _template_problem_record(application, actor, str(problem))
        raise ApplicationError(_("Templat surat bermasalah; administrator sudah diberi tahu.")) from problem
    except SigningFailed as failed:
        _sync(application, _fresh(application))
        raise ApplicationError(str(failed)) from failed
    except (ApplicationError, PermissionDenied):
        _sync(application, _fresh(application))
        raise
    except Exception as error:  # the signer backend or storage failed: nothing was changed
        import logging

        logging.getLogger(__name__).exception("issuing the letter of application %s failed", application.pk)
        _sync(application, _fresh(application))
        raise ApplicationError(
            _(
                "Surat belum dapat diterbitkan karena gangguan teknis. "
                "Tidak ada yang berubah; coba lagi nanti."
            )
        ) from error
    return signed


def application_reject(
    *, application: Application, actor: User, expected_version: int, reason: str
) -> Application:
    """Refuse, with a reason the applicant can read and act on (required)."""
    reason = _clean_text(
        reason, empty_message=_("Tulis alasan penolakan yang dapat dipahami dan ditindaklanjuti pemohon.")
    )
    return _move(
        application,
        actor=actor,
        action="reject",
        expected_version=expected_version,
        message=_("Permohonan ditolak. Alasan: %(reason)s") % {"reason": reason},
        changes={"decision_reason": reason, "decided_at": timezone.now(), "paused_at": None},
        notify="rejected",
    )


def application_forward(
    *, application: Application, actor: User, expected_version: int, office: Office, reason: str
) -> Application:
    """Send to the office that handles it, with a reason; nobody holds it there yet.

    The due time stays as it was: the citizen did not cause the detour.
    """
    reason = _clean_text(reason, empty_message=_("Tulis alasan permohonan ini diteruskan."))
    if not office.is_active or office.pk == application.office_id:
        raise ApplicationError(_("Pilih kantor tujuan lain yang aktif."))
    return _move(
        application,
        actor=actor,
        action="forward",
        expected_version=expected_version,
        message=_("Permohonan diteruskan ke %(office)s. Alasan: %(reason)s")
        % {"office": office.name, "reason": reason},
        changes={"office": office, "assigned_to": None},
        notify="forwarded",
        details={"to_office": office.code},
    )


def application_note(*, application: Application, actor: User, text: str) -> None:
    """An internal note: staff only, never shown to the citizen."""
    text = _clean_text(text, empty_message=_("Tulis isi catatan."))
    with transaction.atomic():
        fresh = _fresh(application)
        _party_or_refuse(actor, fresh, "note")
        workflow.transition_for(actor, fresh, "note")
        _event(
            fresh,
            actor=actor,
            action="note",
            from_status=fresh.status,
            to_status=fresh.status,
            message=text,
            internal=True,
        )
        audit_record(actor=actor, action="application.note", obj=fresh, details=_details(fresh))
