"""The applicant fills in a draft: start it, save a step of the form, provide a requirement.

During a revision the same services fix what the officer marked.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.applications.models import Application, Attachment, RequirementCheck, Status
from layanan.applications.services.common import Incomplete
from layanan.applications.services.consent import ConsentedVisit, consent_check
from layanan.applications.services.office import handling_office, has_desa_field, no_office_message
from layanan.applications.services.review import answer_flags_fix
from layanan.applications.workflow import WORKFLOW, ApplicationError, TransitionNotAllowed
from layanan.catalogue.models import Requirement, Service
from layanan.core.uploads import CleanFile, UploadRefused, check_upload_quota, clean_upload


def application_start(
    *,
    service: Service,
    applicant: User,
    actor: User,
    visit: ConsentedVisit | None = None,
    practice: bool = False,
) -> Application:
    """A new draft. An operator starts one for a walk-in citizen only through the assisted ``visit``
    (locked by the caller): this applicant's, at the operator's office, consent recorded, not used yet.

    A ``practice`` draft (practice mode) goes through the same steps but reaches no office's queue,
    sends no message and counts in no figure (``docs/practice-mode.md``).
    """
    require(actor, "application.apply", applicant)
    if not service.is_active:
        raise ApplicationError(_("Layanan ini sedang tidak menerima permohonan."))
    assisted = actor.pk != applicant.pk
    if assisted:
        consent_check(visit, applicant=applicant, actor=actor)
    office = handling_office(service, applicant, {})
    if office is None and not has_desa_field(service):
        raise Incomplete(no_office_message(applicant), [str(_("Desa/kelurahan tempat tinggal"))])
    with transaction.atomic():
        application = Application.objects.create(
            service=service,
            applicant=applicant,
            submitted_by=actor if assisted else None,
            assisted_consent=assisted,
            office=office,
            practice=practice,
        )
        RequirementCheck.objects.bulk_create(
            RequirementCheck(application=application, requirement=requirement)
            for requirement in service.requirements.all()
        )
        if assisted:
            # The applicant's own timeline says who applied for them, and where.
            started = _(
                "Diajukan oleh operator %(name)s di %(office)s atas nama pemohon, dengan persetujuannya."
            ) % {
                "name": actor.full_name,
                "office": actor.office.name if actor.office is not None else _("kantor layanan"),
            }
        else:
            started = _("Draf permohonan dibuat.")
        WORKFLOW.event(application, "start", actor, started, from_status="")
        WORKFLOW.audit(
            application,
            actor=actor,
            action="start",
            assisted=assisted,
            **({"practice": True} if practice else {}),
        )
    return application


def _fixed_event(application: Application, actor: User, requirement: Requirement) -> None:
    WORKFLOW.event(
        application, "provide", actor, _("Pemohon memperbaiki: %(item)s.") % {"item": requirement.name}
    )


def application_save_step(
    *, application: Application, actor: User, step: int, answers: dict[str, object]
) -> Application:
    """Store the cleaned answers of one step of the form (draft or revision only).

    ``answers`` maps field names of that step to their cleaned values (JSON-able; dates become
    ISO text). Other answers are kept. ``current_step`` becomes the first step not saved yet.
    A field name that is not in this step is a programming error (``ValueError``).
    """
    with transaction.atomic():
        fresh = WORKFLOW.fresh(application, lock=True)
        WORKFLOW.transition_for(actor, fresh, "edit")
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
                _fixed_event(fresh, actor, check.requirement)
            answer_flags_fix(application=fresh, actor=actor, names=answers)
        WORKFLOW.audit(fresh, actor=actor, action="save_step", step=step, fields=len(answers))
    WORKFLOW.sync(application, fresh)
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
    """Meet a requirement by an upload (checked and re-encoded by ``core.uploads``) or by the paper.

    ``provision`` is ``"upload"`` (with ``upload``) or ``"paper"``, as the requirement's kind
    allows. The previous upload for the same requirement stops being current. The officer's
    verdict goes back to pending. During a revision only the items marked for revision may be
    provided again. A refused upload raises :class:`ApplicationError` (its message from
    ``core.uploads.UploadRefused``).
    """
    if requirement.service_id != application.service_id:
        raise ValueError("the requirement belongs to another service")
    if provision not in _PROVISIONS_BY_KIND.get(requirement.kind, frozenset()):
        raise ApplicationError(_("Persyaratan ini tidak dapat dipenuhi dengan cara itu."))
    if provision == RequirementCheck.Provision.UPLOAD and upload is None:
        raise ApplicationError(_("Pilih berkas yang akan diunggah."))
    clean: CleanFile | None = None
    if provision == RequirementCheck.Provision.UPLOAD:
        assert upload is not None
        try:
            clean = clean_upload(upload)  # CPU work before the transaction
            check_upload_quota(actor, [clean])  # over a citizen's quota: nothing is saved
        except UploadRefused as refused:
            raise ApplicationError(str(refused)) from refused
    with transaction.atomic():
        fresh = WORKFLOW.fresh(application, lock=True)
        WORKFLOW.transition_for(actor, fresh, "edit")
        check, _created = RequirementCheck.objects.get_or_create(application=fresh, requirement=requirement)
        if fresh.status == Status.REVISION and check.verdict != RequirementCheck.Verdict.REVISION:
            raise TransitionNotAllowed(
                _("%(item)s tidak diminta untuk diperbaiki, jadi tidak perlu diubah.")
                % {"item": requirement.name}
            )
        details: dict[str, Any] = {"requirement": requirement.code, "provision": provision}
        Attachment.objects.filter(application=fresh, requirement=requirement, is_current=True).update(
            is_current=False
        )
        if clean is not None:
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
        check.provision = provision
        check.verdict = RequirementCheck.Verdict.PENDING
        check.reason = ""
        check.checked_by = None
        check.checked_at = None
        check.save(update_fields=["provision", "verdict", "reason", "checked_by", "checked_at"])
        Application.objects.filter(pk=fresh.pk).update(version=F("version") + 1, updated_at=timezone.now())
        fresh.version += 1
        if fresh.status == Status.REVISION:
            _fixed_event(fresh, actor, requirement)
        WORKFLOW.audit(fresh, actor=actor, action="requirement_provide", **details)
    WORKFLOW.sync(application, fresh)
    return check
