"""The citizen's form as people meet it: resuming a draft, counting the steps, the answers the
account already knows, the answers a letter can print, and errors that say which question.

Each test checks the answer, the database afterwards, and that the persona who must be
refused is refused.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from layanan.accounts.models import User
from layanan.applications import services
from layanan.applications.models import Application
from layanan.applications.tests.builders import assisted_start
from layanan.applications.tests.test_views_citizen import (
    NIK,
    STEP1,
    build_citizen_service,
    build_draft,
    build_ready,
    client_for,
    fresh,
    other_citizen,
    step2_answers,
    url,
)
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.testing import seeded_service
from layanan.testing import Cast, make_user

pytestmark = pytest.mark.django_db

KK = "1803021506200003"


def continue_link(cast: Cast, application: Application, user: User | None = None) -> str:
    """Where "Lanjutkan mengisi" on the draft's page leads."""
    page = client_for(user or cast.siti).get(url("detail", application))
    assert page.status_code == 200
    found = re.search(r'<a class="button" href="([^"]+)">Lanjutkan mengisi</a>', page.content.decode())
    assert found is not None
    return found[1]


# --- 1. resuming a draft --------------------------------------------------------------------------


def test_resuming_a_draft_opens_the_step_where_the_person_stopped(cast: Cast):
    application = build_draft(cast)
    client = client_for(cast.siti)
    assert continue_link(cast, application) == url("step", application, step=1)

    # Step 1 answered, then step 2 half done and saved for later.
    assert client.post(url("step", application, step=1), {**STEP1, "lanjut": ""}).status_code == 302
    later = client.post(url("step", application, step=2), {"alasan": "Baru 17 tahun", "simpan": ""})
    assert later.status_code == 302
    assert later["Location"] == reverse("applications:mine")
    saved = fresh(application)
    assert saved.answers["alasan"] == "Baru 17 tahun"
    assert "desa" not in saved.answers

    assert continue_link(cast, application) == url("step", application, step=2)
    assert "Langkah 2 dari 3" in client.get(continue_link(cast, application)).content.decode()


def test_a_draft_with_every_step_done_resumes_at_the_requirements_then_the_review(cast: Cast):
    application = build_draft(cast)
    step1: dict[str, object] = {**STEP1, "tanggal_lahir": "1990-06-05"}
    step2: dict[str, object] = {**step2_answers(cast), "alasan_lain": None}
    services.application_save_step(application=application, actor=cast.siti, step=1, answers=step1)
    services.application_save_step(application=application, actor=cast.siti, step=2, answers=step2)

    assert continue_link(cast, application) == url("requirements", application)
    ready = build_ready(cast)
    assert continue_link(cast, ready) == url("review", ready)


def test_a_step_saved_with_a_required_answer_missing_is_where_the_draft_resumes(cast: Cast):
    application = build_draft(cast)
    client = client_for(cast.siti)

    saved = client.post(
        url("step", application, step=1), {"nik": NIK, "tanggal_lahir": "besok", "simpan": ""}
    )

    assert saved.status_code == 302
    assert fresh(application).current_step == 2  # the step was saved...
    assert continue_link(cast, application) == url("step", application, step=1)  # ...but is not complete


def test_only_the_applicant_is_offered_to_continue_a_draft(cast: Cast):
    application = build_draft(cast)

    assert client_for(other_citizen()).get(url("detail", application)).status_code == 403
    assert client_for(cast.andi).get(url("detail", application)).status_code == 403
    anonymous = client_for(None).get(url("detail", application))
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    assert fresh(application).answers == {}


# --- 2. one count of the steps ------------------------------------------------------------------------


def steps_said_on_the_service_page(service: Service) -> int:
    html = client_for(None).get(reverse("catalogue:detail", args=[service.slug])).content.decode()
    found = re.search(r"(\d+) langkah:", html)
    assert found is not None
    return int(found[1])


def steps_said_on_the_form(cast: Cast, service: Service) -> set[int]:
    """The "dari N" of every page of the form (the steps and the requirements page)."""
    application = services.application_start(service=service, applicant=cast.siti, actor=cast.siti)
    client = client_for(cast.siti)
    pages = [url("step", application, step=n) for n in sorted({f.step for f in service.fields.all()})]
    if service.requirements.exclude(kind=Requirement.Kind.FIELD).exists():
        pages.append(url("requirements", application))
    totals: set[int] = set()
    for page in pages:
        html = client.get(page).content.decode()
        totals.update(int(n) for n in re.findall(r"Langkah \d+ dari (\d+)", html))
    return totals


def test_the_service_page_and_the_form_count_the_same_steps_with_a_requirements_page(cast: Cast):
    service = build_citizen_service(cast)

    assert steps_said_on_the_service_page(service) == 3
    assert steps_said_on_the_form(cast, service) == {3}


def test_the_service_page_and_the_form_count_the_same_steps_without_files(cast: Cast):
    service = build_citizen_service(cast)
    service.requirements.exclude(kind=Requirement.Kind.FIELD).delete()
    FormField.objects.filter(service=service, step=2).update(step_title="")  # an untitled step counts too

    assert steps_said_on_the_service_page(service) == 2
    assert steps_said_on_the_form(cast, service) == {2}


@pytest.mark.parametrize("slug", ["akta-kelahiran", "surat-keterangan-domisili", "pengantar-skck"])
def test_seeded_services_say_the_same_number_of_steps_on_both_pages(cast: Cast, slug: str):
    service = seeded_service(slug)
    expected = len({f.step for f in service.fields.all()}) + (
        1 if service.requirements.exclude(kind=Requirement.Kind.FIELD).exists() else 0
    )

    assert steps_said_on_the_service_page(service) == expected
    assert steps_said_on_the_form(cast, service) == {expected}


# --- 3. answers the account already holds -------------------------------------------------------------


def mark_prefill(service: Service) -> None:
    FormField.objects.filter(service=service, name="nik").update(prefill=FormField.Prefill.NIK)
    FormField.objects.filter(service=service, name="tanggal_lahir").update(
        prefill=FormField.Prefill.BIRTH_DATE
    )
    FormField.objects.filter(service=service, name="jenis_kelamin").update(prefill=FormField.Prefill.SEX)
    FormField.objects.filter(service=service, name="desa").update(prefill=FormField.Prefill.VILLAGE)


def with_identity(user: User, *, nik: str, born: date, sex: str) -> User:
    user.nik = nik
    user.birth_date = born
    user.sex = sex
    user.save(update_fields=["nik", "birth_date", "sex"])
    return user


def test_the_form_starts_with_the_applicants_own_nik_birth_date_sex_and_desa(cast: Cast):
    service = build_citizen_service(cast)
    mark_prefill(service)
    with_identity(cast.siti, nik=NIK, born=date(1990, 6, 5), sex="P")
    application = build_draft(cast, service=service)
    client = client_for(cast.siti)

    step1 = client.get(url("step", application, step=1)).content.decode()
    step2 = client.get(url("step", application, step=2)).content.decode()

    assert f'value="{NIK}"' in step1
    assert 'value="1990-06-05"' in step1
    assert re.search(r'<input type="radio" name="jenis_kelamin" value="Perempuan"[^>]* checked', step1)
    assert f'<option value="{cast.world.kotabumi_pasar.code}" selected>' in step2
    assert "Sudah diisi dari data akun Anda" in step1  # she fills in her own form
    assert fresh(application).answers == {}  # shown, not stored until the person saves it
    # The person keeps what they change.
    client.post(url("step", application, step=1), {**STEP1, "jenis_kelamin": "Laki-laki", "lanjut": ""})
    again = client.get(url("step", application, step=1)).content.decode()
    assert re.search(r'value="Laki-laki"[^>]* checked', again)
    assert "Sudah diisi dari data akun" not in again


def test_a_field_about_another_person_is_never_prefilled(cast: Cast):
    with_identity(cast.siti, nik=NIK, born=date(1990, 6, 5), sex="P")
    service = seeded_service("akta-kelahiran")  # the child's birth date and sex, the parents' NIKs
    application = build_draft(cast, service=service)
    client = client_for(cast.siti)

    pages = "".join(client.get(url("step", application, step=n)).content.decode() for n in (1, 2, 3, 4))

    assert NIK not in pages
    assert "1990-06-05" not in pages
    assert 'value="Siti Aminah"' not in pages
    assert "Sudah diisi dari data akun" not in pages


def test_a_seeded_letter_for_the_applicant_starts_with_their_name_and_nik(cast: Cast):
    with_identity(cast.siti, nik=NIK, born=date(1990, 6, 5), sex="P")
    application = build_draft(cast, service=seeded_service("surat-keterangan-domisili"))

    step1 = client_for(cast.siti).get(url("step", application, step=1)).content.decode()

    assert f'value="{NIK}"' in step1
    assert 'value="Siti Aminah"' in step1
    assert 'value="1990-06-05"' in step1


def test_an_operator_sees_the_walk_in_citizens_values_not_their_own(cast: Cast):
    service = build_citizen_service(cast)
    mark_prefill(service)
    walk_in = make_user(phone="081277770001", full_name="Pak Darmo", home_region=cast.world.tanjung_raja_desa)
    with_identity(walk_in, nik="1803041204700002", born=date(1970, 4, 12), sex="L")
    with_identity(cast.rini, nik=NIK, born=date(1990, 6, 5), sex="P")
    application = assisted_start(service, walk_in, cast.rini)

    step1 = client_for(cast.rini).get(url("step", application, step=1))

    assert step1.status_code == 200
    html = step1.content.decode()
    assert 'value="1803041204700002"' in html
    assert 'value="1970-04-12"' in html
    assert "Sudah diisi dari data akun pemohon" in html  # the operator is told whose account it is
    assert NIK not in html
    # Nobody else sees the citizen's NIK through the form.
    assert client_for(cast.siti).get(url("step", application, step=1)).status_code == 403
    assert client_for(cast.andi).get(url("step", application, step=1)).status_code == 403


# --- 4. answers a letter can print ------------------------------------------------------------------


def test_an_emoji_name_and_a_birth_date_in_2030_are_refused_and_nothing_is_saved(cast: Cast):
    application = build_draft(cast, service=seeded_service("surat-keterangan-domisili"))
    client = client_for(cast.siti)

    response = client.post(
        url("step", application, step=1),
        {
            "nik": NIK,
            "nama": "😀😀 Budi 🙏",
            "tempat_lahir": "Kotabumi",
            "tanggal_lahir": "2030-01-01",
            "pekerjaan": "Petani",
            "lanjut": "",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nama lengkap: gunakan huruf saja; emoji dan simbol tidak dapat dicetak di surat." in html
    assert "Tanggal lahir: tanggal ini belum terjadi. Tulis tanggal hari ini atau sebelumnya." in html
    assert fresh(application).answers == {}
    # Another citizen cannot post to this draft at all.
    refused = client_for(other_citizen()).post(
        url("step", application, step=1), {"nama": "Budi", "lanjut": ""}
    )
    assert refused.status_code == 403
    assert fresh(application).answers == {}


def test_a_name_with_extra_spaces_is_stored_tidy(cast: Cast):
    application = build_draft(cast, service=seeded_service("surat-keterangan-domisili"))

    response = client_for(cast.siti).post(
        url("step", application, step=1),
        {
            "nik": NIK,
            "nama": "  Siti   Nur'aini ",
            "tempat_lahir": "Kotabumi",
            "tanggal_lahir": "05/06/1990",
            "pekerjaan": "Pedagang",
            "lanjut": "",
        },
    )

    assert response.status_code == 302
    assert fresh(application).answers["nama"] == "Siti Nur'aini"


# --- 5. errors that say which question ------------------------------------------------------------


def summary_of(html: str) -> list[tuple[str, str]]:
    """(link, words) of each line of the error summary."""
    box = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', box)


def test_the_error_summary_names_the_question_of_each_error_and_links_to_it(cast: Cast):
    application = build_draft(cast, service=seeded_service("akta-kelahiran"))
    client = client_for(cast.siti)

    response = client.post(url("step", application, step=3), {"nik_ibu": "1803020000000000", "lanjut": ""})

    assert response.status_code == 200
    lines = dict(summary_of(response.content.decode()))
    nik_line = lines["#id_nik_ibu"]
    assert nik_line.startswith("NIK ibu: ")
    assert lines["#id_nama_ibu"] == "Isian “Nama lengkap ibu” wajib diisi."  # named once, not twice
    assert lines["#id_perkawinan_orang_tua_0"] == (
        "“Apakah perkawinan orang tua sudah tercatat?”: pilih salah satu jawaban."
    )
    assert fresh(application).answers == {}


def test_a_required_question_reads_as_a_sentence_on_the_page(cast: Cast):
    application = build_draft(cast, service=seeded_service("akta-kelahiran"))

    html = client_for(cast.siti).post(url("step", application, step=1), {"lanjut": ""}).content.decode()

    assert "Isian “Anak ke berapa dari ibu ini?” wajib diisi." in html
    assert "ibu ini? wajib diisi" not in html


def test_the_error_summary_is_in_english_for_english_readers(cast: Cast):
    application = build_draft(cast, service=seeded_service("akta-kelahiran"))
    client = client_for(cast.siti)
    client.cookies["django_language"] = "en"

    html = client.post(url("step", application, step=1), {"anak_ke": "x", "lanjut": ""}).content.decode()

    lines = dict(summary_of(html))
    # The questions themselves in English too (catalogue_en.json).
    assert lines["#id_anak_ke"] == "“Which child of this mother is this (1st, 2nd…)?” must be a number."
    assert lines["#id_nama_anak"] == "“Child&#x27;s full name” must be filled in."  # as HTML escapes it
