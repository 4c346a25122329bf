"""The task backend, and housekeeping tasks of the task queue itself (scheduled in
:mod:`layanan.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from layanan.core.logging import request_id_get
from layanan.core.writes import insert_new

if TYPE_CHECKING:
    from django.tasks import Task

# The key beside "args" and "kwargs" in a task row's ``args_kwargs`` that keeps the id of the
# request (or of the task) that enqueued it. django_tasks_db reads only the other two, so a task's
# arguments, its result and every caller stay as they were.
REQUEST_ID_KEY = "request_id"


class RequestAwareDatabaseBackend(DatabaseBackend):
    """django_tasks_db's backend that remembers which request enqueued each task.

    Every task enqueued while a request (or a task) is served keeps that
    request's id in its row, in the same INSERT; the worker sets it again while
    running the task (:meth:`layanan.core.worker.Worker.run_task`), so the task's
    log lines carry the id of the request that caused them. No task changes.
    """

    def _task_to_db_task(self, task: Task[Any, Any], args: Any, kwargs: Any) -> DBTaskResult:
        row = self.task_row(task, args, kwargs)
        insert_new(row)  # the INSERT built once per process: a task row is on every hot path
        return row

    def task_row(self, task: Task[Any, Any], args: Any, kwargs: Any) -> DBTaskResult:
        """The row of ``task(*args, **kwargs)``, not saved (``layanan.core.writes.batched`` writes it)."""
        self.validate_task(task)
        current = request_id_get()
        stored: dict[str, Any] = {"args": args, "kwargs": kwargs}
        if current is not None:
            stored[REQUEST_ID_KEY] = current
        row: DBTaskResult = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json(stored),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # As django_tasks_db's pre_save receiver sets it, which a batched row does not pass through.
            run_after=task.run_after if task.run_after is not None else get_date_max(),
            backend_name=self.alias,
        )
        return row


def task_request_id(row: DBTaskResult) -> str | None:
    """The id of the request that enqueued this task, if one did."""
    stored = row.args_kwargs.get(REQUEST_ID_KEY) if isinstance(row.args_kwargs, dict) else None
    return stored if isinstance(stored, str) else None


PRUNE_CHUNK = 2000
FAILED_RETENTION_FACTOR = 6


@task()
def task_results_prune() -> int:
    """Delete finished task results older than TASK_RESULT_RETENTION_DAYS; return how many.

    Successful results go after the retention period, failed ones after six
    times as long, so that there is time to look into them. Deletes in chunks
    to keep each transaction short; safe to run twice or at the same time.
    """
    now = timezone.now()
    keep = timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    rules = [
        (TaskResultStatus.SUCCESSFUL, now - keep),
        (TaskResultStatus.FAILED, now - keep * FAILED_RETENTION_FACTOR),
    ]
    deleted = 0
    for status, before in rules:
        while True:
            ids = list(
                DBTaskResult.objects.filter(status=status, finished_at__lt=before).values_list(
                    "id", flat=True
                )[:PRUNE_CHUNK]
            )
            if not ids:
                break
            count, _per_model = DBTaskResult.objects.filter(id__in=ids).delete()
            deleted += count
    return deleted
