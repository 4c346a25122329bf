"""The Permissions-Policy header: on every response, pages, files, errors and redirects alike."""

from __future__ import annotations

import pytest
from django.test import Client

from layanan.accounts.testing import sign_in
from layanan.core.middleware import PERMISSIONS_POLICY, PERMISSIONS_POLICY_HEADER
from layanan.testing import Cast


def _policy(value: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in value.split(","))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [("/", 200), ("/healthz", 200), ("/tidak-ada/", 404), ("/audit/", 302)],
)
def test_every_response_carries_the_policy(url: str, status: int) -> None:
    response = Client().get(url)
    assert response.status_code == status
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY_HEADER


@pytest.mark.django_db
def test_a_signed_in_page_carries_it_too(cast: Cast) -> None:
    client = Client()
    sign_in(client, cast.budi)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY_HEADER


def test_the_camera_and_payments_are_off_and_the_microphone_and_location_stay_with_the_site() -> None:
    policy = _policy(PERMISSIONS_POLICY_HEADER)
    assert policy["camera"] == "()"
    assert policy["payment"] == "()"
    assert policy["usb"] == "()"
    assert policy["microphone"] == "(self)"
    assert policy["geolocation"] == "(self)"
    assert "*" not in PERMISSIONS_POLICY_HEADER
    assert set(policy) == set(PERMISSIONS_POLICY)


@pytest.mark.django_db
def test_the_https_redirect_carries_it(settings: object) -> None:
    settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]
    response = Client().get("/tentang-privasi/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY_HEADER
