"""The main citizen pages on a slow phone network: load times in Chromium under DevTools throttling.

Run with ``.venv/bin/python -m bench.network_bench``. It builds the page benchmark's database
(``bench.pages_bench``: the real catalogue, the demo cast, published reports, a signed-in
citizen), starts gunicorn as ``make run`` does, and opens each page in Debian's Chromium with the
cache disabled and the network throttled through the DevTools protocol
(``Network.emulateNetworkConditions``), as DevTools' presets define them:

- **Regular 2G**: 300 ms latency, 250 kbit/s down, 50 kbit/s up (DevTools' former preset);
- **3G**: 2,000 ms latency, 400 kbit/s down and up (DevTools' "3G", formerly "Slow 3G": 500 kbit/s
  x 0.8, latency 400 ms x 5).

For each page and network it records (module ``network``) the time from the start of the navigation
to the end of the ``load`` event (the page and everything it loads: styles, scripts, icons), the
median of ``--repeat`` cold loads, with the bytes that crossed the network: the first response and
the whole page. The times are the network's far more than the machine's, so they are compared with
the baseline as they are, with no yardstick. No target: the closing notes quote them; the budgets
(14 KB first response, 50 KB whole page) are enforced by ``tests/browser/test_page_budgets.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
from dataclasses import dataclass
from typing import Any

from bench import pages_bench
from bench.results import record

KBIT = 1000 / 8  # bytes per second in one kbit/s


@dataclass(frozen=True)
class Network:
    slug: str
    label: str
    latency_ms: float
    down_bytes_s: float
    up_bytes_s: float


NETWORKS = (
    Network("2g", "Regular 2G", 300, 250 * 1024 / 8, 50 * 1024 / 8),
    Network("3g", "3G (DevTools)", 400 * 5, 500 * KBIT * 0.8, 500 * KBIT * 0.8),
)


@dataclass(frozen=True)
class CitizenPage:
    slug: str
    label: str
    path: str
    signed_in: bool = False


def _pages(fixture: pages_bench.Fixture) -> list[CitizenPage]:
    from django.urls import reverse

    return [
        CitizenPage("home", "home", reverse("core:home")),
        CitizenPage("catalogue", "service catalogue", reverse("catalogue:list")),
        CitizenPage(
            "service", "a service page", reverse("catalogue:detail", kwargs={"slug": fixture.service_slug})
        ),
        CitizenPage("login", "sign-in", reverse("accounts:login")),
        CitizenPage("lookup", "tracking lookup", reverse("applications:lookup")),
        CitizenPage("public_reports", "public reports", reverse("complaints:public_list")),
        CitizenPage("service_points", "service points", reverse("servicepoints:list")),
        CitizenPage("outbox", "outbox (signed in)", reverse("offline:outbox"), signed_in=True),
        CitizenPage("report_form", "report form (signed in)", reverse("complaints:new"), signed_in=True),
        CitizenPage("mine", "my applications (signed in)", reverse("applications:mine"), signed_in=True),
    ]


_MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    load_ms: nav.loadEventEnd - nav.startTime,
    first_bytes: nav.encodedBodySize,
    total_bytes: nav.encodedBodySize + resources.reduce((sum, r) => sum + r.encodedBodySize, 0),
    requests: 1 + resources.length,
  };
}"""


def _load(browser: Any, base: str, page: CitizenPage, network: Network, cookie: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        if page.signed_in:
            name, value = cookie.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": base}])
        tab = context.new_page()
        session = context.new_cdp_session(tab)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        session.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": network.latency_ms,
                "downloadThroughput": network.down_bytes_s,
                "uploadThroughput": network.up_bytes_s,
            },
        )
        response = tab.goto(base + page.path, wait_until="load", timeout=120_000)
        if response is None or response.status != 200:
            raise RuntimeError(f"{page.path}: HTTP {response.status if response else '?'} in Chromium")
        measured: dict[str, float] = tab.evaluate(_MEASURE)
        return measured
    finally:
        context.close()


def _measure(browser: Any, base: str, page: CitizenPage, network: Network, cookie: str, repeat: int) -> None:
    """``repeat`` cold loads of ``page`` on ``network``: print and record the median."""
    loads = [_load(browser, base, page, network, cookie) for _ in range(repeat)]
    load_ms = statistics.median(load["load_ms"] for load in loads)
    first = loads[-1]["first_bytes"] / 1024
    whole = loads[-1]["total_bytes"] / 1024
    requests = int(loads[-1]["requests"])
    print(f"{page.label:<30} {network.label:<14} {load_ms:8.0f} {first:9.1f} {whole:9.1f} {requests:9d}")
    record(
        "network",
        f"network.{page.slug}.{network.slug}",
        f"{page.label} {page.path}, loaded on {network.label}",
        load_ms,
        unit="ms",
        higher_is_better=False,
        figures={
            "load_ms": round(load_ms),
            "loads_ms": [round(load["load_ms"]) for load in loads],
            "first_kb": round(first, 1),
            "whole_kb": round(whole, 1),
            "requests": requests,
            "latency_ms": network.latency_ms,
            "down_kbit_s": round(network.down_bytes_s / KBIT),
        },
        limits={"first_kb": 14, "whole_kb": 50},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per page and network (median)")
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        from bench.results import skip

        skip("network", "needs Debian's chromium (make test installs it: scripts/test-prerequisites)")
        return 0
    fixture = pages_bench._setup()
    os.environ.update(pages_bench._environment())
    port = pages_bench._free_port()
    server = pages_bench._start_gunicorn(port)
    base = f"http://{pages_bench.HOST}:{port}"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            print(
                f"{'page':<30} {'network':<14} {'load ms':>8} {'first KB':>9} {'whole KB':>9} {'requests':>9}"
            )
            for page in _pages(fixture):
                for network in NETWORKS:
                    _measure(browser, base, page, network, fixture.session_cookie, args.repeat)
            browser.close()
    finally:
        pages_bench._stop(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
