"""Task throughput of the database-backed worker on PostgreSQL with 1, 2 and 4 worker processes.

Run with ``DATABASE_URL=postgres://.../throwaway .venv/bin/python -m bench.tasks_bench [--tasks N]
[--workers 1,2,4]``. It needs PostgreSQL (the queue's production engine): without it, it says
so and skips. It migrates that database and empties the task table between rounds; point it at a
database of its own (``python -m bench`` makes ``bench_tasks`` afresh).

1. Baseline: N single-row INSERTs (autocommit), the cost of the work itself.
2. For each K in ``--workers``, a round: N tasks of :func:`bench.task_sample.bench_task_write`
   (one row each) are enqueued through ``django.tasks`` (the enqueue rate) behind a gate (a
   ``run_after`` a day ahead), K ``manage.py worker`` processes are started and waited for (their
   heartbeats), the gate is opened for all tasks at once, and the round ends when the queue is
   empty. Throughput is N over the time from the first task's start to the last one's end, as
   the task table records them, so the workers' start-up does not count. Every task must have
   run exactly once: N rows, N distinct numbers, N results SUCCESSFUL.
3. The claim query, once, at a queue depth of ``--depth`` ready tasks: EXPLAIN ANALYZE of the
   worker's ``SELECT ... FOR UPDATE SKIP LOCKED`` and the mean time of a claim (select + update,
   rolled back), after a vacuum and before it (with as many dead index entries as ready tasks,
   as a busy queue has between two autovacuums).

Recorded (``bench/results/tasks.json``): ``tasks.workers_1``, ``tasks.workers_2`` and
``tasks.workers_4`` (tasks/s of 1, 2 and 4 workers over the baseline INSERTs/s; the speed-up over
one worker is the figure ``over_one_worker``),
``tasks.enqueue`` (enqueues/s over INSERTs/s) and ``tasks.claim`` (ms per claim at depth).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.results import record, skip, yardstick_ms

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "bench-tasks"


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL",)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "layanan.settings",
            "VAR_DIR": str(WORKDIR),
            "ENVIRONMENT": "development",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _setup() -> None:
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    os.environ.pop("REDIS_URL", None)  # the queue under test is the database, and nothing else shared
    os.environ.update(_environment())
    import django

    django.setup()
    from django.core.management import call_command

    # Only the queue's tables (the task table, the heartbeats): the whole project's migrations would
    # take a minute of the suite's budget on 2 cores for tables this benchmark never touches.
    for app in ("django_tasks_database", "core"):
        call_command("migrate", app, verbosity=0)


def _start_workers(count: int) -> list[subprocess.Popen[bytes]]:
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "worker",
        "--no-schedule",
        "--no-startup-delay",
        "--interval",
        "0.05",
        "-v",
        "0",
    ]
    return [
        subprocess.Popen(command, cwd=ROOT, env=_environment(), stdout=subprocess.DEVNULL)
        for _ in range(count)
    ]


def _stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _wait(condition: Any, *, seconds: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds:g} s")
        time.sleep(step)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000, help="tasks per round")
    parser.add_argument("--workers", default="1,2,4", help="worker processes per round, comma-separated")
    parser.add_argument("--depth", type=int, default=10_000, help="ready tasks when timing the claim")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        skip("tasks", "needs a throwaway PostgreSQL database in DATABASE_URL (the queue's production engine)")
        return 0
    _setup()

    from django.db import connection, transaction
    from django.db.models import Max, Min
    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from bench.task_sample import TABLE, bench_task_write
    from layanan.core.models import WorkerHeartbeat

    count = args.tasks
    rounds = [int(k) for k in args.workers.split(",") if k.strip()]
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, run text NOT NULL, number integer NOT NULL, "
            "pid integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        cursor.execute("CREATE TABLE bench_task_baseline (id bigserial PRIMARY KEY, v text)")
        started = time.perf_counter()
        for n in range(count):
            cursor.execute("INSERT INTO bench_task_baseline (v) VALUES (%s)", [f"row {n}"])
        insert_rate = count / (time.perf_counter() - started)
        cursor.execute("DROP TABLE bench_task_baseline")
    print(f"baseline: {insert_rate:,.0f} single-row INSERTs/s")

    def enqueue_gated(run: str, n: int) -> float:
        gated = bench_task_write.using(run_after=timezone.now() + timedelta(days=1))
        began = time.perf_counter()
        for number in range(n):
            gated.enqueue(run=run, number=number)
        return n / (time.perf_counter() - began)

    def open_gate() -> int:
        return DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=get_date_max())

    def claim_queryset() -> Any:
        return DBTaskResult.objects.ready().filter(backend_name="default", queue_name__in=["default"])

    # The claim at depth, before any worker runs: ready tasks, nobody taking them.
    DBTaskResult.objects.all().delete()
    enqueue_gated("depth", min(count, args.depth))
    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        columns = [str(f.column) for f in DBTaskResult._meta.concrete_fields if f.column != "id"]
        while (depth := DBTaskResult.objects.count()) < args.depth:
            copies = min(depth, args.depth - depth)
            cursor.execute(
                f"INSERT INTO {table} (id, {', '.join(columns)}) "  # noqa: S608  # model metadata only
                f"SELECT gen_random_uuid(), {', '.join(columns)} FROM {table} LIMIT %s",
                [copies],
            )
    open_gate()

    def vacuum() -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE " + table)

    def claim_cost(claims: int = 30) -> tuple[float, list[str]]:
        """Mean ms of a claim (select + update, rolled back), and the select's EXPLAIN ANALYZE."""
        with transaction.atomic(), connection.cursor() as cursor:
            sql, params = claim_queryset().select_for_update(skip_locked=True)[:1].query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [line for (line,) in cursor.fetchall()]
        began = time.perf_counter()
        for _ in range(claims):
            with transaction.atomic():
                claimed = claim_queryset().get_locked()
                assert claimed is not None
                claimed.claim("bench-claim")
                transaction.set_rollback(True)
        return (time.perf_counter() - began) * 1000 / claims, plan

    # Opening the gate updated every row: until a vacuum, the partial index of ready tasks still
    # holds an entry for each old row version, which a claim walks past. The same happens to every
    # task that ran (READY -> RUNNING -> SUCCESSFUL) between two vacuums of a busy queue.
    dirty_ms, _plan = claim_cost()
    vacuum()
    claim_ms, plan = claim_cost()
    plan_text = "\n".join(plan)
    index = "tasks_db_new_ordering_idx" if "tasks_db_new_ordering_idx" in plan_text else "none"
    select_ms = next(
        (float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time")), 0.0
    )
    print(
        f"claim at depth {depth:,}: {claim_ms:.2f} ms after a vacuum, {dirty_ms:.2f} ms with {depth:,} dead "
        f"index entries (select + update); plan uses index: {index}"
    )
    print("  " + "\n  ".join(plan))

    rates: dict[int, float] = {}
    enqueue_rates: list[float] = []
    all_ok = True
    for workers_count in rounds:
        DBTaskResult.objects.all().delete()
        WorkerHeartbeat.objects.all().delete()
        vacuum()  # each round starts from a clean table, whatever the one before left
        run = f"w{workers_count}-{uuid.uuid4().hex[:8]}"
        enqueue_rates.append(enqueue_gated(run, count))
        workers = _start_workers(workers_count)
        try:
            _wait(
                lambda n=workers_count: WorkerHeartbeat.objects.count() >= n,
                seconds=90,
                what=f"{workers_count} workers starting",
            )
            open_gate()
            _wait(
                lambda: (
                    not DBTaskResult.objects.filter(
                        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
                    ).exists()
                ),
                seconds=max(60.0, count / 5),
                what=f"{count} tasks done by {workers_count} workers",
                step=0.1,
            )
        finally:
            _stop_workers(workers)
        span = DBTaskResult.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
        seconds = (span["last"] - span["first"]).total_seconds()
        successful = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), count(DISTINCT number), count(DISTINCT pid) FROM {TABLE} WHERE run = %s",  # noqa: S608
                [run],
            )
            rows, distinct, pids = cursor.fetchone()
        ok = rows == distinct == successful == count
        all_ok = all_ok and ok
        rates[workers_count] = count / seconds
        print(
            f"{workers_count} worker(s): {rates[workers_count]:,.0f} tasks/s over {seconds:.2f} s; "
            f"{rows} rows, {distinct} distinct, {successful} successful, by {pids} processes: "
            + ("each task once" if ok else "MISMATCH")
        )
        record(
            "tasks",
            f"tasks.workers_{workers_count}",
            f"Tasks/s of {workers_count} worker{'s' if workers_count > 1 else ''} over single-row INSERTs/s",
            # Over the INSERTs, not over one worker's rate: on 2 cores shared with PostgreSQL one
            # worker ran 270-470 tasks/s in runs of the same code while 2 workers held 630-680.
            rates[workers_count] / insert_rate,
            figures={
                "tasks_per_s": round(rates[workers_count], 1),
                "over_one_worker": round(rates[workers_count] / rates[rounds[0]], 2),
                "tasks": count,
                "seconds": round(seconds, 2),
                "workers_seen": pids,
                "database": "postgresql",
            },
            ok=ok,
            note=""
            if ok
            else f"{rows} rows, {distinct} distinct numbers, {successful} successful of {count}",
        )
    enqueue_rate = sum(enqueue_rates) / len(enqueue_rates)
    print(f"enqueue: {enqueue_rate:,.0f} tasks/s (ratio to INSERT {enqueue_rate / insert_rate:.2f})")
    record(
        "tasks",
        "tasks.enqueue",
        "Tasks enqueued/s through django.tasks over single-row INSERTs/s",
        enqueue_rate / insert_rate,
        figures={"enqueue_per_s": round(enqueue_rate), "insert_per_s": round(insert_rate)},
    )
    with connection.cursor() as cursor:
        yardstick = yardstick_ms(cursor)
    record(
        "tasks",
        "tasks.claim",
        f"One claim (SELECT ... FOR UPDATE SKIP LOCKED + UPDATE) at {depth:,} ready tasks",
        claim_ms,
        unit="ms",
        higher_is_better=False,
        figures={
            "depth": depth,
            "claim_ms": round(claim_ms, 3),
            "claim_ms_before_vacuum": round(dirty_ms, 3),
            "select_ms_in_database": select_ms,
            "index": index,
            "yardstick_ms": yardstick,
        },
    )
    DBTaskResult.objects.all().delete()
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
