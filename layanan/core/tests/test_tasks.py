"""Housekeeping of the task queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layanan.core.tasks import task_results_prune
from layanan.core.tests import sample_tasks


def finished(status: str, *, days_ago: float) -> str:
    result = sample_tasks.add.enqueue(1, 1)
    DBTaskResult.objects.filter(id=result.id).update(
        status=status, finished_at=timezone.now() - timedelta(days=days_ago)
    )
    return str(result.id)


@pytest.mark.django_db
def test_it_deletes_old_finished_results_and_keeps_the_rest(settings: Any) -> None:
    settings.TASK_RESULT_RETENTION_DAYS = 14
    old_success = finished(TaskResultStatus.SUCCESSFUL, days_ago=15)
    recent_success = finished(TaskResultStatus.SUCCESSFUL, days_ago=13)
    failed_a_while_ago = finished(TaskResultStatus.FAILED, days_ago=30)
    failed_long_ago = finished(TaskResultStatus.FAILED, days_ago=85)
    waiting = str(sample_tasks.add.enqueue(2, 2).id)

    assert task_results_prune.call() == 2
    assert task_results_prune.call() == 0

    left = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert left == {recent_success, failed_a_while_ago, waiting}
    assert old_success not in left
    assert failed_long_ago not in left
