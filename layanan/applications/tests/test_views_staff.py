"""The officer's pages: the queue, the work page and every action posted from it.

Each test checks the answer, the database afterwards, and that the persona
who must be refused is refused (Andi of Dinas PUPR, Rini of desa Tanjung Raja,
a citizen, the read-only Bupati).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.applications import services
from layanan.applications.models import Application, RequirementCheck, Status, TimelineEvent
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.documents.tests.render_builders import letter_template, signing_ca, signing_code  # noqa: F401
from layanan.testing import Cast, make_user

pytestmark = pytest.mark.django_db


# --- builders ------------------------------------------------------------------------------------


def build_service(cast: Cast, *, output: str = Service.Output.SIAK, slug: str = "") -> Service:
    """A Disdukcapil service with one form step (a text and a NIK) and two requirements."""
    service = Service.objects.create(
        slug=slug or f"layanan-{uuid.uuid4().hex[:8]}",
        name="Surat Keterangan Pindah" if output != Service.Output.LETTER else "Surat Keterangan Domisili",
        summary="Untuk pindah domisili.",
        handler=Service.Handler.FIXED_OFFICE,
        office=cast.world.disdukcapil,
        sla_working_days=3,
        output=output,
    )
    FormField.objects.create(service=service, step=1, order=1, name="alamat_tujuan", label="Alamat tujuan")
    FormField.objects.create(
        service=service, step=1, order=2, name="nik_pemohon", label="NIK pemohon", kind=FormField.Kind.NIK
    )
    Requirement.objects.create(service=service, order=1, code="kk", name="Kartu Keluarga")
    Requirement.objects.create(service=service, order=2, code="ktp", name="KTP-el")
    return service


def build_submitted(
    cast: Cast, service: Service | None = None, *, applicant: User | None = None
) -> Application:
    """An application submitted through the real services, each requirement met by paper."""
    service = service or build_service(cast)
    applicant = applicant or cast.siti
    application = services.application_start(service=service, applicant=applicant, actor=applicant)
    application = services.application_save_step(
        application=application,
        actor=applicant,
        step=1,
        answers={"alamat_tujuan": "Jl. Merdeka 1, Bandar Lampung", "nik_pemohon": "1803024506900001"},
    )
    for requirement in service.requirements.all():
        services.requirement_provide(
            application=application,
            actor=applicant,
            requirement=requirement,
            provision=RequirementCheck.Provision.PAPER,
        )
    return services.application_submit(application=application, actor=applicant, submit_key=uuid.uuid4())


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def work_url(application: Application) -> str:
    return reverse("applications:work", kwargs={"public_id": application.public_id})


def act_url(application: Application, action: str) -> str:
    return reverse("applications:act", kwargs={"public_id": application.public_id, "action": action})


def post_act(user: User, application: Application, action: str, **data: Any) -> Any:
    data.setdefault("version", fresh(application).version)
    return client_for(user).post(act_url(application, action), data)


def claimed(cast: Cast, application: Application | None = None) -> Application:
    application = application or build_submitted(cast)
    response = post_act(cast.budi, application, "claim")
    assert response.status_code == 302, response.content.decode()[:500]
    return fresh(application)


def accept_all(cast: Cast, application: Application) -> None:
    for check in application.checks.all():
        response = post_act(cast.budi, application, "review", check=check.pk, verdict="accept")
        assert response.status_code == 302


# --- the queue -----------------------------------------------------------------------------------


def test_the_queue_lists_new_applications_by_due_date_with_the_counts(cast: Cast):
    service = build_service(cast)
    later, sooner, overdue = (build_submitted(cast, service) for _ in range(3))
    now = timezone.now()
    Application.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=9))
    Application.objects.filter(pk=sooner.pk).update(due_at=now + timedelta(days=2))
    Application.objects.filter(pk=overdue.pk).update(due_at=now - timedelta(days=8))
    in_verification = claimed(cast, build_submitted(cast, service))

    response = client_for(cast.budi).get(reverse("applications:queue"))

    assert response.status_code == 200
    html = response.content.decode()
    rows = [html.index(str(app.tracking_number)) for app in (overdue, sooner, later)]
    assert rows == sorted(rows), "the queue must be sorted by SLA due, the most urgent first"
    assert str(in_verification.tracking_number) not in html  # in the "verifying" bucket, not "new"
    assert "Siti Aminah" in html
    assert "terlambat" in html
    assert "sisa" in html
    counts = {tab.slug: tab.count for tab in response.context["tabs"]}
    assert counts["new"] == 3
    assert counts["verifying"] == 1
    assert counts["overdue"] == 1
    assert 'role="region"' in html
    assert 'tabindex="0"' in html


def test_the_queue_shows_the_verifying_bucket_with_the_assigned_officer(cast: Cast):
    application = claimed(cast)

    response = client_for(cast.budi).get(reverse("applications:queue") + "?kelompok=verifying")

    assert response.status_code == 200
    html = response.content.decode()
    assert str(application.tracking_number) in html
    assert "Budi Santoso" in html


@pytest.mark.parametrize("count", [1, 5])
def test_the_queue_makes_the_same_number_of_queries_whatever_its_length(
    cast: Cast, count: int, django_assert_num_queries: Any
):
    service = build_service(cast)
    for _ in range(count):
        claimed(cast, build_submitted(cast, service))
    build_submitted(cast, service)
    client = client_for(cast.budi)
    url = reverse("applications:queue") + "?kelompok=verifying"
    client.get(url)  # warm the holiday cache, as a running server has it

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["rows"]) == count


QUEUE_QUERIES = 5  # session, user, office, the buckets' counts, the items (with service, applicant, officer)


def test_a_citizen_is_refused_the_queue_and_an_anonymous_visitor_is_sent_to_sign_in(cast: Cast):
    assert client_for(cast.siti).get(reverse("applications:queue")).status_code == 403
    response = client_for(None).get(reverse("applications:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_bupati_chooses_an_office_and_reads_its_queue_without_claim_buttons(cast: Cast):
    application = build_submitted(cast)
    client = client_for(cast.bupati)

    picker = client.get(reverse("applications:queue"))
    response = client.get(reverse("applications:queue") + "?kantor=disdukcapil")

    assert picker.status_code == 200
    assert b'value="disdukcapil"' in picker.content
    assert response.status_code == 200
    assert str(application.tracking_number) in response.content.decode()
    assert response.context["read_only"] is True
    assert act_url(application, "claim").encode() not in response.content


def test_andi_may_not_read_the_queue_of_disdukcapil(cast: Cast):
    build_submitted(cast)
    response = client_for(cast.andi).get(reverse("applications:queue") + "?kantor=disdukcapil")
    assert response.status_code == 403


# --- the work page -------------------------------------------------------------------------------


def test_the_work_page_shows_the_applicant_with_a_masked_nik_the_answers_and_each_requirement(cast: Cast):
    cast.siti.nik = "1803024506900001"
    cast.siti.save()
    application = claimed(cast)

    response = client_for(cast.budi).get(work_url(application))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Siti Aminah" in html
    assert "1803024506900001" not in html  # neither the profile's NIK nor the answer's, in clear
    assert "1803********0001" in html
    assert "Jl. Merdeka 1, Bandar Lampung" in html
    assert "Kartu Keluarga" in html
    assert "KTP-el" in html
    assert "dibawa ke kantor" in html
    assert act_url(application, "review").encode() in response.content
    assert act_url(application, "approve").encode() in response.content
    assert f'name="version" value="{application.version}"' in html


def test_a_citizen_is_refused_the_work_page_even_of_her_own_application(cast: Cast):
    application = build_submitted(cast)
    assert client_for(cast.siti).get(work_url(application)).status_code == 403


def test_andi_is_refused_budis_application_and_changes_nothing(cast: Cast):
    application = build_submitted(cast)

    page = client_for(cast.andi).get(work_url(application))
    claim = post_act(cast.andi, application, "claim")

    assert page.status_code in (403, 404)
    assert claim.status_code in (403, 404)
    after = fresh(application)
    assert after.status == Status.SUBMITTED
    assert after.assigned_to_id is None


def test_rini_is_refused_a_disdukcapil_application(cast: Cast):
    application = build_submitted(cast)

    page = client_for(cast.rini).get(work_url(application))
    note = post_act(cast.rini, application, "note", text="Coba")

    assert page.status_code in (403, 404)
    assert note.status_code in (403, 404)
    assert not TimelineEvent.objects.filter(application=application, internal=True).exists()


def test_the_bupati_reads_the_work_page_but_every_action_is_refused(cast: Cast):
    application = build_submitted(cast)

    page = client_for(cast.bupati).get(work_url(application))
    responses = [
        post_act(cast.bupati, application, "claim"),
        post_act(cast.bupati, application, "note", text="Catatan pimpinan"),
        post_act(cast.bupati, application, "reject", reason="Tidak lengkap"),
    ]

    assert page.status_code == 200
    assert act_url(application, "claim").encode() not in page.content
    assert [response.status_code for response in responses] == [403, 403, 403]
    after = fresh(application)
    assert after.status == Status.SUBMITTED
    assert not TimelineEvent.objects.filter(application=application, internal=True).exists()


def test_a_get_on_an_action_is_refused(cast: Cast):
    application = build_submitted(cast)
    response = client_for(cast.budi).get(act_url(application, "claim"))
    assert response.status_code == 405
    assert fresh(application).assigned_to_id is None


def test_an_unknown_action_is_not_found(cast: Cast):
    application = build_submitted(cast)
    assert post_act(cast.budi, application, "terbang").status_code == 404


# --- actions -------------------------------------------------------------------------------------


def test_budi_claims_an_application_from_the_queue(cast: Cast):
    application = build_submitted(cast)

    client = client_for(cast.budi)

    response = client.post(act_url(application, "claim"), {"version": application.version})

    assert response.status_code == 302
    assert response["Location"] == work_url(application)
    after = fresh(application)
    assert after.assigned_to_id == cast.budi.pk
    assert after.status == Status.VERIFYING
    followed = client.get(work_url(application))
    assert "Permohonan ini sekarang Anda tangani." in followed.content.decode()


def test_a_stale_version_shows_the_concurrent_change_message_and_writes_nothing(cast: Cast):
    application = claimed(cast)
    stale = application.version - 1

    response = post_act(cast.budi, application, "reject", reason="Berkas tidak terbaca", version=stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert "error-summary" in html
    message = response.context["problems"][0].message
    assert message, "the ConcurrentChange message must be shown"
    assert message in html
    assert f'name="version" value="{application.version}"' in html  # the forms now carry the fresh version
    after = fresh(application)
    assert after.status == Status.VERIFYING
    assert after.version == application.version


def test_budi_accepts_one_item_and_marks_another_for_revision_with_a_reason(cast: Cast):
    application = claimed(cast)
    kk, ktp = application.checks.order_by("requirement__order")

    accepted = post_act(cast.budi, application, "review", check=kk.pk, verdict="accept")
    no_reason = post_act(cast.budi, application, "review", check=ktp.pk, verdict="revision", reason="")
    revised = post_act(cast.budi, application, f"review-{ktp.pk}", verdict="revision", reason="Foto buram")

    assert accepted.status_code == 302
    assert no_reason.status_code == 400
    assert "Tulis apa yang harus diperbaiki" in no_reason.content.decode()
    assert revised.status_code == 302
    kk.refresh_from_db()
    ktp.refresh_from_db()
    assert kk.verdict == RequirementCheck.Verdict.ACCEPTED
    assert kk.checked_by_id == cast.budi.pk
    assert ktp.verdict == RequirementCheck.Verdict.REVISION
    assert ktp.reason == "Foto buram"


def test_a_check_of_another_application_is_not_found(cast: Cast):
    application = claimed(cast)
    other = build_submitted(cast)
    check = other.checks.first()
    assert check is not None

    response = post_act(cast.budi, application, "review", check=check.pk, verdict="accept")

    assert response.status_code == 404
    check.refresh_from_db()
    assert check.verdict == RequirementCheck.Verdict.PENDING


def test_budi_sends_an_application_back_for_revision(cast: Cast):
    application = claimed(cast)
    ktp = application.checks.order_by("requirement__order").last()
    assert ktp is not None
    post_act(cast.budi, application, "review", check=ktp.pk, verdict="revision", reason="Foto buram")

    response = post_act(cast.budi, application, "revision", message="Mohon unggah ulang KTP-el.")

    assert response.status_code == 302
    after = fresh(application)
    assert after.status == Status.REVISION
    assert after.paused_at is not None


def test_budi_approves_a_siak_service_and_it_completes(cast: Cast):
    application = claimed(cast)
    accept_all(cast, application)

    response = post_act(cast.budi, application, "approve")

    assert response.status_code == 302
    after = fresh(application)
    assert after.status == Status.COMPLETED
    assert after.decided_at is not None


@pytest.mark.usefixtures("signing_ca")
def test_a_letter_waits_for_sekar_who_signs_it_with_her_code_and_budi_may_not(cast: Cast):
    service = build_service(cast, output=Service.Output.LETTER)
    letter_template(service)
    application = claimed(cast, build_submitted(cast, service))
    accept_all(cast, application)
    post_act(cast.budi, application, "approve")
    assert fresh(application).status == Status.SIGNING

    by_budi = post_act(cast.budi, application, "sign", code=signing_code(cast.budi))
    page = client_for(cast.sekar).get(work_url(application))
    code = signing_code(cast.sekar)
    without_code = post_act(cast.sekar, application, "sign")
    wrong_code = post_act(cast.sekar, application, "sign", code="000000")
    assert fresh(application).status == Status.SIGNING
    by_sekar = post_act(cast.sekar, application, "sign", code=code)

    assert by_budi.status_code == 400
    assert page.status_code == 200
    assert act_url(application, "sign").encode() in page.content
    assert b'name="code"' in page.content
    assert without_code.status_code == 400
    assert wrong_code.status_code == 400
    assert "Kode autentikator salah" in wrong_code.content.decode()
    assert by_sekar.status_code == 302
    assert fresh(application).status == Status.COMPLETED
    assert fresh(application).documents.get().signer == cast.sekar


def test_a_rejection_needs_a_reason_the_citizen_can_act_on(cast: Cast):
    application = claimed(cast)

    without = post_act(cast.budi, application, "reject", reason=" ")
    assert without.status_code == 400
    assert "alasan penolakan" in without.content.decode().lower()
    assert fresh(application).status == Status.VERIFYING

    response = post_act(cast.budi, application, "reject", reason="Bukan warga Lampung Utara.")

    assert response.status_code == 302
    after = fresh(application)
    assert after.status == Status.REJECTED
    assert after.decision_reason == "Bukan warga Lampung Utara."


def test_budi_forwards_an_application_to_the_right_office_and_it_leaves_his_queue(cast: Cast):
    application = build_submitted(cast)

    missing = post_act(cast.budi, application, "forward", office="", reason="")
    response = post_act(
        cast.budi, application, "forward", office=cast.world.kec_kotabumi.code, reason="Urusan kecamatan."
    )

    assert missing.status_code == 400
    assert len(missing.context["problems"]) == 2
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:queue")
    after = fresh(application)
    assert after.office_id == cast.world.kec_kotabumi.pk
    assert after.status == Status.SUBMITTED
    assert client_for(cast.budi).get(work_url(application)).status_code in (403, 404)


def test_an_internal_note_shows_on_the_work_page_and_never_to_the_citizen(cast: Cast):
    application = claimed(cast)

    empty = post_act(cast.budi, application, "note", text="")
    response = post_act(cast.budi, application, "note", text="Pemohon menelepon, berkas asli menyusul.")

    assert empty.status_code == 400
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(application=application, internal=True).count() == 1
    work = client_for(cast.budi).get(work_url(application)).content.decode()
    assert "Pemohon menelepon, berkas asli menyusul." in work
    assert "Catatan internal" in work
    detail = client_for(cast.siti).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )
    assert detail.status_code == 200
    assert "Pemohon menelepon" not in detail.content.decode()


def test_budi_assigns_an_application_to_a_colleague_of_his_office_only(cast: Cast):
    colleague = make_user(
        phone="081200000099", full_name="Dewi Rahma", role="officer", office=cast.world.disdukcapil
    )
    application = claimed(cast)

    outsider = post_act(cast.budi, application, "assign", assignee=cast.andi.pk)
    response = post_act(cast.budi, application, "assign", assignee=colleague.pk)

    assert outsider.status_code == 400
    assert response.status_code == 302
    assert fresh(application).assigned_to_id == colleague.pk
