"""The installable web app's server side: the service worker, the manifest, the offline and outbox
pages, the marks that tell the service worker what it may keep, and the sign-out that clears it."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from layanan.complaints.tests import citizen_builders as build
from layanan.offline.account import account_tag
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(cast: Cast) -> None:
    anonymous = Client().get("/sw.js")
    signed_in = build.client_of(cast.siti).get("/sw.js")
    assert reverse("offline:service_worker") == "/sw.js"
    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous["Content-Type"] == "text/javascript; charset=utf-8"
    assert anonymous["Service-Worker-Allowed"] == "/"
    assert anonymous["Cache-Control"] == "no-cache"
    # The same script for everyone: nothing of the reader in it.
    assert anonymous.content == signed_in.content
    source = anonymous.content.decode()
    assert "__version__" not in source
    for url in ("/luring/", "/kotak-keluar/", "/lapor/baru/", "core/site.css"):
        assert url in source
    assert Client().post("/sw.js").status_code == 405


def test_the_manifest_names_the_app_in_indonesian_with_its_icons() -> None:
    response = Client().get(reverse("offline:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Layanan Lampura"
    assert manifest["short_name"] == "Lampura"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5d3b"
    assert manifest["lang"] == "id"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_every_page_links_the_manifest_and_loads_the_registration_after_the_content(cast: Cast) -> None:
    html = Client().get(reverse("core:home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "offline/register.js" in html
    assert " defer></script>" in html
    assert html.index("offline/register.js") > html.index("</main>")
    assert 'name="account"' not in html


def test_the_outbox_page_says_it_needs_javascript_and_shows_nothing_by_itself(cast: Cast) -> None:
    for client in (Client(), build.client_of(cast.siti)):
        response = client.get(reverse("offline:outbox"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>Kotak keluar</h1>" in html
        assert "Kotak keluar memerlukan JavaScript" in html
        assert 'data-outbox-list="waiting"></ul>' in html


def test_the_offline_page_says_so_honestly() -> None:
    response = Client().get(reverse("offline:page"))
    assert response.status_code == 200
    assert "<h1>Anda sedang offline</h1>" in response.content.decode()


def test_only_an_anonymous_readers_public_pages_are_marked_for_the_shared_cache(cast: Cast) -> None:
    anonymous = Client()
    for _ in range(2):  # the second answer comes from the page cache and keeps the mark
        response = anonymous.get(reverse("core:home"))
        assert response["X-Offline"] == "public"
        assert "X-Account" not in response
    signed_in = build.client_of(cast.siti)
    home = signed_in.get(reverse("core:home"))
    assert home.status_code == 200
    assert "X-Offline" not in home
    assert home["X-Account"] == account_tag(cast.siti)
    assert f'<meta name="account" content="{account_tag(cast.siti)}">' in home.content.decode()
    mine = signed_in.get(reverse("complaints:mine"))
    assert mine.status_code == 200
    assert "X-Offline" not in mine  # a personal page is never kept
    # A search is not a cached public page: not kept either.
    assert "X-Offline" not in anonymous.get(reverse("catalogue:list"), {"q": "akta"})


def test_no_page_shown_in_practice_mode_is_marked_for_keeping(cast: Cast) -> None:
    for client, names in (
        (Client(), ["core:home"]),
        (build.client_of(cast.siti), ["core:home", "complaints:new"]),
    ):
        assert client.post(reverse("core:practice"), {"on": "1"}).status_code == 302
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200
            assert "Mode latihan" in response.content.decode()
            assert "X-Offline" not in response
        assert client.post(reverse("core:practice"), {"on": ""}).status_code == 302
    assert Client().get(reverse("core:home"))["X-Offline"] == "public"
    assert build.client_of(cast.siti).get(reverse("complaints:new"))["X-Offline"] == "account"


def test_the_report_form_is_kept_for_its_account_only(cast: Cast) -> None:
    build.category(cast)
    response = build.client_of(cast.siti).get(reverse("complaints:new"))
    assert response.status_code == 200
    assert response["X-Offline"] == "account"
    assert response["X-Account"] == account_tag(cast.siti)
    assert "data-offline" in response.content.decode()
    other = build.client_of(cast.budi).get(reverse("complaints:new"))
    assert other["X-Account"] == account_tag(cast.budi) != account_tag(cast.siti)
    # Anonymous: sent to sign in, nothing marked.
    refused = Client().get(reverse("complaints:new"))
    assert refused.status_code == 302
    assert "X-Offline" not in refused


def test_sign_out_tells_the_browser_to_clear_what_it_kept(cast: Cast) -> None:
    client = build.client_of(cast.siti)
    page = client.get(reverse("core:home")).content.decode()
    assert "data-signout" in page
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("accounts:profile")).status_code == 302  # signed out indeed
    # A GET does not sign out (and clears nothing).
    assert "Clear-Site-Data" not in build.client_of(cast.siti).get(reverse("accounts:logout"))


def test_the_content_security_policy_allows_the_worker_and_the_manifest_from_this_site_only() -> None:
    policy = Client().get(reverse("core:home"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "script-src 'self'" in policy  # no inline script: the registration is a file
