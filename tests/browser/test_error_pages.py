"""The error pages meet rule 7 too: one <h1>, light, no axe-core violations.

404 is a real request to the live server. 400, 403 and 500 have no URL of
their own, so their HTML comes from Django's handlers (and ours for 500) and
is served to Chromium on a live-server path; the CSRF page comes from a real
POST without a token.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults
from playwright.sync_api import BrowserContext, Route

from layanan.accounts.models import User
from layanan.core import views
from layanan.testing import Cast
from tests.browser.conftest import (
    FIRST_RESPONSE_BUDGET,
    Chromium,
    check_page_in_chromium,
    session_cookies,
    signed_in_client,
)

pytestmark = pytest.mark.browser


def _request(user: User | None) -> HttpRequest:
    request = RequestFactory().get("/halaman-rahasia/")
    request.user = user or AnonymousUser()
    return request


def bad_request(user: User | None) -> HttpResponse:
    return defaults.bad_request(_request(user), SuspiciousOperation())


def permission_denied(user: User | None) -> HttpResponse:
    return defaults.permission_denied(_request(user), PermissionDenied())


def server_error(user: User | None) -> HttpResponse:
    return views.server_error(_request(user))


def csrf_failure(user: User | None) -> HttpResponse:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    response: Any = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return response


@pytest.mark.parametrize("persona", ["anonymous", "siti"])
def test_the_not_found_page_meets_the_budgets(
    persona: str, cast: Cast, base_url: str, chromium: Chromium
) -> None:
    client = signed_in_client(None if persona == "anonymous" else cast.siti)
    response = client.get("/tidak-ada/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 404
    assert len(response.content) <= FIRST_RESPONSE_BUDGET
    cookies = session_cookies(client, base_url)
    chromium.run(
        lambda browser: check_page_in_chromium(
            browser,
            base_url=base_url,
            path="/tidak-ada/",
            cookies=cookies,
            where=f"404 as {persona}",
            status=404,
        )
    )


@pytest.mark.parametrize(
    ("render", "status"),
    [(bad_request, 400), (permission_denied, 403), (csrf_failure, 403), (server_error, 500)],
    ids=["400", "403", "csrf", "500"],
)
@pytest.mark.parametrize("persona", ["anonymous", "siti"])
def test_the_error_page_meets_the_budgets(
    render: Callable[[User | None], HttpResponse],
    status: int,
    persona: str,
    cast: Cast,
    base_url: str,
    chromium: Chromium,
) -> None:
    user = None if persona == "anonymous" else cast.siti
    response = render(user)
    assert response.status_code == status
    html = response.content
    assert len(gzip.compress(html)) <= FIRST_RESPONSE_BUDGET
    path = f"/__uji-halaman-galat__/{status}"

    def serve(context: BrowserContext) -> None:
        def fulfil(route: Route) -> None:
            route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8")

        context.route(f"{base_url}{path}", fulfil)

    chromium.run(
        lambda browser: check_page_in_chromium(
            browser,
            base_url=base_url,
            path=path,
            cookies=[],
            where=f"{render.__name__} as {persona}",
            status=status,
            prepare=serve,
        )
    )
