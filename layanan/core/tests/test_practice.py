"""The practice-mode switch (/latihan/): one button, kept in the session, a banner on every page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.core.practice import SESSION_KEY
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

URL = reverse("core:practice")
BANNER = "Mode latihan: tidak ada yang dikirim ke kantor mana pun"


def test_the_page_explains_practice_mode_with_one_button_to_start_it() -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert html.count('type="submit" class="button"') == 1
    assert 'name="on" value="1"' in html
    assert BANNER not in html


def test_any_visitor_turns_it_on_and_sees_the_banner_everywhere_then_turns_it_off() -> None:
    client = Client()
    response = client.post(URL, {"on": "1"})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert client.session[SESSION_KEY] is True
    for page in (reverse("core:home"), URL, reverse("catalogue:list")):
        html = client.get(page).content.decode()
        assert BANNER in html, page
    assert 'name="on" value="0"' in client.get(URL).content.decode()
    response = client.post(URL, {"on": "0", "next": reverse("catalogue:list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:list")
    assert SESSION_KEY not in client.session
    assert BANNER not in client.get(reverse("core:home")).content.decode()


def test_a_signed_in_operator_keeps_it_through_the_pages_and_loses_it_at_sign_out(cast: Cast) -> None:
    client = Client()
    sign_in(client, cast.rini)
    client.post(URL, {"on": "1"})
    assert BANNER in client.get(reverse("core:home")).content.decode()
    client.post(reverse("accounts:logout"))
    assert BANNER not in client.get(reverse("core:home")).content.decode()


def test_a_next_address_on_another_site_is_refused_and_a_get_changes_nothing() -> None:
    client = Client()
    response = client.post(URL, {"on": "1", "next": "https://example.com/"})
    assert response.status_code == 302
    assert response["Location"] == URL
    client.post(URL, {"on": "0"})
    assert client.get(URL + "?on=1").status_code == 200
    assert SESSION_KEY not in client.session
    assert client.put(URL).status_code == 405


def test_the_switch_needs_the_form_s_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, {"on": "1"}).status_code == 403
    assert SESSION_KEY not in client.session
