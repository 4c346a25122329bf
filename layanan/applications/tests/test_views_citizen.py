"""The citizen's pages, through the test client and the real services.

Each test checks the answer, the database afterwards, and that the persona
who must be refused is refused (another citizen, Andi of Dinas PUPR, an
anonymous visitor).
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.applications import services
from layanan.applications.models import Application, Attachment, RequirementCheck, Status, TimelineEvent
from layanan.applications.tests.builders import assisted_start
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.testing import Cast, make_user

pytestmark = pytest.mark.django_db

NIK = "1803024506900001"  # a woman born 5 June 1990, registered in Kotabumi


# --- builders ------------------------------------------------------------------------------------


def build_citizen_service(cast: Cast, *, slug: str = "") -> Service:
    """A Disdukcapil service with two steps and three requirements (upload, upload-or-paper, field)."""
    service = Service.objects.create(
        slug=slug or f"ktp-{uuid.uuid4().hex[:8]}",
        name="KTP-el baru",
        summary="Untuk warga yang baru berusia 17 tahun.",
        handler=Service.Handler.FIXED_OFFICE,
        office=cast.world.disdukcapil,
        sla_working_days=14,
        output=Service.Output.SIAK,
    )
    step1 = "Data pemohon"
    FormField.objects.create(
        service=service, step=1, step_title=step1, order=1, name="nik", label="NIK pemohon", kind="nik"
    )
    FormField.objects.create(
        service=service,
        step=1,
        step_title=step1,
        order=2,
        name="tanggal_lahir",
        label="Tanggal lahir",
        kind="date",
    )
    FormField.objects.create(
        service=service,
        step=1,
        step_title=step1,
        order=3,
        name="jenis_kelamin",
        label="Jenis kelamin",
        kind="choice",
        choices="Laki-laki\nPerempuan",
    )
    step2 = "Alamat dan alasan"
    FormField.objects.create(
        service=service,
        step=2,
        step_title=step2,
        order=1,
        name="desa",
        label="Desa/kelurahan",
        kind="village",
    )
    FormField.objects.create(
        service=service,
        step=2,
        step_title=step2,
        order=2,
        name="alasan",
        label="Alasan",
        kind="choice",
        choices="Baru 17 tahun\nHilang\nRusak\nPindah\nGanti data\nLainnya",
    )
    FormField.objects.create(
        service=service,
        step=2,
        step_title=step2,
        order=3,
        name="alasan_lain",
        label="Alasan lain",
        shown_when="alasan=Lainnya",
    )
    Requirement.objects.create(
        service=service, order=1, code="foto-kk", name="Foto Kartu Keluarga", kind=Requirement.Kind.UPLOAD
    )
    Requirement.objects.create(
        service=service, order=2, code="akta", name="Akta kelahiran", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )
    Requirement.objects.create(
        service=service, order=3, code="nik", name="NIK", kind=Requirement.Kind.FIELD, field_name="nik"
    )
    return service


STEP1 = {"nik": NIK, "tanggal_lahir": "05/06/1990", "jenis_kelamin": "Perempuan"}


def step2_answers(cast: Cast) -> dict[str, str]:
    return {"desa": cast.world.kotabumi_pasar.code, "alasan": "Baru 17 tahun", "alasan_lain": ""}


def jpeg_upload(name: str = "kk.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 120, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def build_draft(cast: Cast, *, applicant: User | None = None, service: Service | None = None) -> Application:
    applicant = applicant or cast.siti
    service = service or build_citizen_service(cast)
    return services.application_start(service=service, applicant=applicant, actor=applicant)


def build_ready(cast: Cast, **kwargs: object) -> Application:
    """A draft with every answer and requirement given, through the real services."""
    application = build_draft(cast, **kwargs)  # type: ignore[arg-type]
    applicant = application.applicant
    services.application_save_step(
        application=application,
        actor=applicant,
        step=1,
        answers={"nik": NIK, "tanggal_lahir": "1990-06-05", "jenis_kelamin": "Perempuan"},
    )
    services.application_save_step(
        application=application,
        actor=applicant,
        step=2,
        answers={"desa": cast.world.kotabumi_pasar.code, "alasan": "Baru 17 tahun", "alasan_lain": None},
    )
    requirements = {r.code: r for r in application.service.requirements.all()}
    services.requirement_provide(
        application=application,
        actor=applicant,
        requirement=requirements["foto-kk"],
        provision="upload",
        upload=jpeg_upload(),
    )
    services.requirement_provide(
        application=application, actor=applicant, requirement=requirements["akta"], provision="paper"
    )
    return fresh(application)


def build_submitted(cast: Cast, **kwargs: object) -> Application:
    application = build_ready(cast, **kwargs)
    return services.application_submit(
        application=application, actor=application.applicant, submit_key=uuid.uuid4()
    )


def tracking_of(application: Application) -> str:
    assert application.tracking_number is not None
    return application.tracking_number


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def url(name: str, application: Application, **kwargs: object) -> str:
    return reverse(f"applications:{name}", kwargs={"public_id": application.public_id, **kwargs})


def other_citizen() -> User:
    return make_user(phone="081299990001", full_name="Wati Citra")


# --- the whole path ------------------------------------------------------------------------------


def test_a_citizen_goes_from_start_to_a_tracking_number(cast: Cast):
    service = build_citizen_service(cast)
    client = client_for(cast.siti)

    confirm = client.get(reverse("applications:start", args=[service.slug]))
    assert confirm.status_code == 200
    assert b"Mulai mengisi" in confirm.content

    started = client.post(reverse("applications:start", args=[service.slug]))
    application = Application.objects.get(applicant=cast.siti, service=service)
    assert started.status_code == 302
    assert started["Location"] == url("step", application, step=1)
    assert application.status == Status.DRAFT

    page = client.get(url("step", application, step=1))
    assert page.status_code == 200
    assert "Langkah 1 dari 3" in page.content.decode()

    response = client.post(url("step", application, step=1), {**STEP1, "lanjut": ""})
    assert response.status_code == 302
    assert response["Location"] == url("step", application, step=2)
    assert fresh(application).answers["tanggal_lahir"] == "1990-06-05"

    response = client.post(url("step", application, step=2), {**step2_answers(cast), "lanjut": ""})
    assert response["Location"] == url("requirements", application)

    page = client.get(url("requirements", application))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*,application/pdf"' in html
    assert "capture" not in html
    assert "Langkah 3 dari 3" in html

    response = client.post(
        url("requirements", application),
        {"berkas-foto-kk": jpeg_upload(), "cara-akta": "paper", "lanjut": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url("review", application)
    attachment = Attachment.objects.get(application=application, is_current=True)
    assert attachment.content_type == "image/jpeg"

    review = client.get(url("review", application))
    assert review.status_code == 200
    html = review.content.decode()
    assert "Kotabumi Pasar" in html
    assert "Foto terunggah" in html
    assert "Dokumen asli dibawa ke kantor" in html
    key = review.context["submit_key"]

    submitted = client.post(url("review", application), {"submit_key": str(key)})
    assert submitted.status_code == 302
    assert submitted["Location"] == url("done", application)
    application = fresh(application)
    assert application.status == Status.SUBMITTED
    assert application.tracking_number
    assert application.due_at is not None

    done = client.get(url("done", application))
    assert done.status_code == 200
    assert application.tracking_number in done.content.decode()
    assert "Perkiraan selesai:" in done.content.decode()


def test_a_submit_sent_twice_with_the_same_key_makes_one_application(cast: Cast):
    application = build_ready(cast)
    client = client_for(cast.siti)
    key = str(uuid.uuid4())

    first = client.post(url("review", application), {"submit_key": key})
    second = client.post(url("review", application), {"submit_key": key})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("done", application)
    assert Application.objects.filter(applicant=cast.siti).count() == 1
    assert fresh(application).status == Status.SUBMITTED
    assert TimelineEvent.objects.filter(application=application, action="submit").count() == 1


def test_an_incomplete_draft_shows_what_is_missing_with_links(cast: Cast):
    application = build_draft(cast)
    client = client_for(cast.siti)

    response = client.post(url("review", application), {"submit_key": str(uuid.uuid4())})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Permohonan belum dapat dikirim" in html
    assert "NIK pemohon" in html
    assert url("step", application, step=1) in html
    assert url("requirements", application) + "#syarat-foto-kk" in html
    assert fresh(application).status == Status.DRAFT
    assert fresh(application).tracking_number is None


def test_the_done_page_gives_the_due_date_in_words(cast: Cast):
    application = build_submitted(cast)
    Application.objects.filter(pk=application.pk).update(
        due_at=datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    )

    response = client_for(cast.siti).get(url("done", application))

    assert response.status_code == 200
    assert "Kamis, 3 Desember 2026" in response.content.decode()
    assert client_for(other_citizen()).get(url("done", application)).status_code == 403


# --- start ---------------------------------------------------------------------------------------


def test_start_sends_anonymous_visitors_to_sign_in_and_refuses_an_officer(cast: Cast):
    service = build_citizen_service(cast)
    start = reverse("applications:start", args=[service.slug])

    anonymous = Client().post(start)
    andi = client_for(cast.andi).post(start)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert "next=" in anonymous["Location"]
    assert andi.status_code == 403
    assert not Application.objects.exists()


def test_start_of_an_unknown_service_is_not_found(cast: Cast):
    response = client_for(cast.siti).post(reverse("applications:start", args=["tidak-ada"]))

    assert response.status_code == 404
    assert not Application.objects.exists()


def test_an_operator_is_sent_to_the_assisted_service_which_records_consent_first(cast: Cast):
    service = build_citizen_service(cast)
    client = client_for(cast.rini)
    start = reverse("applications:start", args=[service.slug])

    page = client.get(start)
    posted = client.post(start, {"phone": "0812 7777 0001", "consent": "on"})

    assert page.status_code == posted.status_code == 302
    assert page["Location"] == posted["Location"] == reverse("assisted:home")
    assert not Application.objects.exists()


# --- steps ---------------------------------------------------------------------------------------


def test_an_empty_step_is_refused_with_plain_messages_and_nothing_is_saved(cast: Cast):
    application = build_draft(cast)

    response = client_for(cast.siti).post(url("step", application, step=1), {"lanjut": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada masalah" in html
    assert "Isian “NIK pemohon” wajib diisi." in html
    assert "Jenis kelamin: pilih salah satu jawaban." in html
    assert 'href="#id_jenis_kelamin_0"' in html
    assert fresh(application).answers == {}


def test_save_and_continue_later_keeps_the_draft_for_another_device(cast: Cast):
    application = build_draft(cast)

    response = client_for(cast.siti).post(
        url("step", application, step=1), {"nik": NIK, "tanggal_lahir": "bukan tanggal", "simpan": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:mine")
    assert fresh(application).answers == {"nik": NIK}  # the valid part; the rest is fixed later
    other_device = client_for(cast.siti)
    assert NIK in other_device.get(url("step", application, step=1)).content.decode()
    assert application.service.name in other_device.get(reverse("applications:mine")).content.decode()


def test_a_question_hidden_by_its_condition_is_not_required(cast: Cast):
    application = build_draft(cast)
    client = client_for(cast.siti)
    step2 = url("step", application, step=2)

    hidden = client.post(step2, {**step2_answers(cast), "alasan_lain": "", "lanjut": ""})
    assert hidden.status_code == 302
    assert fresh(application).answers["alasan_lain"] is None

    shown = client.post(step2, {**step2_answers(cast), "alasan": "Lainnya", "alasan_lain": "", "lanjut": ""})
    assert shown.status_code == 200
    assert "Isian “Alasan lain” wajib diisi." in shown.content.decode()
    assert fresh(application).answers["alasan"] == "Baru 17 tahun"


def test_a_change_from_the_review_page_returns_to_it(cast: Cast):
    application = build_ready(cast)

    response = client_for(cast.siti).post(
        url("step", application, step=1) + "?dari=periksa",
        {**STEP1, "jenis_kelamin": "Laki-laki", "lanjut": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == url("review", application)
    assert fresh(application).answers["jenis_kelamin"] == "Laki-laki"


# --- requirements ---------------------------------------------------------------------------------


def test_a_refused_upload_is_shown_on_its_item_and_nothing_is_stored(cast: Cast):
    application = build_draft(cast)
    fake = SimpleUploadedFile("kk.jpg", b"<html><body>bukan foto</body></html>", content_type="image/jpeg")

    response = client_for(cast.siti).post(
        url("requirements", application), {"berkas-foto-kk": fake, "cara-akta": "paper", "lanjut": ""}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Berkas harus berupa foto (JPG/PNG) atau PDF." in html
    assert 'href="#berkas-foto-kk"' in html
    assert not Attachment.objects.exists()
    # The other item was still recorded.
    check = RequirementCheck.objects.get(application=application, requirement__code="akta")
    assert check.provision == RequirementCheck.Provision.PAPER


def test_continuing_without_a_required_upload_asks_for_it(cast: Cast):
    application = build_draft(cast)

    response = client_for(cast.siti).post(
        url("requirements", application), {"cara-akta": "upload", "lanjut": ""}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Unggah Foto Kartu Keluarga." in html
    assert "Unggah Akta kelahiran, atau pilih membawa dokumen asli ke kantor." in html
    assert not RequirementCheck.objects.exclude(provision=RequirementCheck.Provision.MISSING).exists()


# --- persona refusals ------------------------------------------------------------------------------


def test_nobody_but_siti_opens_her_application_pages(cast: Cast):
    application = build_ready(cast)
    before = fresh(application).version
    pages = [
        url("step", application, step=1),
        url("requirements", application),
        url("review", application),
        url("done", application),
        url("detail", application),
        url("withdraw", application),
    ]
    wati = client_for(other_citizen())
    andi = client_for(cast.andi)
    anonymous = Client()

    for page in pages:
        assert client_for(cast.siti).get(page).status_code in (200, 302), page
        assert wati.get(page).status_code == 403, page
        assert andi.get(page).status_code == 403, page
        response = anonymous.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("accounts:login")), page
    assert wati.post(url("step", application, step=1), {**STEP1, "lanjut": ""}).status_code == 403
    assert wati.post(url("review", application), {"submit_key": str(uuid.uuid4())}).status_code == 403
    assert andi.post(url("withdraw", application), {"version": before}).status_code == 403
    after = fresh(application)
    assert after.version == before
    assert after.status == Status.DRAFT


def test_an_unknown_application_is_not_found(cast: Cast):
    response = client_for(cast.siti).get(reverse("applications:detail", kwargs={"public_id": uuid.uuid4()}))

    assert response.status_code == 404


# --- following one's applications -------------------------------------------------------------------


def test_my_applications_lists_drafts_and_submitted_ones_of_mine_only(cast: Cast):
    draft = build_draft(cast)
    submitted = build_submitted(cast)
    build_draft(cast, applicant=other_citizen())

    response = client_for(cast.siti).get(reverse("applications:mine"))

    assert response.status_code == 200
    html = response.content.decode()
    assert url("detail", draft) in html
    assert tracking_of(submitted) in html
    assert "Diterima, menunggu diperiksa" in html
    assert [a.pk for a in response.context["drafts"]] == [draft.pk]
    assert [a.pk for a, _tag in response.context["sent"]] == [submitted.pk]
    assert Client().get(reverse("applications:mine")).status_code == 302
    andi = client_for(cast.andi).get(reverse("applications:mine"))
    assert andi.status_code == 200
    assert tracking_of(submitted) not in andi.content.decode()


def test_the_detail_page_shows_the_timeline_without_internal_notes(cast: Cast):
    application = build_submitted(cast)
    services.application_claim(
        application=application, actor=cast.budi, expected_version=fresh(application).version
    )
    services.application_note(application=application, actor=cast.budi, text="Catatan rahasia petugas")

    response = client_for(cast.siti).get(url("detail", application))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sedang diperiksa" in html
    assert "Permohonan mulai diperiksa petugas." in html
    assert "Catatan rahasia petugas" not in html
    assert client_for(cast.andi).get(url("detail", application)).status_code == 403


def test_a_citizen_fixes_only_the_item_asked_for_and_resubmits(cast: Cast):
    application = build_submitted(cast)
    application = services.application_claim(
        application=application, actor=cast.budi, expected_version=application.version
    )
    checks = {c.requirement.code: c for c in application.checks.select_related("requirement")}
    services.requirement_review(
        check=checks["foto-kk"], actor=cast.budi, accepted=False, reason="Foto buram."
    )
    services.requirement_review(check=checks["akta"], actor=cast.budi, accepted=True)
    services.requirement_review(check=checks["nik"], actor=cast.budi, accepted=True)
    application = services.application_request_revision(
        application=application, actor=cast.budi, expected_version=fresh(application).version
    )
    client = client_for(cast.siti)

    detail = client.get(url("detail", application))
    html = detail.content.decode()
    assert "Foto buram." in html
    assert url("requirements", application) + "#syarat-foto-kk" in html
    assert "Kirim ulang" not in html  # not before the item is provided again

    page = client.get(url("requirements", application))
    assert page.status_code == 200
    assert 'name="berkas-foto-kk"' in page.content.decode()
    assert 'name="cara-akta"' not in page.content.decode()  # accepted: nothing to change

    response = client.post(
        url("requirements", application), {"berkas-foto-kk": jpeg_upload("baru.jpg"), "lanjut": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Attachment.objects.filter(application=application).count() == 2
    assert Attachment.objects.filter(application=application, is_current=True).count() == 1

    detail = client.get(url("detail", application))
    assert detail.context["can_resubmit"] is True
    key = detail.context["submit_key"]
    assert (
        client_for(other_citizen()).post(url("review", application), {"submit_key": str(key)}).status_code
        == 403
    )

    resubmitted = client.post(url("review", application), {"submit_key": str(key)})
    assert resubmitted.status_code == 302
    application = fresh(application)
    assert application.status == Status.VERIFYING
    assert application.paused_at is None


def test_a_citizen_withdraws_after_confirming(cast: Cast):
    application = build_submitted(cast)
    client = client_for(cast.siti)

    confirm = client.get(url("withdraw", application))
    assert confirm.status_code == 200
    assert fresh(application).status == Status.SUBMITTED

    refused = client_for(other_citizen()).post(url("withdraw", application), {"version": application.version})
    assert refused.status_code == 403
    assert fresh(application).status == Status.SUBMITTED

    response = client.post(url("withdraw", application), {"version": application.version})
    assert response.status_code == 302
    assert fresh(application).status == Status.WITHDRAWN


def test_a_stale_withdraw_changes_nothing(cast: Cast):
    application = build_submitted(cast)

    response = client_for(cast.siti).post(url("withdraw", application), {"version": application.version - 1})

    assert response.status_code == 302
    assert fresh(application).status == Status.SUBMITTED


# --- attachments -------------------------------------------------------------------------------------


def test_an_attachment_is_served_privately_with_safe_headers(cast: Cast):
    application = build_submitted(cast)
    attachment = Attachment.objects.get(application=application)
    path = reverse("applications:attachment", args=[attachment.pk])

    response = client_for(cast.siti).get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="lampiran-{attachment.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.getvalue()[:3] == b"\xff\xd8\xff"
    assert client_for(cast.budi).get(path).status_code == 200  # the handling office
    # Anyone else: the same 404 as for an attachment that does not exist.
    assert client_for(cast.andi).get(path).status_code == 404
    assert client_for(other_citizen()).get(path).status_code == 404
    assert client_for(cast.bupati).get(path).status_code == 404
    assert Client().get(path).status_code == 302
    assert (
        client_for(cast.siti).get(reverse("applications:attachment", args=[attachment.pk + 999])).status_code
        == 404
    )


def test_a_draft_of_a_walk_in_citizen_is_not_the_operator_of_another_desa(cast: Cast):
    walk_in = make_user(
        phone="081277770002", full_name="Bu Sari", home_region=cast.world.tanjung_raja_desa, role=Role.CITIZEN
    )
    application = assisted_start(build_citizen_service(cast), walk_in, cast.rini)
    other_operator = make_user(
        phone="081277770003", full_name="Operator Lain", role=Role.OPERATOR, office=cast.world.kec_kotabumi
    )

    assert client_for(cast.rini).get(url("detail", application)).status_code == 200
    assert client_for(walk_in).get(url("detail", application)).status_code == 200
    assert client_for(other_operator).get(url("detail", application)).status_code == 403


def test_the_done_page_names_the_originals_to_bring_and_where(cast: Cast):
    application = build_submitted(cast)  # the birth certificate is brought on paper

    response = client_for(cast.siti).get(url("done", application))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Anda memilih membawa dokumen asli: Akta kelahiran. Siapkan dan bawa ke "
        "Dinas Kependudukan dan Pencatatan Sipil bila petugas memintanya."
    ) in html
    assert "Foto Kartu Keluarga" not in html  # uploaded: nothing to bring
    assert fresh(application).status == Status.SUBMITTED
    assert client_for(other_citizen()).get(url("done", application)).status_code == 403
    assert client_for(cast.andi).get(url("done", application)).status_code == 403


def test_the_done_page_asks_for_no_originals_when_everything_was_uploaded(cast: Cast):
    application = build_submitted(cast)
    application.checks.filter(provision=RequirementCheck.Provision.PAPER).update(
        provision=RequirementCheck.Provision.UPLOAD
    )

    html = client_for(cast.siti).get(url("done", application)).content.decode()

    assert "membawa dokumen asli" not in html


def test_the_done_page_names_the_originals_in_english(cast: Cast, settings):
    application = build_submitted(cast)
    client = client_for(cast.siti)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(url("done", application)).content.decode()

    assert "You chose to bring the originals: Akta kelahiran." in html
