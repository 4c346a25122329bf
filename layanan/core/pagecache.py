"""A full-page cache for anonymous readers of the public pages (docs/decisions/0009-public-page-speed.md).

Opt-in: only the views named in :data:`CACHED_PAGES` (by URL name) are ever stored, each with
the query parameters it may be cached with (any other parameter: not cached) and the topics of
data it shows. A page is stored and served only for an anonymous GET (HEAD is served too):

- never for a request that carries a session cookie (a signed-in person, or anyone whose session
  holds something) or a pending flash message (the ``messages`` cookie);
- never a response other than a 200 HTML page, one that set a cookie other than the CSRF cookie,
  one whose session was written, or one that showed a flash message;
- the key is the view, the scheme and host, the full path with its query, the language (the
  switch's cookie, as :class:`~layanan.core.middleware.LanguageFromCookieMiddleware` picks it) and
  the day (WIB), so an English reader never gets an Indonesian copy;
- the CSRF token of every form is cut out before storing and each served copy gets the reader's
  own (``get_token``), with the CSRF cookie set as Django's middleware sets it; a stored copy that
  still holds the first reader's token is refused;
- the copy keeps the headers of the first answer (CSP, X-Frame-Options, Content-Language,
  ``Vary: Cookie``) and is marked ``Cache-Control: private``: it holds a per-reader CSRF token,
  so no shared proxy may keep it;
- a copy is stale when a topic it depends on changed (a generation per topic, bumped by
  ``post_save``/``post_delete`` of the models in :data:`TOPICS`, and the monitoring summaries'
  own version for the figures) and at the latest ``PAGE_CACHE_SECONDS`` after it was stored;
- one reader renders a page at a time: while it renders, the other readers of the same page wait
  for its copy (in this process on an event, in the others by polling the cache behind a lock key)
  instead of all rendering it at once; and in the last sixth of a copy's life, one reader renders
  it afresh while the others are still served the copy, which is still valid (it is never served
  past ``PAGE_CACHE_SECONDS``). Without this, every copy's expiry and every change made all of the
  server's threads render the page at once (docs/decisions/0009-public-page-speed.md).

The middleware sits before the session middleware, so a hit costs no session, user, messages or
database work: one ``get_many`` on the cache and a string replacement.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import BaseCache, caches
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CSRF_TOKEN_LENGTH, CsrfViewMiddleware, get_token
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control

PLACEHOLDER = b"__pagecache_csrf_token__"
TOKEN_FIELD = b'name="csrfmiddlewaretoken" value="'
_TOKEN_SHAPED = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
ALLOWED_VARY = frozenset({"cookie", "accept-encoding"})
MESSAGES_COOKIE = CookieStorage.cookie_name  # a flash message waits for this reader
# A reader waits at most this long for another reader's rendering of the same page, then renders it
# itself; the lock key that tells the other processes "being rendered" lasts as long.
RENDER_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.01  # how often a reader in another process looks for the copy being rendered
REFRESH_SHARE = 6  # a copy is rendered afresh by one reader in the last 1/REFRESH_SHARE of its life
LOCK_PREFIX = "pagecache:rendering:"

# The pages being rendered by a thread of this process (cache key -> set when it is done).
_rendering: dict[str, threading.Event] = {}
_rendering_lock = threading.Lock()


@dataclass(frozen=True)
class CachedPage:
    """One view that may be cached: the query parameters it may carry and the topics it shows."""

    topics: tuple[str, ...] = ()
    params: frozenset[str] = frozenset()


# The pages an anonymous visitor reaches from the home page, and nothing personal. A view is cached
# only when named here; adding one is a decision (the test in tests/test_page_cache.py lists them).
CACHED_PAGES: dict[str, CachedPage] = {
    "core:home": CachedPage(topics=("places",)),  # the current announcements
    "core:privacy": CachedPage(),
    "catalogue:list": CachedPage(topics=("site",)),  # a search (?q=) is not cached
    "catalogue:detail": CachedPage(topics=("site",)),
    "applications:lookup": CachedPage(),  # the empty form; a lookup is a POST
    "complaints:public_list": CachedPage(
        topics=("site", "reports"), params=frozenset({"halaman", "kecamatan", "category", "status"})
    ),
    "complaints:public_detail": CachedPage(topics=("site", "reports")),
    "monitoring:transparency": CachedPage(topics=("site", "figures")),
    "documents:index": CachedPage(),  # the empty form; ?kode= is not cached
    "accounts:login": CachedPage(params=frozenset({"next"})),
    "accounts:register": CachedPage(topics=("site",), params=frozenset({"next"})),
    # Where to get help (layanan.servicepoints); a search (?q=) is not cached.
    "servicepoints:list": CachedPage(
        topics=("site", "places"), params=frozenset({"kecamatan", "desa", "halaman"})
    ),
    "servicepoints:detail": CachedPage(topics=("site", "places")),
    "servicepoints:announcements": CachedPage(topics=("site", "places"), params=frozenset({"halaman"})),
    "servicepoints:announcement_detail": CachedPage(topics=("site", "places")),
    # Open data (layanan.opendata): the published copies' metadata and first rows.
    "opendata:list": CachedPage(topics=("opendata",)),
    "opendata:detail": CachedPage(topics=("opendata",)),
}

# complaints.selectors.PUBLIC_STATUSES as data (core imports no app; a test keeps them equal).
PUBLIC_REPORT_STATUSES = frozenset({"verified", "disposed", "in_progress", "answered", "closed"})


def _report_event_is_public(event: Any) -> bool:
    """A step into, out of or within the public statuses, or an event without a status."""
    statuses = {event.from_status, event.to_status} - {""}
    return not statuses or bool(statuses & PUBLIC_REPORT_STATUSES)


def _report_is_public(report: Any) -> bool:
    return report.status in PUBLIC_REPORT_STATUSES


def _photo_is_published(photo: Any) -> bool:
    return bool(photo.published)


@dataclass(frozen=True)
class TopicModel:
    """A model whose saves and deletes make a topic's pages stale (when ``when`` says so)."""

    label: str
    when: Callable[[Any], bool] | None = None


# What each topic's pages show, by model label (core imports no app: the models are looked up by
# label once the apps are ready, like the schedule's task paths).
TOPICS: dict[str, tuple[TopicModel, ...]] = {
    "site": (
        TopicModel("catalogue.Service"),
        TopicModel("catalogue.Requirement"),
        TopicModel("catalogue.FormField"),
        TopicModel("agencies.Office"),
        TopicModel("regions.Region"),
        TopicModel("complaints.Category"),
    ),
    # A new report is not public (it waits for verification): its own saves change no page.
    "reports": (
        TopicModel("complaints.Report", when=_report_is_public),
        TopicModel("complaints.ReportEvent", when=_report_event_is_public),
        TopicModel("complaints.ReportPhoto", when=_photo_is_published),
        TopicModel("complaints.Support"),
        TopicModel("complaints.Disposition"),
    ),
    # The monitoring summaries: bumped by monitoring.services.public_figures_changed().
    "figures": (),
    # Service points and the offices' announcements (the home page shows the current ones). Every save
    # counts: withdrawing an announcement is a save with published=False.
    "places": (
        TopicModel("servicepoints.ServicePoint"),
        TopicModel("servicepoints.Announcement"),
    ),
    # The open data sets' published copies, rewritten by the periodic refresh.
    "opendata": (TopicModel("opendata.Snapshot"),),
}
# A topic's generation lives under this key; "figures" shares the monitoring summaries' version key
# (monitoring.services.PUBLIC_VERSION_KEY; a test keeps them equal).
TOPIC_KEYS: dict[str, str] = {
    "site": "pagecache:topic:site",
    "reports": "pagecache:topic:reports",
    "figures": "monitoring:transparency:version",
    "places": "pagecache:topic:places",
    "opendata": "pagecache:topic:opendata",
}


def page_cache() -> BaseCache:
    """The default cache: shared by every process (Redis, or the file cache of the embedded setup),
    and the one whose key holds the monitoring summaries' version."""
    return caches["default"]


def pages_changed(topic: str) -> None:
    """Make every cached page that shows ``topic`` stale, at once, for every process."""
    page_cache().set(TOPIC_KEYS[topic], uuid.uuid4().hex, None)


def topics_connect() -> None:
    """Connect the topics' models (CoreConfig.ready(): every model is loaded by then)."""
    for topic, models in TOPICS.items():
        for model in models:
            receiver = _receiver(topic, model.when)
            sender = apps.get_model(model.label)
            uid = f"pagecache:{topic}:{model.label}"
            post_save.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
            post_delete.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)


def _receiver(topic: str, when: Callable[[Any], bool] | None) -> Callable[..., None]:
    def changed(sender: type, instance: Any, **kwargs: Any) -> None:
        if when is None or when(instance):
            pages_changed(topic)

    return changed


@lru_cache(maxsize=4096)
def _resolved(urlconf: str, path: str) -> ResolverMatch | None:
    try:
        return resolve(path, urlconf)
    except Resolver404:
        return None


def _language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _tokens_out(content: bytes) -> tuple[bytes, list[bytes]]:
    """The content with the value of every ``csrfmiddlewaretoken`` field replaced by the placeholder."""
    parts = content.split(TOKEN_FIELD)
    tokens = []
    for index in range(1, len(parts)):
        tokens.append(parts[index][:CSRF_TOKEN_LENGTH])
        parts[index] = PLACEHOLDER + parts[index][CSRF_TOKEN_LENGTH:]
    return TOKEN_FIELD.join(parts), tokens


_unmask: Callable[[str], str] = django_csrf._unmask_cipher_token  # type: ignore[attr-defined]


def _holds_secret(content: bytes, secret: str) -> bool:
    """Whether any token-shaped run of characters in ``content`` unmasks to ``secret``."""
    return any(_unmask(match.group().decode()) == secret for match in _TOKEN_SHAPED.finditer(content))


class PageCacheMiddleware:
    """Serve the pages of :data:`CACHED_PAGES` to anonymous readers from the cache; see the module."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = self._candidate(request)
        if page is None:
            return self.get_response(request)
        view_name, rule = page
        cache = page_cache()
        key = self._key(request, view_name)
        topic_keys = [TOPIC_KEYS[topic] for topic in rule.topics]
        entry, generations, _found = self._lookup(cache, key, topic_keys)
        if entry is not None:
            if request.method == "GET" and self._due(entry) and self._claim(cache, key):
                # Near the end of its life: this reader renders it afresh (the generations read
                # with the copy are current), the others keep getting the copy meanwhile.
                try:
                    return self._render(request, cache, key, generations)
                finally:
                    self._release(cache, key)
            return self._serve(request, entry)
        if None in generations:  # first use, or evicted: start a generation before rendering
            for topic_key in topic_keys:
                cache.add(topic_key, uuid.uuid4().hex, None)
            generations = tuple(cache.get_many(topic_keys).get(topic_key) for topic_key in topic_keys)
        if request.method != "GET":  # HEAD: rendered, never stored, so nobody waits for it
            return self._render(request, cache, key, generations)
        return self._render_once(request, cache, key, topic_keys, generations)

    def _lookup(
        self, cache: BaseCache, key: str, topic_keys: list[str], *also: str
    ) -> tuple[dict[str, Any] | None, tuple[Any, ...], dict[str, Any]]:
        """The copy when it is valid (else None), the topics' generations, and everything read
        (``also``: more keys read in the same round trip)."""
        found = cache.get_many([key, *also, *topic_keys])
        generations = tuple(found.get(topic_key) for topic_key in topic_keys)
        entry = found.get(key)
        if entry is not None and entry["generations"] == generations and None not in generations:
            return entry, generations, found
        return None, generations, found

    def _render(
        self, request: HttpRequest, cache: BaseCache, key: str, generations: tuple[Any, ...]
    ) -> HttpResponse:
        """The view's answer, stored when it may be. The generations were read before rendering: a
        change while the page renders bumps one, and this copy is then never served."""
        response = self.get_response(request)
        if request.method == "GET" and None not in generations and self._storable(request, response):
            self._store(request, response, cache, key, generations)
        return response

    def _render_once(
        self,
        request: HttpRequest,
        cache: BaseCache,
        key: str,
        topic_keys: list[str],
        generations: tuple[Any, ...],
    ) -> HttpResponse:
        """A miss: render the page unless another reader is rendering it, then serve theirs."""
        with _rendering_lock:
            event = _rendering.get(key)
            leader = event is None
            if event is None:
                event = _rendering[key] = threading.Event()
        if not leader:  # a thread of this process renders it: wait for its copy
            event.wait(RENDER_WAIT_SECONDS)
            entry, generations, _found = self._lookup(cache, key, topic_keys)
            if entry is not None:
                return self._serve(request, entry)
            return self._render(request, cache, key, generations)  # not storable, or too slow
        try:
            lock = LOCK_PREFIX + key
            if cache.add(lock, True, int(RENDER_WAIT_SECONDS)):
                try:
                    return self._render(request, cache, key, generations)
                finally:
                    cache.delete(lock)
            # Another process renders it: look for its copy until it is there or the lock is gone.
            deadline = time.monotonic() + RENDER_WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
                entry, generations, found = self._lookup(cache, key, topic_keys, lock)
                if entry is not None:
                    return self._serve(request, entry)
                if lock not in found:
                    break
            return self._render(request, cache, key, generations)
        finally:
            with _rendering_lock:
                del _rendering[key]
            event.set()

    def _due(self, entry: dict[str, Any]) -> bool:
        """Whether the copy is in the last part of its life, when one reader renders it afresh."""
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 60)
        stored = entry.get("stored")
        return stored is not None and time.time() >= stored + seconds - seconds / REFRESH_SHARE

    def _claim(self, cache: BaseCache, key: str) -> bool:
        """Become the one reader, in every process, that renders the page afresh; False when another is."""
        with _rendering_lock:
            if key in _rendering:
                return False
            _rendering[key] = threading.Event()
        if cache.add(LOCK_PREFIX + key, True, int(RENDER_WAIT_SECONDS)):
            return True
        self._release(cache, key, locked=False)
        return False

    def _release(self, cache: BaseCache, key: str, *, locked: bool = True) -> None:
        if locked:
            cache.delete(LOCK_PREFIX + key)
        with _rendering_lock:
            event = _rendering.pop(key)
        event.set()

    # --- which requests and responses ---------------------------------------------------------------

    def _candidate(self, request: HttpRequest) -> tuple[str, CachedPage] | None:
        if not getattr(settings, "PAGE_CACHE_ENABLED", True) or request.method not in ("GET", "HEAD"):
            return None
        if settings.CSRF_USE_SESSIONS:  # the token's secret would be in a session a hit never opens
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
            return None
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        match = _resolved(str(urlconf), request.path_info)
        rule = CACHED_PAGES.get(match.view_name) if match is not None else None
        if match is None or rule is None or not set(request.GET).issubset(rule.params):
            return None
        request.resolver_match = match  # for whatever runs outside on a hit (request metrics)
        return match.view_name, rule

    def _key(self, request: HttpRequest, view_name: str) -> str:
        where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(where.encode()).hexdigest()[:32]
        return f"pagecache:{view_name}:{_language(request)}:{timezone.localdate().isoformat()}:{digest}"

    def _storable(self, request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return False
        vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
        if not vary <= ALLOWED_VARY:
            return False
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        if session is None or session.modified or not session.is_empty():
            return False
        storage = getattr(request, "_messages", None)
        return storage is None or not (storage.added_new or len(storage._loaded_messages))

    # --- storing and serving ------------------------------------------------------------------------

    def _store(
        self,
        request: HttpRequest,
        response: HttpResponse,
        cache: BaseCache,
        key: str,
        generations: tuple[Any, ...],
    ) -> None:
        patch_cache_control(response, private=True)
        content, _tokens = _tokens_out(response.content)
        secret = request.META.get("CSRF_COOKIE")
        if secret and _holds_secret(content, secret):
            return  # the reader's token sits somewhere other than a form field: never share it
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in ("set-cookie", "content-length")
        ]
        entry = {"content": content, "headers": headers, "generations": generations, "stored": time.time()}
        cache.set(key, entry, getattr(settings, "PAGE_CACHE_SECONDS", 60))

    def _serve(self, request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
        content: bytes = entry["content"]
        if PLACEHOLDER in content:
            self.csrf.process_request(request)  # the reader's CSRF secret from the cookie
            content = content.replace(PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in entry["headers"]:
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(content))
        if PLACEHOLDER in entry["content"]:
            self.csrf.process_response(request, response)  # sets or renews the CSRF cookie, in place
        return response


def cached_page_names() -> Iterable[str]:
    """The URL names of the pages that may be cached (for the tests and the docs)."""
    return sorted(CACHED_PAGES)
