"""The task worker: django_tasks_db's worker plus heartbeats, recovery and the schedule.

``manage.py worker`` runs :class:`Worker`. On top of claiming and running
tasks as ``db_worker`` does, it

- writes a :class:`~layanan.core.models.WorkerHeartbeat` row at start and then
  every WORKER_HEARTBEAT_SECONDS from a background thread, so a long task does
  not make its worker look dead;
- every little while hands back the tasks that a dead worker left RUNNING
  (:func:`tasks_recover_stale`): a task whose last worker has not been seen for
  TASK_STALE_AFTER seconds goes back to READY and runs again, unless it has
  been tried TASK_MAX_ATTEMPTS times, when it is marked FAILED with
  :class:`WorkerLostError`. Tasks must therefore be safe to run twice (they
  take ids and re-read the database);
- enqueues the periodic tasks of :mod:`layanan.core.schedule` when due.

SIGINT/SIGTERM stop it cleanly: it finishes the task in hand, deletes its
heartbeat and exits. A second signal stops at once and puts the task in hand
back to READY. Only run ``manage.py worker`` against this database: a plain
``db_worker`` writes no heartbeat, and its long tasks would be taken for lost.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Case, F, Max, Min, When
from django.db.models.functions import Greatest
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from layanan.core.logging import request_id_bound
from layanan.core.metrics import task_observe
from layanan.core.models import WorkerHeartbeat
from layanan.core.schedule import schedule_enqueue_due
from layanan.core.tasks import task_request_id

logger = logging.getLogger(__name__)

SCHEDULE_EVERY_SECONDS = 5.0
# Heartbeat rows of workers gone this long are deleted (their tasks were recovered long before).
HEARTBEAT_RETENTION = timedelta(days=7)


class WorkerLostError(Exception):
    """Recorded on a task that was abandoned by dying workers TASK_MAX_ATTEMPTS times."""


class ForcedStopError(BaseException):
    """Raised in the main thread by a second stop signal; not an error of the task."""


@dataclass
class RecoveryResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def heartbeat_write(*, worker_id: str, hostname: str, pid: int, started_at: datetime) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": hostname, "pid": pid, "started_at": started_at, "seen_at": now},
        )


def heartbeat_remove(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _lost_message(result: DBTaskResult, attempts: int, max_attempts: int) -> str:
    last = result.worker_ids[-1] if result.worker_ids else "?"
    return (
        f"{WorkerLostError.__module__}.{WorkerLostError.__qualname__}: task {result.id} "
        f"({result.task_path}) was left running by a worker that stopped responding "
        f"(last worker {last}, no heartbeat for {settings.TASK_STALE_AFTER} s) on attempt "
        f"{attempts} of {max_attempts}; TASK_MAX_ATTEMPTS reached, not retried.\n"
    )


def task_recover(result: DBTaskResult, *, now: datetime | None = None) -> str | None:
    """Hand one abandoned task back (READY) or give it up (FAILED); None if someone else was first.

    The update is conditional on the task still being RUNNING with the
    ``started_at`` this caller saw, so of two workers recovering the same task
    one succeeds, and a task that was claimed again meanwhile is left alone.
    """
    now = now or timezone.now()
    attempts = len(result.worker_ids)
    max_attempts = settings.TASK_MAX_ATTEMPTS
    same = DBTaskResult.objects.filter(
        id=result.id, status=TaskResultStatus.RUNNING, started_at=result.started_at
    )
    if attempts >= max_attempts:
        if same.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLostError.__module__}.{WorkerLostError.__qualname__}",
            traceback=_lost_message(result, attempts, max_attempts),
        ):
            task_observe(task=result.task_path, outcome="lost")
            logger.error(
                "task %s (%s) abandoned %d times by dead workers: marked failed",
                result.id,
                result.task_path,
                attempts,
            )
            return "failed"
        return None
    if same.update(status=TaskResultStatus.READY):
        logger.warning(
            "task %s (%s) left running by dead worker %s: back in the queue (attempt %d of %d done)",
            result.id,
            result.task_path,
            result.worker_ids[-1] if result.worker_ids else "?",
            attempts,
            max_attempts,
        )
        return "requeued"
    return None


def tasks_recover_stale(*, backend_name: str | None = None, now: datetime | None = None) -> RecoveryResult:
    """Recover every task left RUNNING by a worker without a recent heartbeat.

    A task qualifies when it started more than TASK_STALE_AFTER seconds ago
    and its last worker has no heartbeat newer than that.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASK_STALE_AFTER)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    if backend_name is not None:
        running = running.filter(backend_name=backend_name)
    outcome = RecoveryResult()
    for result in running.only("id", "task_path", "worker_ids", "started_at", "status"):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        done = task_recover(result, now=now)
        if done == "requeued":
            outcome.requeued.append(str(result.id))
        elif done == "failed":
            outcome.failed.append(str(result.id))
    WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_RETENTION).delete()
    return outcome


def worker_health(*, now: datetime | None = None) -> dict[str, Any]:
    """What ``/healthz`` reports about the workers and the queue.

    ``worker`` is "ok" when some heartbeat is newer than three heartbeat
    intervals, "stale" when there are only older ones, "none" when no worker
    has ever run (or all stopped cleanly).
    """
    now = now or timezone.now()
    window = timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    beats = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))
    latest = beats["latest"]
    if latest is None:
        state = "none"
    elif latest >= now - window:
        state = "ok"
    else:
        state = "stale"
    fresh = WorkerHeartbeat.objects.filter(seen_at__gte=now - window).count()
    ready = DBTaskResult.objects.ready().annotate(
        ready_since=Case(
            When(run_after=get_date_max(), then=F("enqueued_at")),
            default=Greatest("enqueued_at", "run_after"),
        )
    )
    depth = ready.count()
    oldest = ready.aggregate(oldest=Min("ready_since"))["oldest"]
    return {
        "worker": state,
        "workers": fresh,
        "last_heartbeat_age_seconds": None if latest is None else round((now - latest).total_seconds(), 1),
        "queue": {
            "ready": depth,
            "oldest_ready_age_seconds": None
            if oldest is None
            else round(max(0.0, (now - oldest).total_seconds()), 1),
        },
    }


class Worker(DatabaseWorker):
    """django_tasks_db's worker with heartbeats, recovery of lost tasks and the periodic schedule."""

    def __init__(
        self,
        *,
        heartbeat_seconds: float | None = None,
        run_schedule: bool = True,
        background_heartbeat: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.heartbeat_seconds = float(heartbeat_seconds or settings.WORKER_HEARTBEAT_SECONDS)
        self.run_schedule = run_schedule
        self.background_heartbeat = background_heartbeat
        self.hostname = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.started_at = timezone.now()
        self.recover_every = max(1.0, min(60.0, settings.TASK_STALE_AFTER / 4))
        self._stop = threading.Event()
        self._heartbeat_thread: threading.Thread | None = None
        self._next_recovery = 0.0
        self._next_schedule = 0.0

    # Signals -------------------------------------------------------------

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            logger.warning("Received %s again: stopping now.", signal.strsignal(signum))
            self.reset_signals()
            raise ForcedStopError
        if self.running_task:
            logger.warning(
                "Received %s: finishing the task in hand, then stopping (send it again to stop now).",
                signal.strsignal(signum),
            )
        else:
            logger.warning("Received %s: stopping.", signal.strsignal(signum))
        self.running = False
        self._stop.set()

    # Heartbeat -----------------------------------------------------------

    def beat(self) -> None:
        heartbeat_write(
            worker_id=self.worker_id, hostname=self.hostname, pid=self.pid, started_at=self.started_at
        )

    def _heartbeat_loop(self) -> None:
        try:
            while not self._stop.wait(self.heartbeat_seconds):
                try:
                    self.beat()
                except Exception:
                    logger.exception("heartbeat of worker %s not written", self.worker_id)
        finally:
            connections.close_all()  # this thread's connections only

    def _start_heartbeat(self) -> None:
        self.beat()
        if self.background_heartbeat:
            self._heartbeat_thread = threading.Thread(
                target=self._heartbeat_loop, name=f"heartbeat-{self.worker_id}", daemon=True
            )
            self._heartbeat_thread.start()

    def _stop_heartbeat(self) -> None:
        self._stop.set()
        if self._heartbeat_thread is not None:
            self._heartbeat_thread.join(timeout=10)
        try:
            heartbeat_remove(worker_id=self.worker_id)
        except Exception:
            logger.exception("heartbeat of worker %s not removed", self.worker_id)

    # Housekeeping --------------------------------------------------------

    def maintain(self) -> None:
        """Recover lost tasks and enqueue due periodic tasks, each at its own pace.

        A failure here is logged and tried again next time; it never stops the
        worker from running tasks (if the database is down, claiming fails too).
        """
        now = time.monotonic()
        if now >= self._next_recovery:
            self._next_recovery = now + self.recover_every
            try:
                tasks_recover_stale(backend_name=self.backend_name)
            except Exception:
                logger.exception("recovery of lost tasks failed; trying again later")
        if self.run_schedule and now >= self._next_schedule:
            self._next_schedule = now + SCHEDULE_EVERY_SECONDS
            try:
                schedule_enqueue_due()
            except Exception:
                logger.exception("periodic schedule failed; trying again later")

    # The loop ------------------------------------------------------------

    def claim_next(self) -> tuple[DBTaskResult | None, bool]:
        """Claim the next ready task; also say whether the queue could be read at all."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None, False
                raise
        return task_result, True

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s host=%s pid=%d",
            self.worker_id,
            ",".join(self.queue_names),
            self.hostname,
            self.pid,
        )
        if self.startup_delay and self.interval:
            self._stop.wait(random.random())  # noqa: S311  # nosec B311  # spread a herd of workers started together
        self._start_heartbeat()
        try:
            while self.running:
                close_old_connections()
                self.maintain()
                task_result, read = self.claim_next()
                if task_result is not None:
                    self.run_task(task_result)
                if self.batch and read and task_result is None:
                    logger.info("No more tasks for worker_id=%s: exiting.", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    logger.info("Ran %d tasks on worker_id=%s: exiting.", self._run_tasks, self.worker_id)
                    return
                close_old_connections()
                if self.running and task_result is None:
                    self._stop.wait(self.interval)
        except ForcedStopError:
            logger.warning("Worker %s stopped at once.", self.worker_id)
            raise
        finally:
            self._stop_heartbeat()
            logger.info("Worker %s stopped.", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run a claimed task and record its outcome; on a forced stop, put it back in the queue.

        While it runs, the id of the request that enqueued it (if any) is the current request id,
        so its log lines, and the tasks it enqueues, carry it.
        """
        with request_id_bound(task_request_id(db_task_result)):
            self._run_task(db_task_result)

    def _run_task(self, db_task_result: DBTaskResult) -> None:
        outcome = "failed"
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                return_value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                return_value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(return_value)
            outcome = "successful"
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except ForcedStopError:
            try:
                released = DBTaskResult.objects.filter(
                    id=db_task_result.id,
                    status=TaskResultStatus.RUNNING,
                    started_at=db_task_result.started_at,
                ).update(status=TaskResultStatus.READY)
            except Exception:
                logger.exception("task %s not put back in the queue; recovery will", db_task_result.id)
            else:
                if released:
                    logger.warning("task %s put back in the queue on a forced stop", db_task_result.id)
            outcome = ""
            raise
        except BaseException as exc:
            outcome = "failed"
            db_task_result.set_failed(exc)
            try:
                task_finished.send(
                    sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result
                )
            except Exception:
                logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
        finally:
            self.running_task = False
            self._run_tasks += 1
            if outcome:
                task_observe(task=db_task_result.task_path, outcome=outcome)
