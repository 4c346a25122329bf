"""The front door: the home page leads to every open service, the header to a person's own things."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def nav(html: str) -> str:
    match = re.search(r'<nav class="wrap nav".*?</nav>', html, flags=re.S)
    assert match is not None
    return match.group(0)


def nav_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the main menu, tags stripped from the text."""
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', nav(html), flags=re.S)
    ]


def test_the_home_page_links_to_the_complaint_form_the_public_reports_tracking_and_verification(
    client: Client,
) -> None:
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("complaints:new", "complaints:public_list", "applications:lookup", "documents:index"):
        assert f'href="{reverse(name)}"' in html, name
    assert reverse("complaints:new") == "/lapor/baru/"
    assert reverse("documents:index") == "/v/"


def test_the_home_page_no_longer_says_complaints_and_verification_are_coming_or_sends_people_to_lapor(
    client: Client,
) -> None:
    html = client.get(reverse("core:home")).content.decode()
    assert "Segera" not in html
    assert "segera menyusul" not in html
    assert "lapor.go.id" not in html
    assert "#pengaduan" not in html


def test_the_header_offers_services_a_new_report_and_tracking_to_everyone(client: Client) -> None:
    links = nav_links(client.get(reverse("core:home")).content.decode())
    assert links == [
        (reverse("catalogue:list"), "Layanan"),
        (reverse("complaints:new"), "Lapor"),
        (reverse("applications:lookup"), "Lacak"),
        (reverse("accounts:login"), "Masuk"),
    ]


def test_the_header_of_a_signed_in_citizen_has_her_applications_and_her_reports(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.siti)
    links = nav_links(client.get(reverse("core:home")).content.decode())
    assert links == [
        (reverse("catalogue:list"), "Layanan"),
        (reverse("complaints:new"), "Lapor"),
        (reverse("applications:lookup"), "Lacak"),
        (reverse("applications:mine"), "Permohonan saya"),
        (reverse("complaints:mine"), "Laporan saya"),
        (reverse("accounts:profile"), "Akun saya: Siti Aminah"),
    ]


def test_the_header_marks_the_page_a_person_is_on(client: Client, cast: Cast) -> None:
    sign_in(client, cast.siti)
    html = client.get(reverse("complaints:mine")).content.decode()
    assert f'<a href="{reverse("complaints:mine")}" aria-current="page">' in nav(html)
    assert nav(html).count("aria-current") == 1


def test_the_header_in_english(client: Client, cast: Cast) -> None:
    sign_in(client, cast.siti)
    client.cookies["django_language"] = "en"
    texts = [text for _href, text in nav_links(client.get(reverse("core:home")).content.decode())]
    assert texts[:5] == ["Services", "Report", "Track", "My applications", "My reports"]


def test_the_footer_links_to_the_public_reports_and_the_verify_page(client: Client) -> None:
    html = client.get(reverse("core:privacy")).content.decode()
    footer = html[html.index('<footer class="footer">') :]
    assert f'href="{reverse("complaints:public_list")}"' in footer
    assert f'href="{reverse("documents:index")}"' in footer
