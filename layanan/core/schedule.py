"""Periodic tasks: what runs on a timer, and how often.

Each entry names a task (a ``django.tasks`` task, by dotted path) and its
interval. The worker enqueues a task when it is due; several workers may run
at once, and a due task is enqueued once (a conditional update on the
schedule row decides which worker does it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from layanan.core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    task: str  # dotted path to a function decorated with @task
    every: timedelta


PERIODIC_TASKS: list[Periodic] = [
    Periodic("layanan.audit.tasks.audit_seal", timedelta(minutes=1)),
    Periodic("layanan.audit.tasks.audit_roots_publish", timedelta(hours=1)),
    Periodic("layanan.core.tasks.task_results_prune", timedelta(hours=1)),
    Periodic("layanan.applications.tasks.applications_escalate_breaches", timedelta(minutes=15)),
    Periodic("layanan.complaints.tasks.reports_escalate_breaches", timedelta(minutes=15)),
    Periodic("layanan.complaints.tasks.reports_auto_close", timedelta(hours=1)),
    Periodic("layanan.applications.tasks.applications_practice_purge_due", timedelta(days=1)),
    Periodic("layanan.complaints.tasks.reports_practice_purge_due", timedelta(days=1)),
    Periodic("layanan.complaints.tasks_routing.complaints_routing_train", timedelta(days=1)),
    Periodic("layanan.notifications.tasks.notifications_send_due", timedelta(minutes=1)),
    Periodic("layanan.webhooks.tasks.webhooks_send_due", timedelta(minutes=1)),
    Periodic("layanan.webhooks.tasks.webhooks_prune", timedelta(days=1)),
    # -- notifications periodic --
    Periodic("layanan.monitoring.tasks.monitoring_reconcile", timedelta(hours=1)),
    # -- monitoring periodic --
    Periodic("layanan.opendata.tasks.opendata_refresh", timedelta(hours=6)),
    # -- opendata periodic --
    Periodic("layanan.survey.tasks.survey_invitations_backfill", timedelta(hours=1)),
    # -- survey periodic --
    Periodic("layanan.servicepoints.tasks.announcements_fan_out_due", timedelta(minutes=15)),
    Periodic("layanan.privacy.tasks.privacy_requests_escalate", timedelta(minutes=15)),
    Periodic("layanan.privacy.tasks.privacy_retention_apply", timedelta(days=1)),
    Periodic("layanan.inbound.tasks.inbound_voices_purge", timedelta(minutes=15)),
    Periodic("layanan.offline.tasks.offline_receipts_prune", timedelta(days=1)),
    Periodic("layanan.api.tasks.api_idempotent_answers_prune", timedelta(hours=6)),
    # -- integrations periodic --
    Periodic("layanan.integrations.tasks.lapor_forwards_send_due", timedelta(minutes=5)),
    Periodic("layanan.integrations.tasks.lapor_statuses_sync", timedelta(minutes=15)),
    Periodic("layanan.integrations.tasks.siak_handoffs_send_due", timedelta(minutes=5)),
    Periodic("layanan.integrations.tasks.opensid_letters_push_due", timedelta(minutes=5)),
    Periodic("layanan.integrations.tasks.integrations_seen_signatures_prune", timedelta(hours=1)),
]


class ScheduleError(ImproperlyConfigured):
    """A periodic task path names nothing importable, or something that is not a task."""


def _load_task(path: str) -> Task[Any, Any]:
    """The task at ``path``; :class:`ScheduleError` when there is none (a broken deploy)."""
    try:
        task = import_string(path)
    except ImportError as error:
        raise ScheduleError(f"periodic task {path} cannot be imported: {error}") from error
    if not isinstance(task, Task):
        raise ScheduleError(f"periodic task {path} is not a task (decorate it with @task)")
    return task


def schedule_claim(*, task_path: str, seen_next_run_at: datetime, next_run_at: datetime) -> bool:
    """Move a schedule row from the ``next_run_at`` this caller saw to the next one.

    A conditional update: of several callers that saw the same value, exactly
    one gets True. Call it inside the transaction that enqueues the task.
    """
    return (
        ScheduledRun.objects.filter(task_path=task_path, next_run_at=seen_next_run_at).update(
            next_run_at=next_run_at, last_enqueued_at=timezone.now()
        )
        == 1
    )


def schedule_enqueue_due(
    *, now: datetime | None = None, periodic: Sequence[Periodic] | None = None
) -> list[str]:
    """Enqueue every periodic task that is due; return the paths that this caller enqueued.

    A task never run before is due at once. After a run is enqueued the next
    one is due ``every`` later than now (runs missed while no worker was up
    are not made up). Every path is loaded before anything is enqueued: one
    that cannot be imported, or is not a task, raises :class:`ScheduleError`
    and stops the worker, so a broken deploy shows at once.
    """
    now = now or timezone.now()
    entries = list(PERIODIC_TASKS if periodic is None else periodic)
    rows = {
        row.task_path: row.next_run_at
        for row in ScheduledRun.objects.filter(task_path__in=[entry.task for entry in entries])
    }
    tasks = {entry.task: _load_task(entry.task) for entry in entries}
    enqueued: list[str] = []
    for entry in entries:
        task = tasks[entry.task]
        seen = rows.get(entry.task)
        if seen is None:
            row, _created = ScheduledRun.objects.get_or_create(
                task_path=entry.task, defaults={"next_run_at": now}
            )
            seen = row.next_run_at
        if seen > now:
            continue
        with transaction.atomic():
            if schedule_claim(task_path=entry.task, seen_next_run_at=seen, next_run_at=now + entry.every):
                task.enqueue()
                enqueued.append(entry.task)
                logger.debug("periodic task %s enqueued", entry.task)
    return enqueued
