"""Fixtures for the browser tests: one Debian Chromium per test session, driven by Playwright.

Playwright's sync API marks an asyncio loop as running in the thread that
drives it, and Django then refuses database access in that thread
(SynchronousOnlyOperation). So Chromium lives in a thread of its own for the
whole session: tests do their Django work (users, sessions, the test client)
in the main thread and hand the browser part to ``chromium.run(...)``. Each
call opens fresh contexts (one per persona and JavaScript setting), so no
cookie leaks from one persona to another, while the costly launch happens
once per session (once per xdist worker).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client, testcases
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, Response, sync_playwright

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Rule 7 of DEVELOPERS.md.
FIRST_RESPONSE_BUDGET = 14 * 1024  # bytes of the gzipped HTML document
WHOLE_PAGE_BUDGET = 50 * 1024  # bytes transferred for the document and everything it loads
MOBILE_WIDTH = 360
DESKTOP_WIDTH = 1280
# Generous: a page takes well under a second; this only stops a hung browser from hanging the suite.
CALL_TIMEOUT_SECONDS = 120


class Chromium:
    """Debian's Chromium, launched once and driven from one dedicated thread."""

    def __init__(self, executable: str) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Playwright = self._thread.submit(lambda: sync_playwright().start()).result()
        try:
            self._browser: Browser = self._thread.submit(
                lambda: self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            ).result()
        except BaseException:
            self._thread.submit(self._playwright.stop).result()
            self._thread.shutdown()
            raise

    def run[T](self, job: Callable[[Browser], T]) -> T:
        """Run ``job(browser)`` in the browser's thread; its exceptions (failed asserts too) return here."""
        return self._thread.submit(job, self._browser).result(timeout=CALL_TIMEOUT_SECONDS)

    def start[T](self, job: Callable[[Browser], T]) -> Future[T]:
        """Like :meth:`run` without waiting: the test does its Django work meanwhile, then asks the future."""
        return self._thread.submit(job, self._browser)

    def close(self) -> None:
        def stop() -> None:
            self._browser.close()
            self._playwright.stop()

        self._thread.submit(stop).result(timeout=CALL_TIMEOUT_SECONDS)
        self._thread.shutdown()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Chromium is not installed. The browser tests drive Debian's package: "
            "`apt-get install chromium` (`make test` installs it: scripts/test-prerequisites).",
            pytrace=False,
        )
    browser = Chromium(executable)
    yield browser
    browser.close()


_ONE_REQUEST_AT_A_TIME = threading.Lock()


class _SerialLiveServerThread(LiveServerThread):
    """The live server, handling one request at a time when the test database is SQLite in memory.

    That database is one connection shared by the test and every request thread of the live
    server (Django's documentation warns about simultaneous queries through it). A page and its
    lazily loaded photos arrive together, and two requests querying at once through the one
    connection can read each other's rows ("ReportPhoto has no report"). Connections stay
    keep-alive and threaded; only the application runs one request at a time.
    """

    def _create_server(self, connections_override: Any = None) -> Any:
        server = super()._create_server(connections_override=connections_override)  # type: ignore[misc]  # not in the stubs
        set_app = server.set_app

        def serial(app: Any) -> None:
            def one_at_a_time(environ: Any, start_response: Any) -> Any:
                with _ONE_REQUEST_AT_A_TIME:
                    return app(environ, start_response)

            set_app(one_at_a_time)

        server.set_app = serial
        return server


@pytest.fixture(scope="session", autouse=True)
def _live_server_serial_on_sqlite_in_memory() -> Iterator[None]:
    """Before the (session-wide) live server starts: serialise its requests on in-memory SQLite."""
    database = settings.DATABASES["default"]
    test_name = (database.get("TEST") or {}).get("NAME")
    in_memory = database["ENGINE"].endswith("sqlite3") and test_name in (None, "", ":memory:")
    original = testcases.LiveServerThread
    if in_memory:
        testcases.LiveServerThread = _SerialLiveServerThread  # type: ignore[misc]  # pytest-django reads it here
    yield
    testcases.LiveServerThread = original  # type: ignore[misc]


@pytest.fixture
def base_url(live_server: Any) -> str:
    """The live server's address; requesting it gives the test a transactional database."""
    return str(live_server.url)


def signed_in_client(user: User | None) -> Client:
    """A Django test client signed in as ``user`` past the second factor, or anonymous for None."""
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def session_cookies(client: Client, base_url: str) -> list[Any]:
    """The client's session cookie, ready for ``BrowserContext.add_cookies``."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        return []
    return [{"name": cookie.key, "value": cookie.value, "url": base_url}]


@dataclass
class Visit:
    """One page load in Chromium: the page, its status, and what it transferred."""

    page: Page
    status: int
    requests: list[Request] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def transferred_bytes(self) -> int:
        """Encoded bodies plus headers of every response, as the network carried them."""
        total = 0
        for request in self.requests:
            sizes = request.sizes()
            total += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        return total

    def transfer_report(self) -> str:
        lines = []
        for request in self.requests:
            sizes = request.sizes()
            lines.append(
                f"  {sizes['responseBodySize']:>7} + {sizes['responseHeadersSize']:>5}  {request.url}"
            )
        return "\n".join(lines)


@contextmanager
def browser_context(
    browser: Browser, base_url: str, *, cookies: list[Any], javascript: bool, width: int
) -> Iterator[BrowserContext]:
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport={"width": width, "height": 800},
        base_url=base_url,
    )
    try:
        if cookies:
            context.add_cookies(cookies)
        yield context
    finally:
        context.close()


def visit(context: BrowserContext, path: str) -> Visit:
    """Load ``path`` and wait for the load event, noting every request and any that failed."""
    page = context.new_page()
    seen = Visit(page=page, status=0)
    page.on("requestfinished", lambda request: seen.requests.append(request))
    page.on("requestfailed", lambda request: seen.failures.append(f"{request.url}: {request.failure}"))

    def note_error(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            seen.failures.append(f"{response.url}: HTTP {response.status}")

    page.on("response", note_error)
    response = page.goto(path, wait_until="load")
    assert response is not None, f"{path}: no response"
    seen.status = response.status
    return seen


def assert_no_axe_violations(page: Page, where: str) -> None:
    results: dict[str, Any] = Axe().run(page).response
    assert not results["violations"], f"{where}: axe-core found violations:\n{axe_report(results)}"


def check_page_in_chromium(
    browser: Browser,
    *,
    base_url: str,
    path: str,
    cookies: list[Any],
    where: str,
    status: int = 200,
    prepare: Callable[[BrowserContext], None] | None = None,
) -> int:
    """The Chromium half of rule 7: without JavaScript at 1280 px, then with it at 360 px.

    ``prepare`` may set up the context first (e.g. route a path to a canned response). Returns the
    whole page's bytes.
    """
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        if prepare:
            prepare(context)
        plain = visit(context, path)
        assert plain.status == status, f"{where} without JavaScript: HTTP {plain.status}"
        assert plain.page.locator("h1").count() == 1, f"{where}: the page must have exactly one <h1>"
        assert plain.page.locator("h1").inner_text().strip(), f"{where}: the <h1> is empty"
        assert plain.page.title().strip(), f"{where}: the <title> is empty"
        assert not plain.failures, f"{where}: resources failed to load: {plain.failures}"

    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        if prepare:
            prepare(context)
        full = visit(context, path)
        assert full.status == status, f"{where}: HTTP {full.status}"
        assert not full.failures, f"{where}: resources failed to load: {full.failures}"
        total = full.transferred_bytes()
        assert total <= WHOLE_PAGE_BUDGET, (
            f"{where}: the whole page is {total} bytes, over the {WHOLE_PAGE_BUDGET} budget "
            f"(body + headers per response):\n{full.transfer_report()}"
        )
        width = full.page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= MOBILE_WIDTH, f"{where}: the page is {width} px wide on a {MOBILE_WIDTH} px screen"
        assert_no_axe_violations(full.page, where)
    return total


def axe_report(results: dict[str, Any]) -> str:
    """The violations of an axe-core run, one readable paragraph per rule."""
    lines = []
    for violation in results["violations"]:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)
