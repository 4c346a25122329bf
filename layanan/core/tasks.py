"""Housekeeping tasks of the task queue itself (scheduled in :mod:`layanan.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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
