"""The web shell: home, privacy, error pages, the language switch, and the base layout's promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse
from pytest_django import DjangoAssertNumQueries

from layanan import urls
from layanan.accounts.testing import sign_in
from layanan.core import views
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
DASH = "\N{EN DASH}"  # the title separator
TIMES = "\N{MULTIPLICATION SIGN}"


def h1s(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


def test_the_home_page_says_what_the_platform_does_and_offers_sign_in_and_registration(
    client: Client,
) -> None:
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert h1s(html) == ["Layanan publik, tanpa bolak-balik ke kantor"]
    assert f"<title>Beranda {DASH} Layanan Lampura</title>" in html
    assert '<html lang="id">' in html
    for section in ("layanan", "pengaduan", "lacak", "verifikasi", "bantuan"):
        assert f'id="{section}"' in html
    assert f'href="{reverse("accounts:login")}"' in html
    assert f'href="{reverse("accounts:register")}"' in html


def test_the_header_offers_a_post_form_to_sign_out_once_signed_in(client: Client, cast: Cast) -> None:
    sign_in(client, cast.siti)
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siti Aminah" in html
    assert re.search(rf'<form method="post" action="{reverse("accounts:logout")}"', html)
    assert f'<a href="{reverse("accounts:login")}"' not in html


def test_another_regency_changes_only_configuration(client: Client, settings: LazySettings) -> None:
    settings.REGENCY = {
        **settings.REGENCY,
        "name": "Kabupaten Way Kanan",
        "platform_name": "Layanan Way Kanan",
        "email": "layanan@waykanankab.go.id",
        "address": "Jl. Jenderal Sudirman No. 1, Blambangan Umpu",
    }
    html = client.get(reverse("core:home")).content.decode()
    assert f"<title>Beranda {DASH} Layanan Way Kanan</title>" in html
    assert "Pemerintah Kabupaten Way Kanan" in html
    assert "mailto:layanan@waykanankab.go.id" in html
    assert "Lampung Utara" not in html


def test_the_privacy_page_explains_the_rights_of_uu_27_2022_and_whom_to_contact(client: Client) -> None:
    response = client.get(reverse("core:privacy"))
    html = response.content.decode()
    assert response.status_code == 200
    assert h1s(html) == ["Privasi dan data pribadi"]
    assert "Undang-Undang Nomor 27 Tahun 2022" in html
    for article in range(5, 14):
        assert f"(Pasal {article})" in html
    assert f"3 {TIMES} 24 jam" in html
    assert "mailto:layanan@lampungutarakab.go.id" in html


def test_switching_to_english_shows_the_home_page_in_english_and_back(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:home")})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in html
    assert h1s(html) == ["Public services, without trips back and forth to the office"]
    assert f"<title>Home {DASH} Layanan Lampura</title>" in html
    # "Bahasa " is hidden on a phone to keep the header on one line; a screen reader hears it all.
    assert '<span class="header__lang-long">Bahasa </span>Indonesia</button>' in html

    client.post(reverse("set_language"), {"language": "id", "next": reverse("core:home")})
    assert h1s(client.get(reverse("core:home")).content.decode()) == [
        "Layanan publik, tanpa bolak-balik ke kantor"
    ]


def test_a_browser_set_to_english_still_gets_indonesian_until_the_switch_is_used(client: Client) -> None:
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in response.content.decode()
    assert response["Content-Language"] == "id"
    assert "Cookie" in response["Vary"]


def test_an_unknown_language_in_the_cookie_falls_back_to_indonesian(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    assert '<html lang="id">' in client.get(reverse("core:home")).content.decode()


def test_a_form_sent_without_its_token_gets_the_friendly_expired_form_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": "/"},
        HTTP_REFERER="http://testserver/tentang-privasi/",
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert h1s(html) == ["Formulir kedaluwarsa, silakan kirim ulang"]
    assert 'href="http://testserver/tentang-privasi/">Kembali ke formulir' in html
    assert "django_language" not in response.cookies


def test_the_expired_form_page_never_links_back_to_another_site() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER="https://evil.example/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "evil.example" not in html
    assert f'href="{reverse("core:home")}">Kembali ke beranda' in html


def test_a_missing_page_gets_the_indonesian_not_found_page(client: Client) -> None:
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert h1s(response.content.decode()) == ["Halaman tidak ditemukan"]


def test_the_server_error_page_needs_neither_the_database_nor_the_session(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert h1s(html) == ["Maaf, terjadi gangguan pada layanan"]
    assert f"<title>Terjadi gangguan {DASH} Layanan Lampura</title>" in html
    assert "(0724) 21000" in html
    assert "csrfmiddlewaretoken" not in html


def _broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("rusak/", _broken_view), *urls.urlpatterns]
handler500 = urls.handler500


def test_the_project_answers_uncaught_errors_with_the_core_500_page() -> None:
    assert urls.handler500 == "layanan.core.views.server_error"


@pytest.mark.urls(__name__)
def test_an_uncaught_error_gets_the_friendly_500_page() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/rusak/")
    assert response.status_code == 500
    assert h1s(response.content.decode()) == ["Maaf, terjadi gangguan pada layanan"]


@pytest.mark.parametrize(
    "template", sorted(TEMPLATE_ROOT.glob("**/templates/**/*.html")), ids=lambda path: path.name
)
def test_no_template_has_inline_script_style_or_event_handlers(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script> (strict CSP)"
    assert not re.search(r"<style\b", text), "<style> element (strict CSP)"
    assert not re.search(r"\sstyle=", text), "style= attribute (strict CSP)"
    assert not re.search(r"\son[a-z]+=", text), "on*= handler attribute (strict CSP)"
