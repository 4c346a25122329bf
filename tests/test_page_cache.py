"""The full-page cache of the public pages (layanan/core/pagecache.py): every reader gets their own
header, language and CSRF token; a change shows at once; nothing personal, posted, failed or
flashed is ever stored; a hit touches no database."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.catalogue.models import Requirement, Service
from layanan.catalogue.testing import seeded_service
from layanan.core import pagecache
from layanan.testing.world import TEST_PASSWORD
from tests.url_matrix import MATRIX

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def akta(world) -> Service:
    return seeded_service("akta-kelahiran")


def stored_pages() -> list[str]:
    """The keys of the cached pages in the test's in-memory cache (without the version prefix)."""
    keys = [key.split(":", 2)[2] for key in cache._cache]  # type: ignore[attr-defined]
    return [
        key
        for key in keys
        if key.startswith("pagecache:") and not key.startswith(("pagecache:topic:", pagecache.LOCK_PREFIX))
    ]


def english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


PUBLIC_PAGES = ["/", "/layanan/", "/transparansi/", "/lapor/publik/", "/lacak/", "/akun/masuk/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_english_and_signed_in_readers_of_one_page_each_get_their_own(client, cast, akta, url):
    first = client.get(url)
    assert first.status_code == 200
    assert stored_pages(), "the anonymous visit filled the cache"

    again = client.get(url).content.decode()
    assert "Masuk" in again
    assert '<html lang="id">' in again

    reader = english(Client())
    response = reader.get(url)
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "Sign in" in response.content.decode()

    signed_in = Client()
    sign_in(signed_in, cast.bupati)
    html = signed_in.get(url).content.decode()
    assert cast.bupati.full_name in html
    assert "Keluar" in html
    assert f'href="{reverse("accounts:login")}"' not in html
    # And back: the next anonymous Indonesian reader gets neither the Bupati's header nor English.
    after = Client().get(url).content.decode()
    assert cast.bupati.full_name not in after
    assert '<html lang="id">' in after


def test_a_cache_hit_makes_no_database_query(client, akta, django_assert_num_queries):
    url = reverse("catalogue:detail", kwargs={"slug": akta.slug})
    client.get(url)
    with django_assert_num_queries(0):
        response = Client().get(url)
    assert response.status_code == 200
    assert akta.name in response.content.decode()


def test_a_served_copy_carries_the_security_headers_and_is_private(client, akta):
    client.get("/layanan/")
    response = Client().get("/layanan/")
    assert response.status_code == 200
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Content-Language"):
        assert response.has_header(header), header
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_cached_form_posts_from_a_fresh_client_with_its_own_token(cast):
    first = Client(enforce_csrf_checks=True)
    first_token = TOKEN.findall(first.get("/akun/masuk/").content.decode())[0]
    assert stored_pages()

    fresh = Client(enforce_csrf_checks=True)
    page = fresh.get("/akun/masuk/")
    html = page.content.decode()
    tokens = TOKEN.findall(html)
    assert tokens
    assert len(set(tokens)) == 1
    assert tokens[0] != first_token
    assert pagecache.PLACEHOLDER.decode() not in html
    assert django_settings.CSRF_COOKIE_NAME in page.cookies
    response = fresh.post(
        "/akun/masuk/",
        {"csrfmiddlewaretoken": tokens[0], "identifier": cast.siti.phone, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert fresh.session.get("_auth_user_id") == str(cast.siti.pk)


def test_a_stored_copy_holds_no_readers_token(client):
    client.get("/akun/masuk/")
    [key] = stored_pages()
    content = cache.get(key)["content"]
    assert pagecache.PLACEHOLDER in content
    assert not re.search(rb'csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"', content)


def test_a_change_to_a_service_shows_on_its_page_at_once(client, akta):
    url = reverse("catalogue:detail", kwargs={"slug": akta.slug})
    assert "Akta kelahiran" in client.get(url).content.decode()
    assert "Akta kelahiran" in client.get(url).content.decode()  # a hit

    akta.name = "Akta kelahiran anak"
    akta.save()
    assert "Akta kelahiran anak" in client.get(url).content.decode()
    assert "Akta kelahiran anak" in client.get("/layanan/").content.decode()

    requirement = Requirement.objects.filter(service=akta).first()
    assert requirement is not None
    requirement.name = "Surat keterangan lahir dari bidan"
    requirement.save()
    assert "Surat keterangan lahir dari bidan" in client.get(url).content.decode()


def test_a_published_report_shows_on_the_public_list_at_once(client, cast):
    from layanan.complaints.tests import domain_builders

    waiting = domain_builders.submitted(cast)
    client.get("/lapor/publik/")
    assert stored_pages()
    assert str(waiting.public_id) not in client.get("/lapor/publik/").content.decode()

    domain_builders.disposed(cast, waiting)  # verified: now public
    assert str(waiting.public_id) in client.get("/lapor/publik/").content.decode()


def test_personal_pages_posts_404s_and_searches_are_never_stored(client, cast, akta):
    sign_in(client, cast.siti)
    assert client.get(reverse("applications:mine")).status_code == 200
    assert client.get("/layanan/").status_code == 200  # a cached page, read signed in
    assert stored_pages() == []
    client.logout()

    anonymous = Client()
    assert anonymous.post("/lacak/", {"tracking_number": "P-AAAAA-AAAAA", "phone_last4": "1234"}).status_code
    assert anonymous.get("/layanan/tidak-ada/").status_code == 404
    assert anonymous.get("/layanan/?q=akta").status_code == 200
    assert anonymous.get("/akun/masuk/?lain=1").status_code == 200
    assert stored_pages() == []


def test_a_page_with_a_flash_message_is_not_stored_nor_shown_to_others(client, cast):
    sign_in(client, cast.siti)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "Anda sudah keluar." in response.content.decode()
    assert stored_pages() == []

    assert "Anda sudah keluar." not in Client().get("/").content.decode()
    assert "Anda sudah keluar." not in client.get("/").content.decode()


def test_a_reader_with_a_session_is_never_served_nor_stored(cast):
    request_client = Client()
    session = request_client.session
    session["something"] = "kept"
    session.save()
    request_client.cookies[django_settings.SESSION_COOKIE_NAME] = str(session.session_key)
    assert request_client.get("/").status_code == 200
    assert stored_pages() == []


def test_every_cached_page_is_open_to_everyone_in_the_url_matrix():
    rows = {row.name: row for row in MATRIX}
    for name in pagecache.cached_page_names():
        assert name in rows, name
        assert rows[name].expect["anonymous"] == 200, name
        assert set(rows[name].expect.values()) <= {200, 302}, name  # sign-up sends the signed-in on


def test_the_topics_name_what_the_apps_call_public():
    from layanan.complaints.selectors import PUBLIC_STATUSES
    from layanan.monitoring.services import PUBLIC_VERSION_KEY

    assert frozenset(PUBLIC_STATUSES) == pagecache.PUBLIC_REPORT_STATUSES
    assert pagecache.TOPIC_KEYS["figures"] == PUBLIC_VERSION_KEY


def test_the_page_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/")
    assert stored_pages() == []


# --- one reader renders a page at a time --------------------------------------------------------------


class CountedPage:
    """Stands in for everything under the page cache: an anonymous reader's page, rendered in
    ``seconds``, each rendering counted and numbered in its content."""

    def __init__(self, seconds: float = 0.0, status: int = 200) -> None:
        self.seconds = seconds
        self.status = status
        self.renders = 0
        self._lock = threading.Lock()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with self._lock:
            self.renders += 1
            number = self.renders
        time.sleep(self.seconds)
        request.user = AnonymousUser()
        request.session = SessionStore()
        return HttpResponse(f"<p>rendering {number}</p>", status=self.status)


def _key(middleware: pagecache.PageCacheMiddleware, path: str = "/") -> str:
    request = RequestFactory().get(path)
    page = middleware._candidate(request)
    assert page is not None
    return middleware._key(request, page[0])


def test_readers_of_a_page_being_rendered_wait_for_that_copy_instead_of_all_rendering_it():
    page = CountedPage(seconds=0.3)
    middleware = pagecache.PageCacheMiddleware(page)
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: middleware(RequestFactory().get("/")), range(6)))
    assert page.renders == 1
    assert {response.content for response in responses} == {b"<p>rendering 1</p>"}
    assert pagecache._rendering == {}


def test_an_answer_that_may_not_be_stored_is_never_handed_to_the_readers_who_waited():
    page = CountedPage(seconds=0.2, status=404)
    middleware = pagecache.PageCacheMiddleware(page)
    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(lambda _: middleware(RequestFactory().get("/")), range(3)))
    assert page.renders == 3  # each waiting reader rendered its own
    assert sorted(response.content for response in responses) == [
        f"<p>rendering {n}</p>".encode() for n in (1, 2, 3)
    ]
    assert stored_pages() == []


def test_a_reader_waits_for_the_copy_another_process_is_rendering():
    middleware = pagecache.PageCacheMiddleware(CountedPage())
    path = reverse("core:privacy")  # a page of no topic: the copy below is stored with no generations
    key = _key(middleware, path)
    assert cache.add(pagecache.LOCK_PREFIX + key, True, 5)  # another process renders the page

    def other_process_stores() -> None:
        time.sleep(0.2)
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        request.session = SessionStore()
        middleware._store(request, HttpResponse(b"<p>theirs</p>"), cache, key, ())
        cache.delete(pagecache.LOCK_PREFIX + key)

    other = threading.Thread(target=other_process_stores)
    other.start()
    response = middleware(RequestFactory().get(path))
    other.join()
    assert response.content == b"<p>theirs</p>"
    assert middleware.get_response.renders == 0  # type: ignore[attr-defined]


def test_a_reader_renders_the_page_itself_when_the_other_process_stored_nothing():
    page = CountedPage()
    middleware = pagecache.PageCacheMiddleware(page)
    key = _key(middleware)
    cache.add(pagecache.LOCK_PREFIX + key, True, 5)
    threading.Timer(0.1, cache.delete, args=[pagecache.LOCK_PREFIX + key]).start()
    response = middleware(RequestFactory().get("/"))
    assert response.content == b"<p>rendering 1</p>"
    assert page.renders == 1
    assert stored_pages() == [key]


def test_near_the_end_of_its_life_one_reader_renders_a_copy_afresh_while_the_others_get_the_copy():
    page = CountedPage()
    middleware = pagecache.PageCacheMiddleware(page)
    middleware(RequestFactory().get("/"))
    key = _key(middleware)
    assert middleware(RequestFactory().get("/")).content == b"<p>rendering 1</p>"  # a hit, young
    assert page.renders == 1

    entry = cache.get(key)
    entry["stored"] -= 55  # of 60 seconds: in the last sixth of its life, still valid
    cache.set(key, entry, 5)
    cache.add(pagecache.LOCK_PREFIX + key, True, 5)  # another reader is rendering it afresh
    assert middleware(RequestFactory().get("/")).content == b"<p>rendering 1</p>"
    assert page.renders == 1

    cache.delete(pagecache.LOCK_PREFIX + key)
    assert middleware(RequestFactory().get("/")).content == b"<p>rendering 2</p>"  # this reader renders
    assert middleware(RequestFactory().get("/")).content == b"<p>rendering 2</p>"  # the new copy
    assert page.renders == 2
    assert cache.get(key)["stored"] > time.time() - 5
    assert pagecache.LOCK_PREFIX + key not in cache
