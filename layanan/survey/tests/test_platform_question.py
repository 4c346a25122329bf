"""The optional question about the platform: asked apart, stored apart, never part of the IKM."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.survey import selectors
from layanan.survey.models import Response
from layanan.survey.tests.builders import gaspul_rows, invitation, response

ANSWERS = {f"u{n}": "3" for n in range(1, 10)}


def _url(token: str) -> str:
    return reverse("survey:questionnaire", kwargs={"token": token})


def test_the_questionnaire_asks_about_the_platform_apart_from_the_ikm(cast):
    html = Client().get(_url(invitation(cast).token)).content.decode()

    assert "Tentang aplikasi ini — tidak dihitung dalam IKM" in html
    assert "Seberapa mudah menggunakan layanan online ini?" in html
    assert html.count('name="platform_ease"') == 4


def test_the_platform_answer_is_stored_in_its_own_column(cast):
    found = invitation(cast)

    sent = Client().post(_url(found.token), {**ANSWERS, "platform_ease": "2"})

    assert sent.status_code == 302
    stored = Response.objects.get()
    assert stored.platform_ease == 2
    assert [getattr(stored, f"u{n}") for n in range(1, 10)] == [3] * 9


def test_the_platform_question_may_be_left_empty(cast):
    sent = Client().post(_url(invitation(cast).token), ANSWERS)

    assert sent.status_code == 302
    assert Response.objects.get().platform_ease is None


def test_an_answer_outside_the_scale_is_refused_in_indonesian_and_nothing_is_saved(cast):
    sent = Client().post(_url(invitation(cast).token), {**ANSWERS, "platform_ease": "7"})

    assert sent.status_code == 200
    assert "Pilih salah satu jawaban, atau biarkan kosong." in sent.content.decode()
    assert not Response.objects.exists()


def test_the_ikm_is_identical_with_and_without_platform_answers(cast):
    office = cast.world.disdukcapil
    day = timezone.localdate() - timedelta(days=2)
    for scores in gaspul_rows():
        response(office=office, period=day, scores=scores)
    start, end = day - timedelta(days=1), day + timedelta(days=1)

    without = selectors.ikm_by_public(start=start, end=end, group="office")
    for number, row in enumerate(Response.objects.order_by("pk")):
        row.platform_ease = 1 + number % 4
        row.save(update_fields=["platform_ease"])
    with_answers = selectors.ikm_by_public(start=start, end=end, group="office")
    scoped = selectors.ikm_by(actor=cast.admin, start=start, end=end, group="office")

    assert without == with_answers == scoped
    assert str(with_answers[office.pk].ikm) == "91.48"  # the GASPUL example, unchanged
