"""What the request middleware of observability costs each request, in process (microseconds).

:class:`layanan.core.observability.RequestObservationMiddleware` sits on every request: request id,
response header, request counter and latency histogram by URL name, and (LOG_ACCESS) the access
line. Measured around a view that does nothing, against the same view called bare, in the same
run; once with prometheus-client's in-process values and once in multi-process mode (values in
mmap files under PROMETHEUS_MULTIPROC_DIR, as gunicorn runs it), each with the access line off and
on (JSON, to a discarded stream). ``python -m bench.observability_bench``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CALLS = 20_000


def _measure() -> dict[str, float]:
    """Run in a child process (PROMETHEUS_MULTIPROC_DIR decided before prometheus-client loads)."""
    import io
    import logging

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    django.setup()
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from layanan.core.logging import JsonFormatter, RedactPersonalData, RequestContext
    from layanan.core.observability import RequestObservationMiddleware

    factory = RequestFactory()
    match = resolve("/")

    def view(request: Any) -> HttpResponse:
        return HttpResponse(b"ok")

    def requests() -> list[Any]:
        made = []
        for _ in range(CALLS):
            request = factory.get("/")
            request.resolver_match = match
            made.append(request)
        return made

    def per_call(handler: Any) -> float:
        batch = requests()
        started = time.perf_counter()
        for request in batch:
            handler(request)
        return (time.perf_counter() - started) / CALLS * 1e6

    access = logging.getLogger("layanan.access")
    access.handlers.clear()
    access.propagate = False
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RequestContext())
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(JsonFormatter())
    access.addHandler(handler)
    access.setLevel(logging.INFO)

    results: dict[str, float] = {}
    for attempt in range(3):  # best of three: the machine is shared
        bare = per_call(view)
        settings.LOG_ACCESS = False
        quiet = per_call(RequestObservationMiddleware(view)) - bare
        settings.LOG_ACCESS = True
        logged = per_call(RequestObservationMiddleware(view)) - bare
        handler.stream = io.StringIO()
        for key, value in (("bare_us", bare), ("middleware_us", quiet), ("with_access_line_us", logged)):
            results[key] = value if attempt == 0 else min(results[key], value)
    return results


def _child(multiprocess: bool) -> dict[str, float]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "layanan.settings"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with tempfile.TemporaryDirectory() as directory:
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = directory
        out = subprocess.run(
            [sys.executable, "-m", "bench.observability_bench", "--child"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    from bench.results import record, yardstick_ms

    for mode, multiprocess in (("inprocess", False), ("multiprocess", True)):
        figures = _child(multiprocess)
        yardstick = yardstick_ms()
        rounded = {key: round(value, 2) for key, value in figures.items()}
        record(
            "observability",
            f"observability.middleware.{mode}",
            f"Request middleware cost per request, {mode} metrics (µs, access line off)",
            figures["middleware_us"] / 1000,
            unit="ms",
            higher_is_better=False,
            figures={**rounded, "calls": CALLS, "yardstick_ms": yardstick},
            note="in-process, around an empty view; with_access_line_us adds the JSON access line",
        )
        print(mode, rounded)


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_measure()))
    else:
        main()
