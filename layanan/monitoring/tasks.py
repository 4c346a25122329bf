"""Background work of the summary tables. Tasks take ids, re-read and are safe to run twice.

**One refresh per item per window.** The signals queue at most one
:func:`monitoring_item_refresh` per item and transaction (:mod:`layanan.monitoring.signals`).
When the worker is behind, several refreshes of one item wait in the queue: the first one
to run takes note of the others already queued (their changes committed before it began
reading, so its refresh sees them) and, once its refresh is done, marks them finished
without running them. The window is the time they waited; an idle worker coalesces
nothing and refreshes at once.

**Nothing lost.** The queued refreshes are marked finished only after the refresh has
committed: a worker killed mid-refresh leaves them, and its own task, to run again (the
worker hands a dead worker's task back, ``layanan.core.worker``). A refresh that fails
with an exception enqueues itself again, later (:data:`RETRY_DELAYS`), before the
failure is recorded; after the last retry the hourly ``monitoring_reconcile`` repairs
the item.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layanan.monitoring import services

logger = logging.getLogger(__name__)

# Seconds before each retry of a refresh that failed; after the last one, the reconciliation repairs.
RETRY_DELAYS = (5, 30, 120, 600)
COALESCED = "coalesced"


def _queued_twins(kind: str, item_id: int) -> list[str]:
    """The ids of the refreshes of this item waiting in the queue now (committed, due)."""
    if not isinstance(monitoring_item_refresh.get_backend(), DatabaseBackend):
        return []
    twins = DBTaskResult.objects.ready().filter(
        task_path=monitoring_item_refresh.module_path, args_kwargs__args=[kind, item_id]
    )
    return [str(pk) for pk in twins.values_list("pk", flat=True)[:1000]]


def _finish_twins(ids: list[str]) -> int:
    """Mark the refreshes this one covered as done (only those no worker has claimed meanwhile)."""
    if not ids:
        return 0
    now = timezone.now()
    return DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.READY).update(
        status=TaskResultStatus.SUCCESSFUL, started_at=now, finished_at=now, return_value=COALESCED
    )


def _retry_later(kind: str, item_id: int, attempt: int) -> bool:
    """Enqueue the refresh again after the failure of ``attempt``; False when the retries are spent."""
    if attempt >= len(RETRY_DELAYS):
        return False
    later = monitoring_item_refresh
    if later.get_backend().supports_defer:
        later = later.using(run_after=timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt]))
    with transaction.atomic():
        later.enqueue(kind, item_id, attempt=attempt + 1)
    return True


@task()
def monitoring_item_refresh(kind: str, item_id: int, attempt: int = 0) -> int:
    """Recompute the summary days one application or report touched; return how many days.

    Refreshes of the same item already queued are covered by this one (module docstring).
    """
    twins = _queued_twins(kind, item_id)
    try:
        days = services.item_refresh(kind=kind, item_id=item_id)
    except Exception:
        if _retry_later(kind, item_id, attempt):
            logger.warning("monitoring refresh of a %s failed (attempt %d): retried later", kind, attempt + 1)
        else:
            logger.error(
                "monitoring refresh of a %s failed %d times: left to the reconciliation", kind, attempt + 1
            )
        raise
    covered = _finish_twins(twins)
    if covered:
        logger.debug("monitoring refresh of a %s covered %d queued refreshes", kind, covered)
    return days


@task()
def monitoring_reconcile() -> int:
    """Rebuild the recent days and the open items from the raw rows (periodic); return the days."""
    days = services.facts_reconcile()
    logger.info("monitoring summaries reconciled for the last %d days", days)
    return days
