"""The open API against a hello-world view: reads and creates, wrk at 32 connections, as ``make run``
serves it.

Run with ``.venv/bin/python -m bench.api_bench [--seconds S] [--rounds R] [--connections C]``. It
builds the pages benchmark's database (``bench/pages_bench.py``: the real catalogue, the demo cast,
published reports), gives the measuring citizen a token with every citizen scope, starts gunicorn
as ``scripts/run`` does (2 workers x 4 threads, SQLite, the embedded default) and drives, in
interleaved rounds:

- **reads**: the catalogue (``GET /api/v1/services``), one service's definition, the public report
  list (first page), one of the citizen's own reports by token (``GET /api/v1/reports/{ref}``, with
  its timeline and the steps allowed), ``GET /api/v1/me``;
- **create**: ``POST /api/v1/reports`` by token, each request a new report (form-encoded, no photo),
  every side effect on (audit, routing suggestion, notice, summary refresh, webhook outbox); the
  rate limits are raised for the run, not switched off.

Each figure is req/s as a ratio to the hello view of the same run (``api.<slug>``, for the record: no
target yet), with p50/p99 and errors. After the run the number of reports the API stored is checked
against the 201 answers wrk counted: none missing, and no more than the requests still on their
way when each round ended (one per connection).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench import pages_bench
from bench.pages_bench import HOST, Page

CREATE_BODY = (
    "category={category}&region={region}&kind=pengaduan&text="
    "Jalan+desa+berlubang+besar+di+depan+sekolah%2C+sudah+tiga+bulan+tidak+diperbaiki."
)
# wrk: POST a form, count the answers by status (the 201s must equal the reports stored).
LUA = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local created = 0
response = function(status, headers, body)
  if status == 201 then created = created + 1 end
end
"""


def _token_and_refs() -> tuple[str, str, str, str]:
    """A token of the measuring citizen, one of its reports, a category and a desa for creates."""
    from layanan.accounts.models import User
    from layanan.api.tokens import token_create
    from layanan.complaints import services
    from layanan.complaints.models import Category

    citizen = User.objects.get(phone__endswith=pages_bench.CITIZEN_PHONE[1:])
    category = Category.objects.filter(is_active=True, is_platform_feedback=False).order_by("order").first()
    assert category is not None
    assert citizen.home_region is not None

    report = services.report_submit(
        reporter=citizen,
        kind="pengaduan",
        category=category,
        text="Lampu jalan di simpang pasar mati sejak minggu lalu, rawan kecelakaan malam hari.",
        region=citizen.home_region,
        submit_key=uuid.uuid4(),
    )
    issued = token_create(
        user=citizen, actor=citizen, name="bench", scopes=["read", "reports", "applications"]
    )
    return issued.raw, str(report.public_id), category.slug, citizen.home_region.code


def _reports_of(phone_suffix: str) -> int:
    from layanan.complaints.models import Report

    return Report.objects.filter(reporter__phone__endswith=phone_suffix, channel="api").count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    wrk = pages_bench.wrk_ensure()
    from bench.results import record

    began = time.monotonic()
    os.environ.update({"API_RATE_PER_TOKEN": "100000000", "API_RATE_PER_ADDRESS": "100000000"})
    fixture = pages_bench._setup()
    raw, report_ref, category, region = _token_and_refs()
    from django.db import connections

    connections.close_all()
    bearer = {"Authorization": f"Bearer {raw}"}
    reads = [
        Page("hello", "hello-world view", "/bench-hello/", expect=b"Hello", target=False),
        Page("services", "Catalogue (JSON)", "/api/v1/services", expect=b'"slug"', target=False),
        Page(
            "service",
            "Service definition",
            f"/api/v1/services/{fixture.service_slug}",
            expect=b'"requirements"',
            target=False,
        ),
        Page(
            "public_reports",
            "Public reports, page 1",
            "/api/v1/reports/public?limit=20",
            expect=b'"items"',
            target=False,
        ),
        Page(
            "report",
            "Own report by token",
            f"/api/v1/reports/{report_ref}",
            expect=b'"timeline"',
            headers=bearer,
            target=False,
        ),
        Page("me", "Who am I (token)", "/api/v1/me", expect=b'"role"', headers=bearer, target=False),
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.replace("{body}", CREATE_BODY.format(category=category, region=region)))
    create = Page(
        "create_report",
        "Create a report (token, form)",
        "/api/v1/reports",
        status=201,
        headers=bearer,
        target=False,
    )
    create_runs: list[pages_bench.WrkRun] = []
    port = pages_bench._free_port()
    server = pages_bench._start_gunicorn(port)
    before = 0
    try:
        for page in reads:
            for _ in range(4):
                pages_bench._check(port, page)
        before = _reports_of(pages_bench.CITIZEN_PHONE[1:])
        for _ in range(args.rounds):
            for page in reads:
                page.runs.append(
                    pages_bench._wrk(wrk, port, page, args.seconds, args.connections, server.pid)
                )
            create_runs.append(_wrk_post(wrk, port, create, script.name, args.seconds, args.connections))
    finally:
        pages_bench._stop(server)
        Path(script.name).unlink(missing_ok=True)

    hello = pages_bench._total(reads[0])
    print(f"{'operation':<36} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'err':>5}")
    failed = 0
    record("api", "api.hello", reads[0].label, value=1.0, figures={"req_s": round(hello.rate, 1)})
    print(f"{'hello-world view':<36} {hello.rate:7.0f}   1.00 {hello.p50_ms:7.1f} {hello.p99_ms:7.1f}")
    for page in reads[1:]:
        failed += _report(record, page.slug, page.label, pages_bench._total(page), hello.rate)
    create.runs = create_runs
    created = pages_bench._total(create)
    stored = _reports_of(pages_bench.CITIZEN_PHONE[1:]) - before
    answered = created.requests - created.errors
    # wrk stops counting at the end of each round while up to one request per connection is still
    # on its way: those are stored without a counted answer; so may be an answer slower than wrk's
    # timeout, whose status wrk does not judge. Fewer stored than answered is a loss.
    lost = max(answered - stored, 0)
    unexplained = max(stored - answered - args.connections * args.rounds - created.timeouts, 0)
    failed += _report(
        record,
        "create_report",
        create.label,
        created,
        hello.rate,
        extra={
            "stored": stored,
            "answered": answered,
            "timeouts": created.timeouts,
            "lost": lost,
            "unexplained_extra": unexplained,
        },
    )
    print(
        f"reports answered 201: {answered}, stored: {stored} (lost {lost}, unexplained extra {unexplained})"
    )
    print(f"whole run {time.monotonic() - began:.0f} s")
    return 1 if failed or lost or unexplained else 0


def _wrk_post(
    wrk: str, port: int, page: Page, script: str, seconds: int, connections: int
) -> pages_bench.WrkRun:
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script]
    for name, value in page.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{page.path}")
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return pages_bench.wrk_parse(done.stdout)


def _report(
    record: Callable[..., object],
    slug: str,
    label: str,
    total: pages_bench.WrkRun,
    hello_rate: float,
    extra: dict[str, int] | None = None,
) -> int:
    ratio = total.rate / hello_rate if hello_rate else 0.0
    record(
        "api",
        f"api.{slug}",
        label,
        value=ratio,
        figures={
            "req_s": round(total.rate, 1),
            "p50_ms": round(total.p50_ms, 2),
            "p99_ms": round(total.p99_ms, 2),
            "errors": total.errors,
            **(extra or {}),
        },
        note="for the record: no target",
    )
    print(
        f"{label[:36]:<36} {total.rate:7.0f} {ratio:6.2f} {total.p50_ms:7.1f} {total.p99_ms:7.1f} "
        f"{total.errors:5d}"
    )
    return total.errors - total.timeouts  # a slow answer shows in p99; a wrong one fails the run


if __name__ == "__main__":
    raise SystemExit(main())
