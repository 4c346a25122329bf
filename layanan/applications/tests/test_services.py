"""The services: whole paths through the workflow, each step's records, and every refusal."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from layanan.accounts.models import Role
from layanan.accounts.permissions import can
from layanan.applications import services
from layanan.applications.models import Application, Attachment, RequirementCheck, Status, TimelineEvent
from layanan.applications.services import (
    ApplicationError,
    ConcurrentChange,
    Incomplete,
    TransitionNotAllowed,
)
from layanan.applications.tests import builders
from layanan.applications.tests.builders import (
    accept_all,
    check_of,
    claimed,
    dukcapil_service,
    filled,
    notices_enqueued,
    reloaded,
    submitted,
    village_letter,
)
from layanan.audit.models import AuditEvent
from layanan.catalogue.models import Requirement
from layanan.documents.tests.render_builders import letter_template, signing_ca, signing_code  # noqa: F401
from layanan.tracking.codes import tracking_number_is_valid
from layanan.tracking.models import TrackingNumber

pytestmark = pytest.mark.django_db


def actions_of(application: Application) -> list[str]:
    return list(application.timeline.order_by("occurred_at", "pk").values_list("action", flat=True))


def audited(application: Application) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="applications.application", object_id=str(application.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- whole paths ------------------------------------------------------------------------------------


def test_siti_applies_for_a_dukcapil_document_and_budi_sees_it_through_to_siak(
    cast, django_capture_on_commit_callbacks
):
    service = dukcapil_service(cast.world)
    application = filled(service, cast.siti)
    assert application.status == Status.DRAFT
    assert application.office == cast.world.disdukcapil

    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            application=application, actor=cast.siti, submit_key=uuid.uuid4()
        )
    assert notices_enqueued() == ["received"]  # the notification, after commit
    assert application.status == Status.SUBMITTED
    assert tracking_number_is_valid(application.tracking_number or "")
    assert application.submitted_at is not None
    assert application.due_at is not None
    assert application.due_at > application.submitted_at

    application = claimed(application, cast.budi)
    assert application.status == Status.VERIFYING
    assert application.assigned_to == cast.budi
    accept_all(application, cast.budi)
    application = services.application_approve(
        application=application, actor=cast.budi, expected_version=application.version
    )

    after = reloaded(application)
    assert after.status == Status.COMPLETED
    assert after.decided_at is not None
    assert actions_of(after) == ["start", "submit", "claim", "review", "review", "approve"]
    assert "SIAK" in after.timeline.get(action="approve").message
    assert audited(after)[-1] == "applications.approve"
    assert {"applications.start", "applications.submit", "applications.claim"} <= set(audited(after))


@pytest.mark.usefixtures("signing_ca")
def test_a_village_letter_goes_to_the_applicants_desa_office_and_its_signer_signs_it(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    kepala_desa = builders.staff(role=Role.SIGNER, office=cast.world.desa_tanjung_raja)
    service = village_letter()
    letter_template(service)

    application = submitted(service, villager)
    assert application.office == cast.world.desa_tanjung_raja

    application = claimed(application, cast.rini)
    accept_all(application, cast.rini)
    application = services.application_approve(
        application=application, actor=cast.rini, expected_version=application.version
    )
    assert reloaded(application).status == Status.SIGNING

    with pytest.raises(TransitionNotAllowed):
        services.application_sign(
            application=application,
            actor=cast.rini,
            expected_version=application.version,
            second_factor_code=signing_code(cast.rini),
        )
    with pytest.raises(PermissionDenied):  # Sekar signs for Disdukcapil, not for the desa
        services.application_sign(
            application=application,
            actor=cast.sekar,
            expected_version=application.version,
            second_factor_code=signing_code(cast.sekar),
        )
    application = services.application_sign(
        application=application,
        actor=kepala_desa,
        expected_version=application.version,
        second_factor_code=signing_code(kepala_desa),
    )

    after = reloaded(application)
    assert after.status == Status.COMPLETED
    assert after.decided_at is not None
    assert actions_of(after)[-3:] == ["approve", "sign", "document_issue"]
    assert "applications.sign" in audited(after)
    assert after.documents.get().signer == kepala_desa


def test_a_kecamatan_service_goes_to_the_kantor_camat_of_the_applicants_desa(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    service = village_letter(handler="kecamatan")

    application = submitted(service, villager)

    assert application.office == cast.world.kec_tanjung_raja


def test_an_answered_desa_field_decides_the_office_over_the_profile(cast):
    service = village_letter(desa_field=True)
    application = filled(service, cast.siti)  # Siti's profile says Kotabumi Pasar (served by its camat)
    services.application_save_step(
        application=application,
        actor=cast.siti,
        step=1,
        answers={"nama_anak": "Putri", "desa": cast.world.tanjung_raja_desa.code},
    )

    application = services.application_submit(
        application=application, actor=cast.siti, submit_key=uuid.uuid4()
    )

    assert application.office == cast.world.desa_tanjung_raja


def test_a_desa_service_needs_the_applicants_desa_before_it_can_start(cast):
    homeless = builders.citizen()
    service = village_letter()

    with pytest.raises(Incomplete) as refused:
        services.application_start(service=service, applicant=homeless, actor=homeless)

    assert "profil" in str(refused.value)
    assert refused.value.missing == ["Desa/kelurahan tempat tinggal"]
    assert not Application.objects.exists()


def test_a_citizen_without_a_desa_in_her_profile_may_name_it_in_the_form(cast):
    homeless = builders.citizen()
    service = village_letter(desa_field=True)
    application = filled(service, homeless)
    assert application.office is None

    with pytest.raises(Incomplete) as refused:
        services.application_submit(application=application, actor=homeless, submit_key=uuid.uuid4())
    assert refused.value.missing == ["Desa/kelurahan tempat tinggal"]

    services.application_save_step(
        application=application,
        actor=homeless,
        step=1,
        answers={"nama_anak": "Putri", "desa": cast.world.tanjung_raja_desa.code},
    )
    application = services.application_submit(
        application=application, actor=homeless, submit_key=uuid.uuid4()
    )
    assert application.office == cast.world.desa_tanjung_raja


# --- the draft --------------------------------------------------------------------------------------


def test_a_draft_gets_one_pending_check_per_requirement_and_keeps_answers_sealed(cast):
    service = dukcapil_service(cast.world)
    application = builders.draft(service, cast.siti)
    services.application_save_step(
        application=application, actor=cast.siti, step=1, answers={"nama_anak": "Putri"}
    )
    services.application_save_step(
        application=application, actor=cast.siti, step=2, answers={"tanggal_lahir": "2026-01-05"}
    )

    after = reloaded(application)
    assert after.answers == {"nama_anak": "Putri", "tanggal_lahir": "2026-01-05"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_sealed FROM applications_application WHERE id = %s", [after.pk])
        stored = cursor.fetchone()[0]
    assert stored
    assert "Putri" not in stored
    assert after.current_step == 3
    assert sorted(after.checks.values_list("provision", "verdict")) == [("missing", "pending")] * 2


def test_an_answer_for_a_field_of_another_step_is_a_programming_error(cast):
    application = builders.draft(dukcapil_service(cast.world), cast.siti)

    with pytest.raises(ValueError, match="tanggal_lahir"):
        services.application_save_step(
            application=application, actor=cast.siti, step=1, answers={"tanggal_lahir": "2026-01-05"}
        )


def test_submitting_an_unfinished_draft_lists_what_is_missing(cast):
    service = dukcapil_service(cast.world)
    application = builders.draft(service, cast.siti)
    services.application_save_step(
        application=application, actor=cast.siti, step=1, answers={"nama_anak": "Putri"}
    )

    with pytest.raises(Incomplete) as refused:
        services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())

    assert refused.value.missing == ["Tanggal lahir", "KTP-el orang tua", "Surat keterangan lahir"]
    after = reloaded(application)
    assert after.status == Status.DRAFT
    assert after.tracking_number is None
    assert not TrackingNumber.objects.exists()


def test_an_upload_is_stored_and_replaces_the_previous_one_for_the_same_requirement(cast):
    service = dukcapil_service(cast.world)
    application = builders.draft(service, cast.siti)
    ktp = service.requirements.get(code="ktp")

    services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=ktp,
        provision="upload",
        upload=builders.png_upload(),
    )
    check = services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=ktp,
        provision="upload",
        upload=builders.png_upload(),
    )

    attachments = list(Attachment.objects.filter(application=application).order_by("pk"))
    assert [a.is_current for a in attachments] == [False, True]
    assert attachments[1].content_type == "image/jpeg"  # re-encoded by uploads.clean_upload
    assert attachments[1].size == len(attachments[1].file.read())
    assert "ktp" not in str(attachments[1].file.name)
    assert check.provision == RequirementCheck.Provision.UPLOAD
    assert check.verdict == RequirementCheck.Verdict.PENDING


def test_a_refused_upload_gives_the_citizen_its_message_and_stores_nothing(cast):
    service = dukcapil_service(cast.world)
    application = builders.draft(service, cast.siti)
    bad = builders.SimpleUploadedFile("x.exe", b"MZ\x90\x00not a picture", content_type="image/png")

    with pytest.raises(ApplicationError) as refused:
        services.requirement_provide(
            application=application,
            actor=cast.siti,
            requirement=service.requirements.get(code="ktp"),
            provision="upload",
            upload=bad,
        )

    assert "foto" in str(refused.value) or "PDF" in str(refused.value)
    assert not Attachment.objects.exists()
    assert check_of(application, "ktp").provision == RequirementCheck.Provision.MISSING


def test_a_paper_only_requirement_cannot_be_uploaded(cast):
    service = dukcapil_service(cast.world)
    application = builders.draft(service, cast.siti)

    with pytest.raises(ApplicationError):
        services.requirement_provide(
            application=application,
            actor=cast.siti,
            requirement=service.requirements.get(code="surat-lahir"),
            provision="upload",
            upload=builders.png_upload(),
        )
    assert check_of(application, "surat-lahir").provision == RequirementCheck.Provision.MISSING


def test_rini_applies_for_a_walk_in_villager_only_with_consent(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    service = village_letter()

    with pytest.raises(ApplicationError):
        services.application_start(service=service, applicant=villager, actor=cast.rini)
    application = builders.filled(service, villager, actor=cast.rini, consent=True)
    application = services.application_submit(
        application=application, actor=cast.rini, submit_key=uuid.uuid4()
    )

    assert application.submitted_by == cast.rini
    assert application.assisted_consent is True
    assert application.applicant == villager
    assert application.status == Status.SUBMITTED


def test_an_operator_of_another_desa_may_not_apply_for_a_villager_of_tanjung_raja(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    other_desa = builders.village_office_for("18.03.02.1005", cast.world)
    other_operator = builders.staff(role=Role.OPERATOR, office=other_desa)

    with pytest.raises(PermissionDenied):
        services.application_start(
            service=village_letter(),
            applicant=villager,
            actor=other_operator,
            visit=builders.consented_visit(villager, other_operator),
        )
    assert not Application.objects.exists()


def test_an_assisted_start_needs_the_applicants_consented_unused_visit_at_the_operators_office(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    neighbour = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    service = village_letter()
    other_office = builders.village_office_for("18.03.02.1005", cast.world)
    elsewhere = builders.staff(role=Role.OPERATOR, office=other_office)
    used = builders.consented_visit(villager, cast.rini)
    used.application = builders.draft(service, villager)  # the villager's own draft
    used.save(update_fields=["application"])
    refused = {
        "no visit": None,
        "no consent yet": builders.consented_visit(villager, cast.rini, consent=False),
        "another citizen's consent": builders.consented_visit(neighbour, cast.rini),
        "a visit at another office": builders.consented_visit(villager, elsewhere),
        "a visit already used": used,
    }
    before = Application.objects.count()

    for case, visit in refused.items():
        with pytest.raises(ApplicationError):
            services.application_start(service=service, applicant=villager, actor=cast.rini, visit=visit)
        assert Application.objects.count() == before, case

    good = builders.consented_visit(villager, cast.rini)
    application = services.application_start(service=service, applicant=villager, actor=cast.rini, visit=good)
    assert (application.applicant, application.submitted_by) == (villager, cast.rini)
    assert application.assisted_consent is True


def test_a_citizen_may_not_apply_in_someone_elses_name(cast):
    other = builders.citizen()
    with pytest.raises(PermissionDenied):
        services.application_start(service=dukcapil_service(cast.world), applicant=other, actor=cast.siti)
    assert not Application.objects.exists()


# --- review, revision, rejection, forwarding ----------------------------------------------------------


def test_marking_an_item_for_revision_needs_a_reason(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)

    with pytest.raises(ApplicationError):
        services.requirement_review(
            check=check_of(application, "ktp"), actor=cast.budi, accepted=False, reason=" "
        )
    assert check_of(application, "ktp").verdict == RequirementCheck.Verdict.PENDING


def test_approval_waits_until_every_requirement_is_accepted(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    services.requirement_review(check=check_of(application, "ktp"), actor=cast.budi, accepted=True)

    with pytest.raises(TransitionNotAllowed, match="Surat keterangan lahir"):
        services.application_approve(
            application=application, actor=cast.budi, expected_version=application.version
        )
    assert reloaded(application).status == Status.VERIFYING


def test_the_revision_loop_only_asks_for_the_marked_items_and_returns_to_the_officer(cast):
    service = dukcapil_service(cast.world)
    application = claimed(submitted(service, cast.siti), cast.budi)
    services.requirement_review(check=check_of(application, "surat-lahir"), actor=cast.budi, accepted=True)
    services.requirement_review(
        check=check_of(application, "ktp"), actor=cast.budi, accepted=False, reason="Foto KTP buram."
    )
    application = services.application_request_revision(
        application=application, actor=cast.budi, expected_version=application.version
    )
    assert application.status == Status.REVISION
    assert application.paused_at is not None
    message = application.timeline.get(action="request_revision").message
    assert "KTP-el orang tua: Foto KTP buram." in message

    with pytest.raises(Incomplete) as refused:
        services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())
    assert refused.value.missing == ["KTP-el orang tua"]
    with pytest.raises(TransitionNotAllowed):  # accepted items stay as they are
        services.requirement_provide(
            application=application,
            actor=cast.siti,
            requirement=service.requirements.get(code="surat-lahir"),
            provision="paper",
        )

    services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=service.requirements.get(code="ktp"),
        provision="upload",
        upload=builders.png_upload(),
    )
    application = services.application_submit(
        application=application, actor=cast.siti, submit_key=uuid.uuid4()
    )

    assert application.status == Status.VERIFYING
    assert application.assigned_to == cast.budi
    assert application.paused_at is None
    assert check_of(application, "ktp").verdict == RequirementCheck.Verdict.PENDING
    assert check_of(application, "surat-lahir").verdict == RequirementCheck.Verdict.ACCEPTED
    assert actions_of(application)[-3:] == ["request_revision", "provide", "resubmit"]


def test_a_revision_request_with_nothing_marked_and_no_message_is_refused(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)

    with pytest.raises(ApplicationError):
        services.application_request_revision(
            application=application, actor=cast.budi, expected_version=application.version
        )
    assert reloaded(application).status == Status.VERIFYING


def test_a_rejection_needs_a_reason_and_tells_it_to_the_citizen(cast, django_capture_on_commit_callbacks):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)

    with pytest.raises(ApplicationError):
        services.application_reject(
            application=application, actor=cast.budi, expected_version=application.version, reason="  "
        )
    assert reloaded(application).status == Status.VERIFYING

    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application,
            actor=cast.budi,
            expected_version=application.version,
            reason="Anak sudah memiliki akta kelahiran.",
        )
    after = reloaded(application)
    assert after.status == Status.REJECTED
    assert after.decision_reason == "Anak sudah memiliki akta kelahiran."
    assert "Anak sudah memiliki akta kelahiran." in after.timeline.get(action="reject").message
    assert notices_enqueued() == ["received", "rejected"]
    details = AuditEvent.objects.get(action="applications.reject").details
    assert "akta" not in str(details)  # the reason may be personal: not in the audit log


def test_budi_forwards_an_application_that_belongs_to_another_office(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    due = application.due_at

    with pytest.raises(ApplicationError):
        services.application_forward(
            application=application,
            actor=cast.budi,
            expected_version=application.version,
            office=cast.world.pupr,
            reason="",
        )
    application = services.application_forward(
        application=application,
        actor=cast.budi,
        expected_version=application.version,
        office=cast.world.pupr,
        reason="Izin bangunan ditangani Dinas PUPR.",
    )

    after = reloaded(application)
    assert after.office == cast.world.pupr
    assert after.status == Status.SUBMITTED
    assert after.assigned_to is None
    assert after.due_at == due
    assert can(cast.andi, "application.handle", after)
    assert not can(cast.budi, "application.handle", after)
    andi_claims = claimed(after, cast.andi)
    assert andi_claims.assigned_to == cast.andi


def test_the_applicant_withdraws_a_submission_nobody_took_yet_but_not_after(cast):
    first = submitted(dukcapil_service(cast.world), cast.siti)
    services.application_withdraw(application=first, actor=cast.siti, expected_version=first.version)
    assert reloaded(first).status == Status.WITHDRAWN

    second = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    with pytest.raises(TransitionNotAllowed):
        services.application_withdraw(application=second, actor=cast.siti, expected_version=second.version)
    with pytest.raises(TransitionNotAllowed):  # officers do not withdraw on the citizen's behalf
        services.application_withdraw(application=second, actor=cast.budi, expected_version=second.version)
    assert reloaded(second).status == Status.VERIFYING


def test_an_internal_note_is_recorded_for_staff_only(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)

    services.application_note(application=application, actor=cast.budi, text="Pemohon menelepon pukul 10.")

    note = TimelineEvent.objects.get(action="note")
    assert note.internal is True
    assert "menelepon" not in str(AuditEvent.objects.get(action="applications.note").details)
    with pytest.raises(TransitionNotAllowed):  # the applicant has a part, but notes are the office's
        services.application_note(application=application, actor=cast.siti, text="Halo")
    with pytest.raises(PermissionDenied):
        services.application_note(application=application, actor=cast.andi, text="Halo")


def test_budi_assigns_to_a_colleague_of_disdukcapil_but_not_to_andi(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    colleague = builders.staff(role=Role.OFFICER, office=cast.world.disdukcapil)

    with pytest.raises(ApplicationError):
        services.application_assign(
            application=application, actor=cast.budi, assignee=cast.andi, expected_version=application.version
        )
    application = services.application_assign(
        application=application, actor=cast.budi, assignee=colleague, expected_version=application.version
    )

    after = reloaded(application)
    assert after.assigned_to == colleague
    assert after.status == Status.VERIFYING
    assert after.timeline.get(action="assign").internal is True


# --- refusals ---------------------------------------------------------------------------------------


def test_nobody_outside_the_handling_office_may_act_and_nothing_changes(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    other_citizen = builders.citizen()
    before = reloaded(application)

    for outsider in (cast.andi, cast.rini, cast.bupati, cast.auditor, cast.admin, other_citizen):
        with pytest.raises(PermissionDenied):
            services.application_claim(
                application=application, actor=outsider, expected_version=before.version
            )
    with pytest.raises(PermissionDenied):
        services.application_withdraw(
            application=application, actor=other_citizen, expected_version=before.version
        )

    after = reloaded(application)
    assert (after.status, after.version, after.assigned_to_id) == (Status.SUBMITTED, before.version, None)


def test_a_citizen_may_not_take_the_officers_steps_on_her_own_application(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    with pytest.raises(TransitionNotAllowed):
        services.application_claim(
            application=application, actor=cast.siti, expected_version=application.version
        )
    assert reloaded(application).status == Status.SUBMITTED


def test_sekar_the_signer_may_not_claim_or_approve(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.application_claim(
            application=application, actor=cast.sekar, expected_version=application.version
        )
    assert "bukan bagian tugas Anda" in str(refused.value)


def test_another_citizen_may_not_edit_or_submit_sitis_draft(cast):
    application = builders.draft(dukcapil_service(cast.world), cast.siti)
    other = builders.citizen()

    with pytest.raises(PermissionDenied):
        services.application_save_step(
            application=application, actor=other, step=1, answers={"nama_anak": "X"}
        )
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, actor=other, submit_key=uuid.uuid4())
    assert reloaded(application).answers == {}


def test_a_stale_version_is_refused_with_the_reload_message_and_writes_nothing(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    seen = application.version
    colleague = builders.staff(role=Role.OFFICER, office=cast.world.disdukcapil)
    services.application_claim(application=reloaded(application), actor=colleague, expected_version=seen)

    with pytest.raises(ConcurrentChange) as refused:
        services.application_claim(application=application, actor=cast.budi, expected_version=seen)

    assert str(refused.value) == (
        "Permohonan ini baru saja diubah oleh petugas lain. Muat ulang halaman untuk melihat keadaan terbaru."
    )
    after = reloaded(application)
    assert after.assigned_to == colleague
    assert after.timeline.filter(action="claim").count() == 1


def test_a_step_not_in_the_table_is_refused_in_plain_indonesian(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.application_sign(
            application=application,
            actor=cast.budi,
            expected_version=application.version,
            second_factor_code="000000",
        )

    assert "Sedang diperiksa" in str(refused.value)
    assert reloaded(application).status == Status.VERIFYING


# --- identity of the citizen being handled ----------------------------------------------------------


def test_budi_reads_sitis_identity_only_while_handling_her_open_application(cast):
    assert not can(cast.budi, "citizen.identity.read", cast.siti)
    application = submitted(dukcapil_service(cast.world), cast.siti)
    assert can(cast.budi, "citizen.identity.read", cast.siti)
    assert not can(cast.andi, "citizen.identity.read", cast.siti)

    services.application_withdraw(
        application=application, actor=cast.siti, expected_version=application.version
    )
    assert not can(cast.budi, "citizen.identity.read", cast.siti)


def test_a_requirement_met_by_a_field_is_fixed_by_saving_that_field_again(cast):
    built = dukcapil_service(cast.world)
    Requirement.objects.create(
        service=built,
        order=3,
        code="nama",
        name="Nama anak sesuai surat lahir",
        kind=Requirement.Kind.FIELD,
        field_name="nama_anak",
    )
    application = builders.draft(built, cast.siti)
    for step, answers in builders.ANSWERS.items():
        services.application_save_step(application=application, actor=cast.siti, step=step, answers=answers)
    for requirement in built.requirements.exclude(kind=Requirement.Kind.FIELD):
        services.requirement_provide(
            application=application, actor=cast.siti, requirement=requirement, provision="paper"
        )
    application = services.application_submit(
        application=application, actor=cast.siti, submit_key=uuid.uuid4()
    )
    application = claimed(application, cast.budi)
    accept_all(application, cast.budi)
    services.requirement_review(
        check=check_of(application, "nama"),
        actor=cast.budi,
        accepted=False,
        reason="Nama tidak sama dengan surat lahir.",
    )
    application = services.application_request_revision(
        application=reloaded(application), actor=cast.budi, expected_version=reloaded(application).version
    )

    services.application_save_step(
        application=application, actor=cast.siti, step=1, answers={"nama_anak": "Putri Ayu"}
    )
    resubmitted = services.application_submit(
        application=reloaded(application), actor=cast.siti, submit_key=uuid.uuid4()
    )

    assert resubmitted.status == Status.VERIFYING
    fixed = check_of(resubmitted, "nama")
    assert (fixed.verdict, fixed.reason) == (RequirementCheck.Verdict.PENDING, "")
    assert resubmitted.answers["nama_anak"] == "Putri Ayu"
