"""The pages of the code flows: one h1, a title, forms that post to themselves, and the development hint."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.codes import CODE_URL
from layanan.testing import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _h1s(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


@pytest.mark.parametrize(
    ("url", "heading", "signed_in"),
    [
        ("/akun/masuk/kode/", "Masuk dengan kode", False),
        ("/akun/lupa-kata-sandi/", "Lupa kata sandi", False),
        ("/akun/nomor-hp/", "Ganti nomor HP", True),
        ("/akun/email/", "Ganti email", True),
    ],
)
def test_each_page_has_one_h1_a_title_and_posts_to_itself(client, cast, url, heading, signed_in):
    if signed_in:
        sign_in(client, cast.siti)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert _h1s(html) == [heading]
    assert f"<title>{heading}" in html
    assert f'<form method="post" action="{url}"' in html


def test_the_code_page_without_a_step_under_way_sends_to_sign_in(client, world):
    response = client.get(CODE_URL)
    assert response.status_code == 302
    assert response["Location"] == "/akun/masuk/"


def test_the_code_page_names_where_the_code_went_and_offers_a_new_one(client, cast, fake_gateway):
    client.post("/akun/masuk/kode/", {"identifier": "081200000001"})
    html = client.get(CODE_URL).content.decode()
    assert _h1s(html) == ["Masukkan kode"]
    assert "Kami mengirim kode ke 0812****0001" in html
    assert 'name="resend"' in html
    assert html.count(f'action="{CODE_URL}"') == 2


def test_without_a_gateway_development_shows_the_code_and_production_never(client, cast, settings):
    settings.NOTIFY_BACKENDS = {"whatsapp": "console", "sms": "console", "email": "console"}
    settings.OTP_SHOW_CODE_ON_CONSOLE = True
    response = client.post("/akun/masuk/kode/", {"identifier": "081200000001"})
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(re.search(r"kodenya \d{6}", note) for note in notes)
    settings.OTP_SHOW_CODE_ON_CONSOLE = False
    other = Client()
    response = other.post("/akun/masuk/kode/", {"identifier": "081200000003"})
    assert not [str(m) for m in get_messages(response.wsgi_request)]


def test_an_unproven_account_signing_in_is_asked_to_prove_its_phone(client, world):
    user = make_user(phone="081311112222", full_name="Lama Belum Terbukti")
    User.objects.filter(pk=user.pk).update(phone_verified_at=None)
    response = client.post("/akun/masuk/", {"identifier": "081311112222", "password": TEST_PASSWORD})
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("belum terbukti" in note for note in notes)
    assert client.get("/akun/nomor-hp/buktikan/").status_code == 200
