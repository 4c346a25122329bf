"""The periodic schedule: a due task is enqueued once, however many workers look."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layanan.core import schedule
from layanan.core.models import ScheduledRun
from layanan.core.schedule import (
    PERIODIC_TASKS,
    Periodic,
    ScheduleError,
    schedule_claim,
    schedule_enqueue_due,
)
from layanan.core.tests.processes import ProcessDatabase, make_process_database, spawn_shell
from layanan.core.worker import Worker

TICK = "layanan.core.tests.sample_tasks.tick"
EVERY = timedelta(minutes=5)
TICKS = [Periodic(TICK, EVERY)]


@pytest.fixture
def process_database(request: pytest.FixtureRequest, tmp_path: Path) -> ProcessDatabase:
    return make_process_database(request, tmp_path)


def enqueued_ticks() -> int:
    return DBTaskResult.objects.filter(task_path=TICK).count()


def test_every_scheduled_path_names_a_task() -> None:
    for periodic in PERIODIC_TASKS:
        assert isinstance(import_string(periodic.task), Task), periodic.task
        assert periodic.every > timedelta(0)


@pytest.mark.django_db
def test_a_task_never_run_is_due_at_once_and_enqueued_once() -> None:
    now = timezone.now()

    assert schedule_enqueue_due(now=now, periodic=TICKS) == [TICK]

    assert enqueued_ticks() == 1
    run = ScheduledRun.objects.get(task_path=TICK)
    assert run.next_run_at == now + EVERY
    assert run.last_enqueued_at is not None


@pytest.mark.django_db
def test_it_is_not_enqueued_again_before_its_interval_has_passed() -> None:
    now = timezone.now()
    schedule_enqueue_due(now=now, periodic=TICKS)

    assert schedule_enqueue_due(now=now + EVERY - timedelta(seconds=1), periodic=TICKS) == []

    assert enqueued_ticks() == 1


@pytest.mark.django_db
def test_it_is_enqueued_again_once_due_and_missed_runs_are_not_made_up() -> None:
    now = timezone.now()
    schedule_enqueue_due(now=now, periodic=TICKS)
    later = now + 10 * EVERY  # the workers were down for a while

    assert schedule_enqueue_due(now=later, periodic=TICKS) == [TICK]

    assert enqueued_ticks() == 2
    assert ScheduledRun.objects.get(task_path=TICK).next_run_at == later + EVERY


@pytest.mark.django_db
def test_two_schedulers_calling_at_the_same_moment_enqueue_once() -> None:
    now = timezone.now()

    first = schedule_enqueue_due(now=now, periodic=TICKS)
    second = schedule_enqueue_due(now=now, periodic=TICKS)

    assert (first, second) == ([TICK], [])
    assert enqueued_ticks() == 1


@pytest.mark.django_db
def test_of_two_schedulers_that_read_the_same_row_only_one_claims_it() -> None:
    seen = timezone.now() - timedelta(seconds=1)
    ScheduledRun.objects.create(task_path=TICK, next_run_at=seen)
    now = timezone.now()

    claims = [
        schedule_claim(task_path=TICK, seen_next_run_at=seen, next_run_at=now + EVERY) for _ in range(2)
    ]

    assert claims == [True, False]
    assert ScheduledRun.objects.get(task_path=TICK).next_run_at == now + EVERY


@pytest.mark.django_db
def test_a_task_path_that_cannot_be_imported_stops_the_schedule_loudly() -> None:
    periodic = [Periodic(TICK, EVERY), Periodic("layanan.nowhere.tasks.missing", EVERY)]

    with pytest.raises(ScheduleError, match=r"layanan\.nowhere\.tasks\.missing cannot be imported"):
        schedule_enqueue_due(periodic=periodic)

    assert not DBTaskResult.objects.exists()
    assert not ScheduledRun.objects.exists()


@pytest.mark.django_db
def test_a_path_to_something_that_is_not_a_task_stops_the_schedule_loudly() -> None:
    periodic = [Periodic("layanan.core.schedule.schedule_claim", EVERY)]

    with pytest.raises(ScheduleError, match="is not a task"):
        schedule_enqueue_due(periodic=periodic)

    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_the_worker_enqueues_due_periodic_tasks_and_runs_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule, "PERIODIC_TASKS", TICKS)
    monkeypatch.setattr("layanan.core.worker.close_old_connections", lambda: None)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-schedule",
        excluded_queue_names=[],
        background_heartbeat=False,
    )

    worker.run()

    result = DBTaskResult.objects.get(task_path=TICK)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "tick"


SCHEDULER = """
import json, time
from datetime import datetime
from pathlib import Path
from layanan.core.schedule import Periodic, schedule_enqueue_due
from datetime import timedelta
Path({ready!r}).touch()
while not Path({go!r}).exists():
    time.sleep(0.005)
now = datetime.fromisoformat({now!r})
print(json.dumps(schedule_enqueue_due(now=now, periodic=[Periodic({tick!r}, timedelta(minutes=5))])))
"""


def test_schedulers_in_separate_processes_at_the_same_moment_enqueue_a_due_task_once(
    process_database: ProcessDatabase, tmp_path: Path
) -> None:
    now = timezone.now()
    # The row exists and is due, so every process goes straight for the conditional update.
    process_database.python(
        "from datetime import datetime; from layanan.core.models import ScheduledRun; "
        f"ScheduledRun.objects.create(task_path={TICK!r}, "
        f"next_run_at=datetime.fromisoformat({(now - EVERY).isoformat()!r})); print(1)"
    )
    go = tmp_path / "go"
    children = []
    try:
        for number in range(3):
            code = SCHEDULER.format(
                ready=str(tmp_path / f"ready-{number}"), go=str(go), now=now.isoformat(), tick=TICK
            )
            children.append(spawn_shell(code, process_database))
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready-{n}").exists() for n in range(3)):
            assert time.monotonic() < deadline, "the scheduler processes did not start"
            time.sleep(0.05)
        go.touch()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

    assert [child.returncode for child in children] == [0, 0, 0], [err for _, err in outputs]
    claimed = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sorted(claimed) == [[], [], [TICK]]
    assert (
        process_database.python(
            "from django_tasks_db.models import DBTaskResult as R; "
            f"print(R.objects.filter(task_path={TICK!r}).count())"
        )
        == 1
    )
