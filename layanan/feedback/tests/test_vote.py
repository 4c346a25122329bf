"""'Apakah halaman ini membantu?' on every page: the widget, a vote, a vote sent twice, a flood."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from layanan.accounts.testing import sign_in
from layanan.catalogue.testing import seeded_service
from layanan.feedback import views
from layanan.feedback.models import PageFeedback

pytestmark = pytest.mark.django_db

VOTE = reverse("feedback:vote")
WIDGET = re.compile(r'<aside class="page-feedback".*?</aside>', re.DOTALL)


def _service_path() -> str:
    return reverse("catalogue:detail", kwargs={"slug": seeded_service().slug})


def _vote(client: Client, answer: str, *, page: str = "catalogue:detail", next_path: str = "/") -> Any:
    return client.post(VOTE, {"laman": page, "membantu": answer, "next": next_path})


def test_every_page_asks_whether_it_helped_naming_the_page_by_its_url_name(cast):
    html = Client().get(_service_path()).content.decode()

    widget = WIDGET.search(html)
    assert widget is not None
    assert "Apakah halaman ini membantu?" in widget.group()
    assert 'name="laman" value="catalogue:detail"' in widget.group()
    assert 'name="membantu" value="ya"' in widget.group()
    assert 'name="membantu" value="tidak"' in widget.group()
    assert "csrfmiddlewaretoken" in widget.group()
    assert f'href="{reverse("feedback:problem")}?laman=catalogue%3Adetail"' in widget.group()
    assert "Laporkan masalah di halaman ini" in widget.group()
    assert "<script" not in widget.group()


def test_the_widget_adds_less_than_one_kilobyte_gzipped_to_a_page(cast):
    html = Client().get(_service_path()).content
    without = WIDGET.sub("", html.decode()).encode()
    assert without != html
    added = len(gzip.compress(html, 9)) - len(gzip.compress(without, 9))
    request = RequestFactory().get(_service_path())
    request.resolver_match = resolve(_service_path())
    alone = render_to_string("feedback/_ask.html", request=request).encode()

    assert added < 1024, f"the widget adds {added} bytes gzipped"
    assert len(gzip.compress(alone, 9)) < 1024, (
        f"the widget alone is {len(gzip.compress(alone, 9))} bytes gzipped"
    )


def test_the_widget_is_left_out_of_error_pages_the_feedback_pages_and_the_admin(cast):
    assert WIDGET.search(Client().get("/tidak-ada-halaman-ini/").content.decode()) is None
    assert WIDGET.search(Client().get(reverse("feedback:problem")).content.decode()) is None
    assert WIDGET.search(Client().get(reverse("feedback:changes")).content.decode()) is None
    refused = Client()
    sign_in(refused, cast.siti)
    assert WIDGET.search(refused.get(reverse("feedback:product")).content.decode()) is None  # 403 page
    admin = Client()
    sign_in(admin, cast.admin)
    assert WIDGET.search(admin.get("/admin/").content.decode()) is None


def test_a_yes_is_stored_with_the_page_name_and_nothing_about_the_visitor(cast):
    signed_in = Client()
    sign_in(signed_in, cast.siti)
    signed_in.get("/")

    answered = _vote(signed_in, "ya", next_path=_service_path())

    assert answered.status_code == 200
    html = answered.content.decode()
    assert "Terima kasih atas masukan Anda" in html
    assert f'href="{_service_path()}"' in html
    assert f'href="{reverse("feedback:changes")}"' in html
    row = PageFeedback.objects.get()
    assert (row.page, row.helpful, row.trying, row.problem, row.language) == (
        "catalogue:detail",
        True,
        "",
        "",
        "id",
    )
    assert (row.created_at.minute, row.created_at.second, row.created_at.microsecond) == (0, 0, 0)
    columns = {field.name for field in PageFeedback._meta.get_fields()}
    assert columns == {"id", "page", "helpful", "trying", "problem", "language", "created_at", "tags"}
    assert _service_path() not in {
        str(value) for value in PageFeedback.objects.values_list(*columns - {"tags"}).get()
    }


def test_a_no_offers_the_problem_form_at_once(cast):
    answered = _vote(Client(), "tidak")

    assert answered.status_code == 200
    html = answered.content.decode()
    assert "Apa yang ingin Anda lakukan?" in html
    assert "Apa yang tidak berjalan?" in html
    assert f'action="{reverse("feedback:problem")}"' in html
    assert PageFeedback.objects.get().helpful is False


def test_a_vote_sent_twice_counts_once(cast):
    client = Client()
    client.get("/")  # the CSRF cookie, as a browser has it

    first = _vote(client, "tidak")
    second = _vote(client, "tidak")

    assert (first.status_code, second.status_code) == (200, 200)
    assert PageFeedback.objects.count() == 1
    assert "Terima kasih atas masukan Anda" in second.content.decode()
    _vote(client, "ya", page="core:home")  # another page counts
    _vote(Client(), "tidak")  # another browser counts
    assert PageFeedback.objects.count() == 3


def test_a_changed_mind_keeps_one_vote_with_the_latest_answer(cast):
    client = Client()
    client.get("/")

    _vote(client, "ya")
    changed = _vote(client, "tidak")

    assert changed.status_code == 200
    assert "Apa yang tidak berjalan?" in changed.content.decode()
    assert list(PageFeedback.objects.values_list("helpful", flat=True)) == [False]


def test_a_flood_from_one_address_is_refused_with_a_plain_429(cast, monkeypatch):
    monkeypatch.setattr(views, "SENDS_PER_ADDRESS", views.ratelimit.Limit("feedback-test", 3, 3600))
    for _ in range(3):
        assert _vote(Client(), "ya").status_code == 200

    refused = _vote(Client(), "ya")

    assert refused.status_code == 429
    assert "Terlalu banyak masukan" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert PageFeedback.objects.count() == 3
    problem = Client().post(reverse("feedback:problem"), {"problem": "Tombol tidak bisa ditekan."})
    assert problem.status_code == 429
    assert PageFeedback.objects.count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {"laman": "tidak:ada", "membantu": "ya"},
        {"laman": "admin:index", "membantu": "ya"},
        {"laman": "feedback:changes", "membantu": "ya"},
        {"laman": "catalogue:detail", "membantu": "mungkin"},
        {"membantu": "ya"},
    ],
)
def test_a_vote_for_an_unknown_page_or_answer_is_refused_plainly(cast, data):
    refused = Client().post(VOTE, data)

    assert refused.status_code == 400
    assert "Masukan tidak dapat dibaca" in refused.content.decode()
    assert not PageFeedback.objects.exists()


def test_the_back_link_never_leaves_the_site(cast):
    answered = _vote(Client(), "ya", next_path="https://contoh.invalid/jebakan")

    assert answered.status_code == 200
    html = answered.content.decode()
    assert "contoh.invalid" not in html
    assert '<a href="/">' in html


def test_a_vote_is_a_post_with_a_csrf_token(cast):
    assert Client().get(VOTE).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(VOTE, {"laman": "core:home", "membantu": "ya"}).status_code == 403
    assert not PageFeedback.objects.exists()
