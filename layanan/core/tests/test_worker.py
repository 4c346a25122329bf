"""The worker: heartbeats, recovery of tasks whose worker died, and a real kill -9."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layanan.core.models import WorkerHeartbeat
from layanan.core.tests import sample_tasks
from layanan.core.tests.processes import ProcessDatabase, make_process_database
from layanan.core.worker import (
    Worker,
    heartbeat_write,
    task_recover,
    tasks_recover_stale,
)

STALE = 300  # TASK_STALE_AFTER in these tests


@pytest.fixture
def process_database(request: pytest.FixtureRequest, tmp_path: Path) -> ProcessDatabase:
    return make_process_database(request, tmp_path)


def make_worker(worker_id: str = "w-test", **overrides: Any) -> Worker:
    options: dict[str, Any] = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": worker_id,
        "excluded_queue_names": [],
        "run_schedule": False,
        "background_heartbeat": False,
    }
    options.update(overrides)
    return Worker(**options)


def beat(worker_id: str, *, seconds_ago: float) -> WorkerHeartbeat:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="host-a", pid=4242, started_at=seen, seen_at=seen
    )


def running_task(*, worker_ids: list[str], started_seconds_ago: float) -> DBTaskResult:
    """A task that a worker claimed and is (or was) running."""
    result = sample_tasks.add.enqueue(2, 3)
    row = DBTaskResult.objects.get(id=result.id)
    row.status = TaskResultStatus.RUNNING
    row.worker_ids = worker_ids
    row.started_at = timezone.now() - timedelta(seconds=started_seconds_ago)
    row.save(update_fields=["status", "worker_ids", "started_at"])
    return row


@pytest.fixture(autouse=True)
def _worker_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASK_STALE_AFTER = STALE
    settings.TASK_MAX_ATTEMPTS = 3
    settings.WORKER_HEARTBEAT_SECONDS = 15
    # In-process workers run inside the test's transaction, which closing
    # "old" connections would end (Django's test client disconnects it likewise).
    monkeypatch.setattr("layanan.core.worker.close_old_connections", lambda: None)


@pytest.mark.django_db
def test_a_worker_writes_its_heartbeat_when_it_starts_and_refreshes_it() -> None:
    worker = make_worker()
    worker.beat()
    first = WorkerHeartbeat.objects.get(worker_id="w-test")
    assert first.pid == worker.pid
    assert first.hostname == worker.hostname
    WorkerHeartbeat.objects.filter(pk=first.pk).update(seen_at=first.seen_at - timedelta(minutes=5))

    worker.beat()

    again = WorkerHeartbeat.objects.get(worker_id="w-test")
    assert again.seen_at > first.seen_at - timedelta(minutes=5)
    assert again.started_at == first.started_at
    assert WorkerHeartbeat.objects.count() == 1


@pytest.mark.django_db
def test_a_worker_runs_the_ready_tasks_and_removes_its_heartbeat_when_it_stops() -> None:
    ok = sample_tasks.add.enqueue(20, 22)
    bad = sample_tasks.fail.enqueue()

    make_worker().run()

    assert DBTaskResult.objects.get(id=ok.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(id=ok.id).return_value == 42
    failed = DBTaskResult.objects.get(id=bad.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "builtins.ValueError"
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_task_whose_worker_died_goes_back_to_the_queue_and_is_then_run() -> None:
    beat("dead", seconds_ago=STALE + 60)
    row = running_task(worker_ids=["dead"], started_seconds_ago=STALE + 120)

    outcome = tasks_recover_stale()

    assert outcome.requeued == [str(row.id)]
    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.READY
    make_worker("w-second").run()
    done = DBTaskResult.objects.get(id=row.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 5
    assert done.worker_ids == ["dead", "w-second"]


@pytest.mark.django_db
def test_a_worker_recovers_lost_tasks_on_its_first_loop() -> None:
    beat("dead", seconds_ago=STALE + 60)
    row = running_task(worker_ids=["dead"], started_seconds_ago=STALE + 120)

    make_worker("w-second").run()

    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_the_task_of_a_live_worker_is_left_alone_however_long_it_runs() -> None:
    beat("alive", seconds_ago=5)
    row = running_task(worker_ids=["alive"], started_seconds_ago=STALE * 10)

    outcome = tasks_recover_stale()

    assert outcome.requeued == outcome.failed == []
    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_started_moments_ago_is_left_alone_even_without_a_heartbeat() -> None:
    row = running_task(worker_ids=["no-heartbeat-yet"], started_seconds_ago=5)

    tasks_recover_stale()

    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_abandoned_max_attempts_times_is_marked_failed_with_a_clear_reason() -> None:
    beat("dead-3", seconds_ago=STALE + 60)
    row = running_task(worker_ids=["dead-1", "dead-2", "dead-3"], started_seconds_ago=STALE + 120)

    outcome = tasks_recover_stale()

    assert outcome.failed == [str(row.id)]
    failed = DBTaskResult.objects.get(id=row.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.finished_at is not None
    assert failed.exception_class_path == "layanan.core.worker.WorkerLostError"
    assert "attempt 3 of 3" in failed.traceback
    assert "TASK_MAX_ATTEMPTS reached" in failed.traceback
    error = failed.task_result.errors[0]
    assert error.exception_class_path == "layanan.core.worker.WorkerLostError"
    make_worker("w-other").run()
    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_two_workers_recovering_the_same_task_requeue_it_once() -> None:
    row = running_task(worker_ids=["dead"], started_seconds_ago=STALE + 120)
    seen_by_first = DBTaskResult.objects.get(id=row.id)
    seen_by_second = DBTaskResult.objects.get(id=row.id)

    assert task_recover(seen_by_first) == "requeued"
    assert task_recover(seen_by_second) is None
    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_task_claimed_again_meanwhile_is_not_recovered_from_an_old_snapshot() -> None:
    row = running_task(worker_ids=["dead"], started_seconds_ago=STALE + 120)
    old_snapshot = DBTaskResult.objects.get(id=row.id)
    assert task_recover(old_snapshot) == "requeued"
    fresh = DBTaskResult.objects.get(id=row.id)
    fresh.claim("w-new")

    assert task_recover(old_snapshot) is None
    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_heartbeats_of_workers_gone_for_a_week_are_pruned() -> None:
    beat("long-gone", seconds_ago=8 * 24 * 3600)
    beat("recent", seconds_ago=10)

    tasks_recover_stale()

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_heartbeat_write_creates_then_updates_one_row() -> None:
    started = timezone.now()
    heartbeat_write(worker_id="w", hostname="h", pid=1, started_at=started)
    heartbeat_write(worker_id="w", hostname="h", pid=1, started_at=started)
    assert WorkerHeartbeat.objects.count() == 1


# A real worker process, killed with SIGKILL in the middle of a task ------------------


def _wait_for(predicate: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [" ".join(line.split()[:2]) for line in path.read_text().splitlines()]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def test_a_task_killed_mid_way_is_run_again_by_another_worker_and_completes_once(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    db = process_database
    db.env.update(WORKER_HEARTBEAT_SECONDS="1", TASK_STALE_AFTER="60", TASK_MAX_ATTEMPTS="3")
    marker = tmp_path / "runs.log"
    task_id = db.python(
        "import json; from layanan.core.tests.sample_tasks import record_run; "
        f"print(json.dumps(str(record_run.enqueue({str(marker)!r}, 120).id)))"
    )
    log = tmp_path / "workers.log"
    worker_args = ["worker", "--no-startup-delay", "--interval", "0.1", "--no-schedule"]
    first = db.start(*worker_args, "--worker-id", "first", log=log)
    try:
        _wait_for(
            lambda: _lines(marker) == ["start 1"], timeout=60, what="the first worker to start the task"
        )
        # While the task sleeps, the heartbeat thread keeps the worker visibly alive.
        seen = (
            "from layanan.core.models import WorkerHeartbeat as H; "
            "print(H.objects.get(worker_id='first').seen_at.timestamp())"
        )
        before = db.python(seen)
        _wait_for(lambda: db.python(seen) > before, timeout=20, what="a heartbeat during the task")

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    state = (
        "import json; from django_tasks_db.models import DBTaskResult as R; "
        f"r = R.objects.get(id={task_id!r}); print(json.dumps([r.status, r.worker_ids]))"
    )
    assert db.python(state) == ["RUNNING", ["first"]]
    # Let TASK_STALE_AFTER pass for the dead worker without waiting for it: its last
    # heartbeat and the task's start move an hour into the past.
    db.python(
        "from datetime import timedelta; from django.utils import timezone; "
        "from layanan.core.models import WorkerHeartbeat as H; "
        "from django_tasks_db.models import DBTaskResult as R; "
        "past = timezone.now() - timedelta(hours=1); "
        "H.objects.filter(worker_id='first').update(seen_at=past); "
        f"R.objects.filter(id={task_id!r}).update(started_at=past); print(1)"
    )

    second = db.manage(*worker_args, "--batch", "--worker-id", "second", timeout=120)

    assert second.returncode == 0, second.stdout + second.stderr
    assert _lines(marker) == ["start 1", "start 2", "done 2"]
    assert db.python(state) == ["SUCCESSFUL", ["first", "second"]]
    # The second worker stopped cleanly and removed its heartbeat; the dead one's stays, stale.
    heartbeats = (
        "import json; from layanan.core.models import WorkerHeartbeat as H; "
        "print(json.dumps(sorted(H.objects.values_list('worker_id', flat=True))))"
    )
    assert db.python(heartbeats) == ["first"]


def test_sigterm_stops_an_idle_worker_cleanly(process_database: ProcessDatabase, tmp_path: Path) -> None:
    db = process_database
    log = tmp_path / "worker.log"
    worker = db.start("worker", "--no-startup-delay", "--interval", "0.2", "--worker-id", "calm", log=log)
    try:
        _wait_for(lambda: "Starting worker" in log.read_text(), timeout=60, what="the worker to start")
        count = (
            "from layanan.core.models import WorkerHeartbeat as H; "
            "print(H.objects.filter(worker_id='calm').count())"
        )
        _wait_for(lambda: db.python(count) == 1, timeout=20, what="the heartbeat")

        worker.send_signal(signal.SIGTERM)
        returncode = worker.wait(timeout=30)
    finally:
        _stop(worker)

    assert returncode == 0, log.read_text()
    assert db.python(count) == 0


def _task_state(db: ProcessDatabase, task_id: str) -> list[Any]:
    return db.python(
        "import json; from django_tasks_db.models import DBTaskResult as R; "
        f"r = R.objects.get(id={task_id!r}); print(json.dumps([r.status, r.worker_ids]))"
    )


def _enqueue_record_run(db: ProcessDatabase, marker: Path, seconds: float) -> str:
    return db.python(
        "import json; from layanan.core.tests.sample_tasks import record_run; "
        f"print(json.dumps(str(record_run.enqueue({str(marker)!r}, {seconds}).id)))"
    )


def test_sigterm_during_a_task_lets_it_finish_before_the_worker_exits(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    db = process_database
    marker = tmp_path / "runs.log"
    task_id = _enqueue_record_run(db, marker, 2)
    log = tmp_path / "worker.log"
    worker = db.start(
        "worker", "--no-startup-delay", "--interval", "0.1", "--no-schedule", "--worker-id", "w", log=log
    )
    try:
        _wait_for(lambda: _lines(marker) == ["start 1"], timeout=60, what="the task to start")
        worker.send_signal(signal.SIGTERM)
        returncode = worker.wait(timeout=60)
    finally:
        _stop(worker)

    assert returncode == 0, log.read_text()
    assert _lines(marker) == ["start 1", "done 1"]
    assert _task_state(db, task_id) == ["SUCCESSFUL", ["w"]]


def test_a_second_sigterm_stops_at_once_and_puts_the_task_back_in_the_queue(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    db = process_database
    marker = tmp_path / "runs.log"
    task_id = _enqueue_record_run(db, marker, 120)
    log = tmp_path / "worker.log"
    worker = db.start(
        "worker", "--no-startup-delay", "--interval", "0.1", "--no-schedule", "--worker-id", "w", log=log
    )
    try:
        _wait_for(lambda: _lines(marker) == ["start 1"], timeout=60, what="the task to start")
        worker.send_signal(signal.SIGTERM)
        _wait_for(
            lambda: "finishing the task in hand" in log.read_text(), timeout=20, what="the first signal"
        )
        worker.send_signal(signal.SIGTERM)
        returncode = worker.wait(timeout=30)
    finally:
        _stop(worker)

    assert returncode == 1, log.read_text()
    assert _lines(marker) == ["start 1"]
    assert _task_state(db, task_id) == ["READY", ["w"]]
