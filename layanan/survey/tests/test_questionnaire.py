"""The questionnaire at survei/<token>/: no sign-in, one response per invitation, plain messages."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.survey.models import Invitation, Response
from layanan.survey.tests.builders import invitation

ANSWERS = {f"u{n}": str(score) for n, score in zip(range(1, 10), (4, 3, 3, 4, 4, 3, 4, 2, 3), strict=True)}


def _url(found: Invitation) -> str:
    return reverse("survey:questionnaire", kwargs={"token": found.token})


def test_the_questionnaire_shows_nine_questions_with_four_answers_each_without_sign_in(cast):
    found = invitation(cast)

    page = Client().get(_url(found))

    assert page.status_code == 200
    html = page.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]  # the page's feedback question is outside
    assert main.count("<fieldset>") == 9
    assert main.count('type="radio"') == 36 + 4  # and the optional platform question, apart
    assert html.count("<h1>") == 1
    assert "Gratis" in html  # the best answer of Biaya/tarif
    assert "Penanganan pengaduan, saran dan masukan" in html.split("Sarana dan prasarana")[0]  # 8 before 9
    assert found.tracking_number in html
    assert 'name="robots" content="noindex"' in html


def test_answering_records_one_anonymous_response_and_thanks(cast):
    found = invitation(cast, period=timezone.localdate() - timedelta(days=3))

    sent = Client().post(_url(found), {**ANSWERS, "suggestion": "Antrean terlalu panjang.", "sex": "p"})

    assert sent.status_code == 302
    assert sent["Location"] == reverse("survey:thanks", kwargs={"token": found.token})
    response = Response.objects.get()
    assert [getattr(response, f"u{n}") for n in range(1, 10)] == [4, 3, 3, 4, 4, 3, 4, 2, 3]
    assert (response.office, response.service, response.period) == (found.office, found.service, found.period)
    assert response.suggestion == "Antrean terlalu panjang."
    assert response.has_suggestion
    assert (response.sex, response.age_group) == ("p", "")
    assert not any(f.name in ("invitation", "respondent", "user") for f in Response._meta.fields)
    found.refresh_from_db()
    assert found.answered_at is not None
    thanks = Client().get(sent["Location"])
    assert thanks.status_code == 200
    assert "Terima kasih" in thanks.content.decode()


def test_the_suggestion_is_sealed_in_the_database(cast):
    from django.db import connection

    found = invitation(cast)
    Client().post(_url(found), {**ANSWERS, "suggestion": "Petugas ramah sekali."})

    with connection.cursor() as cursor:
        cursor.execute("SELECT suggestion FROM survey_response")
        (stored,) = cursor.fetchone()
    assert "ramah" not in stored


def test_a_double_submit_keeps_one_response_and_shows_the_thanks_again(cast):
    found = invitation(cast)
    client = Client()

    first = client.post(_url(found), ANSWERS)
    second = client.post(_url(found), {**ANSWERS, "u1": "1"})

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Response.objects.count() == 1
    assert Response.objects.get().u1 == 4


def test_an_answered_link_opened_again_goes_to_the_thanks(cast):
    found = invitation(cast, answered_at=timezone.now())

    page = Client().get(_url(found))

    assert page.status_code == 302
    assert page["Location"].endswith("/terima-kasih/")


def test_an_expired_link_says_so_plainly_and_accepts_nothing(cast):
    found = invitation(cast, expires_at=timezone.now() - timedelta(minutes=1))

    page = Client().get(_url(found))
    sent = Client().post(_url(found), ANSWERS)

    assert page.status_code == sent.status_code == 410
    assert "Waktu untuk mengisi survei ini sudah habis" in page.content.decode()
    assert not Response.objects.exists()
    found.refresh_from_db()
    assert found.answered_at is None


def test_an_unknown_token_is_not_found(db):
    assert (
        Client().get(reverse("survey:questionnaire", kwargs={"token": "bukan-token-yang-ada"})).status_code
        == 404
    )
    assert not Response.objects.exists()


def test_a_missing_answer_is_named_in_indonesian_and_nothing_is_saved(cast):
    found = invitation(cast)
    partial = {key: value for key, value in ANSWERS.items() if key != "u4"}

    page = Client().post(_url(found), {**partial, "suggestion": "Saran saya."})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Ada masalah" in html
    # The message names its question, once, beside it and in the summary that links to it.
    assert html.count("Pertanyaan 4 (Biaya/tarif): pilih salah satu jawaban.") == 2
    assert "untuk pertanyaan ini" not in html
    assert 'href="#id_u4_0"' in html
    assert "Saran saya." in html  # what was typed is kept
    assert not Response.objects.exists()
    found.refresh_from_db()
    assert found.answered_at is None


def test_an_answer_outside_the_scale_or_an_unknown_profile_choice_is_refused(cast):
    found = invitation(cast)

    out_of_scale = Client().post(_url(found), {**ANSWERS, "u2": "5"})
    odd_profile = Client().post(_url(found), {**ANSWERS, "education": "phd"})

    assert out_of_scale.status_code == odd_profile.status_code == 200
    assert "Pertanyaan 2 (Sistem, mekanisme dan prosedur): pilih salah satu jawaban." in (
        out_of_scale.content.decode()
    )
    assert "Pilihan ini tidak dikenal. Pilih dari daftar." in odd_profile.content.decode()
    assert not Response.objects.exists()


def test_the_thanks_page_of_an_unanswered_invitation_sends_back_to_the_questions(cast):
    found = invitation(cast)

    page = Client().get(reverse("survey:thanks", kwargs={"token": found.token}))

    assert page.status_code == 302
    assert page["Location"] == _url(found)


def test_a_signed_in_person_other_than_the_respondent_still_answers_only_once(cast):
    """The token is the key (an SMS link opened on a relative's phone still counts once)."""
    found = invitation(cast)
    client = Client()
    sign_in(client, cast.budi)

    client.post(_url(found), ANSWERS)
    Client().post(_url(found), ANSWERS)

    assert Response.objects.count() == 1


def test_with_no_answer_each_message_names_its_own_question_in_the_summary(cast):
    found = invitation(cast)

    page = Client().post(_url(found), {})

    assert page.status_code == 200
    html = page.content.decode()
    summary = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == 9
    assert '<a href="#id_u3_0">Pertanyaan 3 (Waktu penyelesaian): pilih salah satu jawaban.</a>' in summary
    assert "Apakah layanan diselesaikan dengan cepat?" in html  # the question itself stays on the page
    assert not Response.objects.exists()


def test_the_messages_name_their_question_in_english_too(cast):
    found = invitation(cast)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.post(_url(found), {k: v for k, v in ANSWERS.items() if k != "u4"}).content.decode()

    assert "Question 4 (" in html
    assert "): choose one answer." in html
    assert not Response.objects.exists()
