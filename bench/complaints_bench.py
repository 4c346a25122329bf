"""Complaint submissions per second on PostgreSQL, every side effect on, nothing lost or doubled.

Run with ``DATABASE_URL=postgres://.../bench_submit .venv/bin/python -m bench.complaints_bench
[--seconds S] [--threads T] [--processes P]`` against a throwaway PostgreSQL database (the
reports it writes stay there). Without a PostgreSQL ``DATABASE_URL`` it runs on a fresh SQLite file under
``var/bench-complaints/`` and records ``complaints.submit_sqlite`` instead (SQLite takes one writer
at a time: that figure is not the issue's target).

``T`` threads (4) call ``services.report_submit`` — the one entry point of every channel — with
every side effect on: the audit row, the learned routing suggestion (a model is trained first),
the "received" notice to the reporter (whose phone is proven, so it is queued with its send task)
and the summary refresh (the monitoring signals' task). Each call has a new ``submit_key``; at the
end each thread sends its last key once more (a double submit). With ``--processes P`` (> 1) one
more round runs the same ``T`` threads split over ``P`` forked processes, as gunicorn runs its
workers: recorded as ``complaints.submit_pg_<P>proc`` (no target), its reports checked with the rest.

The baseline, measured in the same run from the same threads on the same database, is a bare
ORM insert of a minimal row (a tracking number) in its own transaction: what the database and
Django cost per committed write on this machine at this moment. The rounds alternate (baseline,
submits, baseline, submits), ``S / 2`` seconds each, so load from elsewhere hits both alike.

Afterwards the new reports are counted against the successful calls (nothing lost, nothing
doubled), and so is each side effect: one audit row, one queued notice and its send task, one
summary refresh task and one suggestion per report. One more submit is traced: its queries and
its commits. Figures go to ``bench/results/complaints.json`` through :func:`bench.results.record`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-complaints"
TARGET_PER_S = 300
# One text per office the routing model learns, so every submit gets a suggestion.
TEXTS = {
    "pupr": "Jalan desa berlubang besar di depan sekolah, aspal rusak sudah tiga bulan tidak diperbaiki.",
    "kesehatan": "Puskesmas kehabisan obat dan dokter jarang datang, pasien antre dari subuh.",
    "pendidikan": "Sekolah memungut uang seragam dan bangku kelas rusak, murid duduk di lantai.",
    "dukcapil": "Blanko KTP-el habis di kecamatan, warga disuruh kembali bulan depan untuk rekam.",
}


@dataclass
class Round:
    calls: int = 0
    seconds: float = 0.0
    failures: list[BaseException] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0


def _environment(database_url: str) -> None:
    for key in ("REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        os.environ.pop(key, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "layanan.settings",
            "VAR_DIR": str(WORKDIR),
            "DATABASE_URL": database_url,
            "ENVIRONMENT": "development",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
    )


def _setup(threads: int) -> tuple[list[Any], Any, Any]:
    """Migrate and seed; the reporters (one per thread, phones proven), a category and a desa."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    call_command("seed_complaint_categories", verbosity=0)

    from layanan.accounts.models import User
    from layanan.complaints.models import Category
    from layanan.regions.models import Region

    reporters = []
    for n in range(threads):
        phone = f"08127777{n:04d}"
        user = User.objects.filter(phone__endswith=phone[1:]).first() or User.objects.create_user(
            phone, None, full_name=f"Warga Pengukur {n}"
        )
        User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now())  # the notice goes out
        user.refresh_from_db()
        reporters.append(user)
    category = Category.objects.filter(is_active=True, is_platform_feedback=False).order_by("order").first()
    region = Region.objects.filter(code__startswith="18.03.02.").order_by("code").first()
    if category is None or region is None:
        raise RuntimeError("no category or desa after seeding")
    return reporters, category, region


def _train_routing(reporters: list[Any], category: Any, region: Any) -> None:
    """File a small history through the real service, dispose it by hand, train the routing model."""
    from django.utils import timezone

    from layanan.agencies.models import Office
    from layanan.complaints import routing, services
    from layanan.complaints.models import Disposition, RoutingModel

    if RoutingModel.objects.exists():
        return
    offices = list(Office.objects.filter(is_active=True, kind="opd").order_by("pk")[: len(TEXTS)])
    if len(offices) < len(TEXTS):
        raise RuntimeError("not enough offices to train the routing model on")
    dispositions = []
    for n in range(40):
        office, text = offices[n % len(TEXTS)], list(TEXTS.values())[n % len(TEXTS)]
        report = services.report_submit(
            reporter=reporters[0], kind="pengaduan", category=category, text=text, region=region
        )
        dispositions.append(
            Disposition(report=report, office=office, due_at=timezone.now(), created_by=reporters[0])
        )
    Disposition.objects.bulk_create(dispositions)
    if routing.routing_train(min_samples=20) is None:
        raise RuntimeError("the routing model was not trained")


def _run(threads: int, seconds: float, work: Any) -> Round:
    """Call ``work(thread, n)`` from ``threads`` threads for ``seconds``; count the successful calls."""
    from django.db import connections

    counts = [0] * threads
    result = Round()
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def run(index: int) -> None:
        try:
            start.wait()
            while time.perf_counter() < deadline[0]:
                work(index, counts[index])
                counts[index] += 1
        except BaseException as error:
            result.failures.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for worker in workers:
        worker.join()
    result.seconds = time.perf_counter() - began
    result.calls = sum(counts)
    return result


def _run_processes(processes: int, threads: int, seconds: float, work: Any) -> Round:
    """As :func:`_run`, with ``threads`` threads split over ``processes`` forked processes.

    Gunicorn's shape: each worker its own interpreter (its own GIL) and its own connections. The
    parent closes its connections before forking; each child runs its share of the threads for
    ``seconds`` and reports its count.
    """
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    per = [threads // processes + (1 if n < threads % processes else 0) for n in range(processes)]

    def child(index: int, count: int) -> None:
        done = _run(count, seconds, lambda t, n: work(index * threads + t, n))
        results.put((done.calls, done.seconds, [repr(error) for error in done.failures]))

    connections.close_all()
    children = [context.Process(target=child, args=(n, count)) for n, count in enumerate(per) if count]
    for process in children:
        process.start()
    total = Round()
    for _process in children:
        calls, took, failures = results.get(timeout=seconds * 10 + 120)
        total.calls += calls
        total.seconds = max(total.seconds, took)
        total.failures += [RuntimeError(failure) for failure in failures]
    for process in children:
        process.join()
    return total


def _traced_submit(reporter: Any, category: Any, region: Any) -> dict[str, int]:
    """One submit with its statements captured: queries, and commits (each autocommit write is one)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from layanan.complaints import services

    with CaptureQueriesContext(connection) as captured:
        services.report_submit(
            reporter=reporter,
            kind="pengaduan",
            category=category,
            text=TEXTS["pupr"],
            region=region,
            submit_key=uuid.uuid4(),
        )
    statements = [query["sql"].split(None, 1)[0].upper() for query in captured.captured_queries]
    commits, inside = 0, False
    for word in statements:
        if word == "BEGIN":
            inside = True
        elif word == "COMMIT":
            inside, commits = False, commits + 1
        elif not inside and word in ("INSERT", "UPDATE", "DELETE"):
            commits += 1
    queries = sum(1 for word in statements if word not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    return {"queries": queries, "commits": commits, "round_trips": len(statements)}


def _side_effects(first_id: int) -> dict[str, int]:
    """How many of each side effect the reports after ``first_id`` left behind."""
    from django_tasks_db.models import DBTaskResult

    from layanan.audit.models import AuditEvent
    from layanan.complaints.models import Report
    from layanan.notifications.models import Message, MessageStatus

    reports = Report.objects.filter(pk__gt=first_id)
    rows = list(reports.values_list("pk", "tracking_number"))
    ids = [str(pk) for pk, _tracking in rows]
    notices = Message.objects.filter(event="report.received", tracking_number__in=[t for _pk, t in rows])
    refreshes = DBTaskResult.objects.filter(task_path="layanan.monitoring.tasks.monitoring_item_refresh")
    refreshed = [
        args[1] for args in refreshes.values_list("args_kwargs__args", flat=True) if args[0] == "report"
    ]
    return {
        "reports": len(ids),
        "audit_rows": AuditEvent.objects.filter(
            action="complaints.submit", object_type="complaints.report", object_id__in=ids
        ).count(),
        "notices_queued": notices.filter(status=MessageStatus.QUEUED).count(),
        "send_tasks": DBTaskResult.objects.filter(
            task_path="layanan.notifications.tasks.message_send",
            args_kwargs__args__0__in=list(notices.values_list("pk", flat=True)),
        ).count(),
        "refresh_tasks": sum(1 for pk in refreshed if pk > first_id),
        "refreshed_reports": len({pk for pk in refreshed if pk > first_id}),
        "suggestions": reports.filter(suggested_office__isnull=False).count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="seconds of submissions (and of baseline)"
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="also run the submits with the threads split over this many processes (as gunicorn's workers)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    if not postgres:
        shutil.rmtree(WORKDIR, ignore_errors=True)
        database_url = f"sqlite://{WORKDIR / 'bench.sqlite3'}"
    WORKDIR.mkdir(parents=True, exist_ok=True)
    _environment(database_url)
    reporters, category, region = _setup(args.threads)
    _train_routing(reporters, category, region)

    from django.db import connection

    from layanan.complaints import services
    from layanan.complaints.models import Report
    from layanan.tracking.models import TrackingNumber

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")
    if not postgres:
        print("SQLite: not the PostgreSQL figure of the issue; recorded as complaints.submit_sqlite")

    run_id = uuid.uuid4().hex[:4]
    texts = list(TEXTS.values())
    last_keys: list[uuid.UUID | None] = [None] * args.threads

    def bare_insert(thread: int, n: int) -> None:
        TrackingNumber.objects.create(code=f"B{run_id}{thread}{n:09d}"[:16], kind="A")

    def submit(thread: int, n: int) -> None:
        key = uuid.uuid4()
        services.report_submit(
            reporter=reporters[thread],
            kind="pengaduan",
            category=category,
            text=texts[n % len(texts)],
            region=region,
            submit_key=key,
        )
        last_keys[thread] = key

    first_id = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    baseline, submits = Round(), Round()
    for half in range(2):
        for total, work, offset in ((baseline, bare_insert, half * 10**8), (submits, submit, 0)):
            done = _run(args.threads, args.seconds / 2, lambda t, n, w=work, o=offset: w(t, n + o))
            total.calls += done.calls
            total.seconds += done.seconds
            total.failures += done.failures
    split = Round()
    if args.processes > 1:
        split = _run_processes(
            args.processes, args.threads, args.seconds / 2, lambda t, n: submit(t % args.threads, n)
        )
    made = submits.calls + split.calls

    # The same submit sent twice (a double tap, a retried SMS): no new report.
    for thread, key in enumerate(last_keys):
        if key is not None:
            again = services.report_submit(
                reporter=reporters[thread],
                kind="pengaduan",
                category=category,
                text=texts[0],
                region=region,
                submit_key=key,
            )
            assert again.submit_key == key

    effects = _side_effects(first_id)
    new = effects["reports"]
    lost, doubled = max(made - new, 0), max(new - made, 0)
    exact = all(effects[name] == new for name in effects if name != "reports")
    traced = _traced_submit(reporters[0], category, region)
    failures = baseline.failures + submits.failures + split.failures
    ok = not failures and lost == 0 and doubled == 0 and exact

    ratio = submits.rate / baseline.rate if baseline.rate else 0.0
    print(f"baseline (bare ORM insert, own transaction): {baseline.rate:.0f}/s from {args.threads} threads")
    print(
        f"report_submit: {submits.calls} reports in {submits.seconds:.1f} s = {submits.rate:.0f}/s "
        f"(ratio {ratio:.2f} to the baseline" + (f"; target {TARGET_PER_S}/s)" if postgres else ")")
    )
    if args.processes > 1:
        print(
            f"report_submit over {args.processes} processes: {split.calls} reports in {split.seconds:.1f} s "
            f"= {split.rate:.0f}/s (ratio {split.rate / baseline.rate if baseline.rate else 0.0:.2f})"
        )
    print(
        f"new reports {new} for {made} successful calls (+{args.threads} repeated keys): "
        f"lost {lost}, doubled {doubled}"
    )
    print("side effects: " + ", ".join(f"{name} {value}" for name, value in effects.items()))
    print(
        f"one submit: {traced['queries']} queries, {traced['round_trips']} round trips, "
        f"{traced['commits']} commit(s)"
    )
    if failures:
        print(f"FAILED: {len(failures)} thread(s) stopped: {failures[0]!r}")
    if not exact:
        print("FAILED: a side effect is missing or doubled")

    figures = {
        "reports_per_s": round(submits.rate, 1),
        "reports": submits.calls,
        "threads": args.threads,
        "seconds": round(submits.seconds, 1),
        "lost": lost,
        "doubled": doubled,
        "baseline_inserts_per_s": round(baseline.rate, 1),
        "queries_per_submit": traced["queries"],
        "round_trips_per_submit": traced["round_trips"],
        "commits_per_submit": traced["commits"],
        **{f"side_effect_{name}": value for name, value in effects.items() if name != "reports"},
    }
    name = "complaints.submit_pg" if postgres else "complaints.submit_sqlite"
    where = "PostgreSQL" if postgres else "SQLite"
    record(
        "complaints",
        name,
        f"Complaint submissions/s on {where} ({args.threads} threads)",
        value=submits.rate,
        unit="per_s",
        target=TARGET_PER_S if postgres else None,
        figures=figures,
        ok=ok,
        note="every side effect on: audit, routing suggestion, notice to the reporter, summary refresh",
    )
    record(
        "complaints",
        f"{name}_ratio",
        f"Complaint submissions/s on {where} over bare ORM inserts/s, same run",
        value=ratio,
        figures={"reports_per_s": round(submits.rate, 1), "baseline_inserts_per_s": round(baseline.rate, 1)},
        ok=ok,
    )
    if args.processes > 1:
        record(
            "complaints",
            f"{name}_{args.processes}proc",
            f"Complaint submissions/s on {where} ({args.threads} threads over {args.processes} processes)",
            value=split.rate,
            unit="per_s",
            figures={
                "reports_per_s": round(split.rate, 1),
                "reports": split.calls,
                "processes": args.processes,
                "threads": args.threads,
                "seconds": round(split.seconds, 1),
                "ratio_to_baseline": round(split.rate / baseline.rate, 3) if baseline.rate else 0.0,
                "baseline_inserts_per_s": round(baseline.rate, 1),
                "one_process_reports_per_s": round(submits.rate, 1),
            },
            ok=ok,
            note="gunicorn's shape: no target of its own; the side effects are checked with the others",
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
