"""The account's token page: create (shown once), list, revoke; nobody touches another's tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from layanan.accounts.testing import sign_in
from layanan.api.models import ApiToken
from layanan.api.tests.builders import bearer, issued
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

PAGE = "/akun/token-api/"


def test_a_citizen_creates_a_token_sees_it_once_and_it_works(cast: Cast) -> None:
    client = Client()
    sign_in(client, cast.siti)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'value="staff"' not in page.content.decode()  # a citizen is not offered staff steps

    made = client.post(PAGE, {"name": "Aplikasi desa", "scopes": ["read", "reports"], "days": "30"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get()
    raw = next(part for part in made.content.decode().split('<code class="token-raw">')[1:]).split("</code>")[
        0
    ]
    assert raw.startswith(f"llp_{token.prefix}_")
    assert token.scopes == ["read", "reports"]
    assert Client().get("/api/v1/me", headers=bearer(raw)).status_code == 200
    assert raw not in client.get(PAGE).content.decode()  # never shown again


def test_a_staff_scope_sent_by_a_citizen_is_refused_and_nothing_made(cast: Cast) -> None:
    client = Client()
    sign_in(client, cast.siti)
    answer = client.post(PAGE, {"name": "Curang", "scopes": ["staff"], "days": "30"})
    assert answer.status_code == 200
    assert "error-message" in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_another_persons_token_is_refused(cast: Cast) -> None:
    theirs = issued(cast.budi, ["read"])
    client = Client()
    sign_in(client, cast.siti)
    assert client.post(f"{PAGE}{theirs.token.pk}/cabut/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    assert Client().post(f"{PAGE}{theirs.token.pk}/cabut/").status_code == 302

    mine = issued(cast.siti, ["read"])
    assert client.post(f"{PAGE}{mine.token.pk}/cabut/").status_code == 302
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None
    assert Client().get("/api/v1/me", headers=bearer(mine.raw)).status_code == 401
