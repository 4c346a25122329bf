"""Complaint submissions per second, nothing lost; and the public list's throughput against hello-world.

Run with ``.venv/bin/python -m bench.complaints_bench [--seconds S] [--threads T]``. With
``DATABASE_URL`` it uses that database (point it at a throwaway PostgreSQL one: the reports
it writes stay there); without, a fresh SQLite file under ``var/bench-complaints/``.

1. Submissions: ``T`` threads call ``services.report_submit`` (the one entry point of every
   channel) for ``S`` seconds, each with a new ``submit_key``, then each sends its last key
   once more (a double submit). The reports are counted before and after: the difference
   must equal the number of successful calls, so nothing was lost and nothing duplicated.
2. The public list (``complaints:public_list``, 30 published reports): served by gunicorn
   as ``make run`` does (2 workers x 4 threads, ``bench.hello_settings``) from the same
   database, driven by ``T`` keep-alive connections, and printed as a ratio to the
   hello-world view measured in the same run (compare ratios between runs, not rates).

Everything stops by itself; gunicorn is stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench import pages_bench

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-complaints"
PUBLISHED = 30
TEXTS = (
    "Jalan desa berlubang besar di depan sekolah, sudah tiga bulan tidak diperbaiki.",
    "Lampu jalan di simpang pasar mati sejak minggu lalu, rawan kecelakaan malam hari.",
    "Sampah menumpuk di tepi sungai dekat jembatan, baunya sampai ke rumah warga.",
    "Blanko KTP-el habis di kecamatan, warga disuruh kembali bulan depan.",
)


def _environment(database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "VAR_DIR", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.hello_settings",
            "VAR_DIR": str(WORKDIR),
            "DATABASE_URL": database_url,
            "ENVIRONMENT": "development",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _setup(database_url: str, threads: int) -> tuple[list[Any], Any, Any]:
    """Migrate and seed; the reporters (one per thread), a category and a desa."""
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    os.environ.update(_environment(database_url))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_regions", verbosity=0)
    call_command("seed_offices", verbosity=0)
    call_command("seed_complaint_categories", verbosity=0)

    from layanan.accounts.models import User
    from layanan.complaints.models import Category
    from layanan.regions.models import Region

    reporters = []
    for n in range(threads):
        phone = f"08127777{n:04d}"
        reporters.append(
            User.objects.filter(phone__endswith=phone[1:]).first()
            or User.objects.create_user(phone, None, full_name=f"Warga Pengukur {n}")
        )
    category = Category.objects.filter(is_active=True, is_platform_feedback=False).order_by("order").first()
    region = Region.objects.filter(code__startswith="18.03.02.").order_by("code").first()
    if category is None or region is None:
        raise RuntimeError("no category or desa after seeding")
    return reporters, category, region


def _submissions(threads: int, seconds: float, reporters: list, category: object, region: object) -> int:
    """Submit from ``threads`` threads for ``seconds``; check the count; return the failures."""
    from django.db import connections

    from layanan.complaints import services
    from layanan.complaints.models import Report

    before = Report.objects.count()
    successes = [0] * threads
    failures: list[BaseException] = []
    start = threading.Barrier(threads + 1)
    deadline = 0.0

    def run(index: int) -> None:
        key = uuid.uuid4()
        try:
            start.wait()
            while time.perf_counter() < deadline:
                key = uuid.uuid4()
                services.report_submit(
                    reporter=reporters[index],
                    kind="pengaduan",
                    category=category,  # type: ignore[arg-type]
                    text=TEXTS[successes[index] % len(TEXTS)],
                    region=region,  # type: ignore[arg-type]
                    submit_key=key,
                )
                successes[index] += 1
            # The same submit sent twice (a double tap, a retried SMS): no new report.
            services.report_submit(
                reporter=reporters[index],
                kind="pengaduan",
                category=category,  # type: ignore[arg-type]
                text=TEXTS[0],
                region=region,  # type: ignore[arg-type]
                submit_key=key,
            )
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    after = Report.objects.count()
    made = sum(successes)
    print(
        f"report_submit: {made} reports in {elapsed:.1f} s from {threads} threads = {made / elapsed:.0f}/s "
        f"(plus {threads} repeated submit keys)"
    )
    print(f"reports before {before}, after {after}: {after - before} new, {made} successful calls")
    if failures:
        print(f"FAILED: {len(failures)} thread(s) stopped: {failures[0]!r}")
    lost_or_doubled = after - before != made
    if lost_or_doubled:
        print("FAILED: the count differs from the successful calls (lost or duplicated reports)")
    else:
        print("nothing lost, nothing duplicated")
    return len(failures) + int(lost_or_doubled)


def _publish(count: int) -> None:
    """Verify and dispose the first ``count`` new reports, so the public list has rows to show."""
    from layanan.accounts.models import Role, User
    from layanan.complaints import services
    from layanan.complaints.models import Report, Status

    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first() or User.objects.create_user(
        "081277779999", None, full_name="Admin Pengukur", role=Role.ADMIN
    )
    for report in Report.objects.filter(status=Status.RECEIVED).order_by("pk")[:count]:
        services.report_verify(report=report, actor=admin, expected_version=report.version)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of submissions; per page round")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or f"sqlite://{WORKDIR / 'bench.sqlite3'}"
    reporters, category, region = _setup(database_url, args.threads)
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")
    failed = _submissions(args.threads, args.seconds, reporters, category, region)
    _publish(PUBLISHED)

    from django.db import connections
    from django.urls import reverse

    connections.close_all()
    pages_bench.WORKDIR = WORKDIR  # pages_bench's gunicorn, on this run's database
    pages_bench._environment = lambda: _environment(database_url)
    port = pages_bench._free_port()
    server = pages_bench._start_gunicorn(port)
    try:
        endpoints = [
            pages_bench.Endpoint("hello-world view", "GET", "/bench-hello/", expect=b"Hello"),
            pages_bench.Endpoint(
                "public report list", "GET", reverse("complaints:public_list"), expect=b"</main>"
            ),
        ]
        connection_ = http.client.HTTPConnection(pages_bench.HOST, port, timeout=30)
        for endpoint in endpoints:
            status, body = endpoint.call(connection_)
            if status != 200 or endpoint.expect not in body:
                raise RuntimeError(f"{endpoint.name} {endpoint.path}: HTTP {status}")
            pages_bench._drive(port, endpoint, args.threads, 0.5)  # warm up
        connection_.close()
        totals = {endpoint.name: pages_bench.Result(0, 0.0, 0) for endpoint in endpoints}
        for _ in range(2):  # interleaved rounds
            for endpoint in endpoints:
                result = pages_bench._drive(port, endpoint, args.threads, args.seconds)
                total = totals[endpoint.name]
                totals[endpoint.name] = pages_bench.Result(
                    total.requests + result.requests,
                    total.seconds + result.seconds,
                    total.errors + result.errors,
                )
        baseline = totals[endpoints[0].name].rate
        print(
            f"gunicorn 2 workers x 4 threads; {args.threads} keep-alive client threads, "
            f"2 rounds of {args.seconds:g} s"
        )
        print(f"{'endpoint':<24} {'req/s':>8} {'ratio':>6} {'errors':>7}")
        for endpoint in endpoints:
            result = totals[endpoint.name]
            print(f"{endpoint.name:<24} {result.rate:8.0f} {result.rate / baseline:6.2f} {result.errors:7d}")
        failed += sum(result.errors for result in totals.values())
    finally:
        pages_bench._stop(server)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
