"""'Laporkan masalah di halaman ini': after a "Tidak", or on its own; redacted, limited, counted once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.feedback.models import PROBLEM_MAX, PageFeedback

pytestmark = pytest.mark.django_db

PROBLEM = reverse("feedback:problem")
VOTE = reverse("feedback:vote")
HIDDEN = re.compile(r'<input type="hidden" name="(laman|next|suara)" value="([^"]*)"')


def _hidden(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


def test_the_problem_form_stands_alone_with_the_page_name_from_the_link(cast):
    page = Client().get(PROBLEM, {"laman": "catalogue:detail"})

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1>") == 1
    assert _hidden(html)["laman"] == "catalogue:detail"
    assert "Apa yang ingin Anda lakukan?" in html
    assert "Apa yang tidak berjalan?" in html


def test_an_unknown_page_name_in_the_link_is_dropped(cast):
    html = Client().get(PROBLEM, {"laman": "/permohonan/P-7K94M-9XH3C/"}).content.decode()

    assert _hidden(html).get("laman", "") == ""


def test_a_problem_reported_on_its_own_is_stored_redacted_without_a_vote(cast):
    sent = Client().post(
        PROBLEM,
        {
            "laman": "applications:lookup",
            "trying": "Melacak permohonan, NIK saya 1803021234560001.",
            "problem": "Tidak ketemu. Hubungi 0812-3456-7890 atau siti@contoh.id.",
        },
    )

    assert sent.status_code == 200
    assert "Terima kasih atas masukan Anda" in sent.content.decode()
    row = PageFeedback.objects.get()
    assert (row.page, row.helpful) == ("applications:lookup", None)
    assert row.trying == "Melacak permohonan, NIK saya [16 digit disamarkan]."
    assert row.problem == "Tidak ketemu. Hubungi [nomor disamarkan] atau [email disamarkan]."


def test_after_a_no_the_texts_join_that_vote_once(cast):
    client = Client()
    client.get("/")
    thanks = client.post(VOTE, {"laman": "catalogue:detail", "membantu": "tidak", "next": "/layanan/"})
    hidden = _hidden(thanks.content.decode())
    assert hidden["laman"] == "catalogue:detail"
    assert hidden["next"] == "/layanan/"
    data = {**hidden, "trying": "Mencari syarat akta.", "problem": "Daftarnya terlalu panjang."}

    first = client.post(PROBLEM, data)
    again = client.post(PROBLEM, {**data, "problem": "Dikirim dua kali."})

    assert (first.status_code, again.status_code) == (200, 200)
    assert '<a href="/layanan/">' in first.content.decode()
    row = PageFeedback.objects.get()
    assert (row.helpful, row.trying, row.problem) == (
        False,
        "Mencari syarat akta.",
        "Daftarnya terlalu panjang.",
    )


def test_a_problem_sent_twice_on_its_own_counts_once(cast):
    client = Client()
    client.get("/")
    data = {"laman": "core:home", "problem": "Gambar tidak muncul."}

    client.post(PROBLEM, data)
    client.post(PROBLEM, data)

    assert PageFeedback.objects.count() == 1
    client.post(PROBLEM, {**data, "problem": "Tombol juga tidak muncul."})
    assert PageFeedback.objects.count() == 2


def test_a_forged_vote_token_makes_a_row_of_its_own(cast):
    vote = PageFeedback.objects.create(page="core:home", helpful=False, created_at=timezone.now())

    Client().post(PROBLEM, {"laman": "core:home", "problem": "Lambat.", "suara": f"{vote.pk}:palsu"})

    vote.refresh_from_db()
    assert vote.problem == ""
    assert PageFeedback.objects.filter(helpful__isnull=True, problem="Lambat.").count() == 1


def test_an_empty_report_asks_for_words_in_indonesian_and_stores_nothing(cast):
    sent = Client().post(PROBLEM, {"laman": "core:home", "trying": "  ", "problem": ""})

    assert sent.status_code == 400
    assert "Tulis dulu apa yang ingin Anda lakukan atau apa yang tidak berjalan." in sent.content.decode()
    assert not PageFeedback.objects.exists()


def test_a_text_over_the_limit_is_refused_with_a_plain_message(cast):
    sent = Client().post(PROBLEM, {"laman": "core:home", "problem": "a" * (PROBLEM_MAX + 1)})

    assert sent.status_code == 400
    assert f"Tulis paling banyak {PROBLEM_MAX} huruf di sini." in sent.content.decode()
    assert not PageFeedback.objects.exists()
