"""Background work of the summary tables. Tasks take ids, re-read and are safe to run twice.

**One refresh per item per window.** The signals queue at most one
:func:`monitoring_item_refresh` per item and transaction (:mod:`layanan.monitoring.signals`).
When the worker is behind, several refreshes of one item wait in the queue: the first one
to run takes note of the others already queued (their changes committed before it began
reading, so its refresh sees them) and, once its refresh is done, marks them finished
without running them. The window is the time they waited; an idle worker coalesces
nothing and refreshes at once.

**One batch for a burst.** Refreshing an item recomputes its days, and then its month and
year, which costs far more than the day. So a refresh also takes the other first-try refreshes
of the same kind waiting in the queue (up to :data:`BATCH_ITEMS` items, oldest first) and
refreshes them all in one :func:`~layanan.monitoring.services.items_refresh`: each touched day
once, then each touched month and year once for the whole batch. They are marked finished
like the item's own twins, after the batch; an idle worker finds nothing to take.

**Nothing lost.** The queued refreshes are marked finished only after the refresh (the batch) has
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
# The most items one refresh takes from the queue: a burst of submissions is refreshed in
# batches of this many (each day, month and year recomputed once per batch, not once per item).
BATCH_ITEMS = 500


def _queued_twins(kind: str, item_id: int) -> list[str]:
    """The ids of the refreshes of this item waiting in the queue now (committed, due)."""
    if not isinstance(monitoring_item_refresh.get_backend(), DatabaseBackend):
        return []
    twins = DBTaskResult.objects.ready().filter(
        task_path=monitoring_item_refresh.module_path, args_kwargs__args=[kind, item_id]
    )
    return [str(pk) for pk in twins.values_list("pk", flat=True)[:1000]]


def _queued_batch(kind: str, item_id: int) -> tuple[list[int], list[str]]:
    """(the items to refresh together, the queued refreshes they cover), this item first.

    The refreshes of items of the same kind waiting in the queue now (committed, due), oldest
    first, up to :data:`BATCH_ITEMS` items; retries are left to run alone (an item that keeps
    failing must not fail the batches of the others), and so are the refreshes beyond the bound.
    """
    items = [item_id]
    if not isinstance(monitoring_item_refresh.get_backend(), DatabaseBackend):
        return items, []
    queued = (
        DBTaskResult.objects.ready()
        .filter(task_path=monitoring_item_refresh.module_path, args_kwargs__args__0=kind)
        .order_by("enqueued_at")
        .values_list("pk", "args_kwargs")[: BATCH_ITEMS * 4]
    )
    chosen = {item_id}
    covered: list[str] = []
    for pk, args_kwargs in queued:
        args, kwargs = args_kwargs.get("args", []), args_kwargs.get("kwargs", {})
        if len(args) != 2 or not isinstance(args[1], int) or kwargs.get("attempt"):
            continue
        other = args[1]
        if other not in chosen:
            if len(chosen) >= BATCH_ITEMS:
                continue
            chosen.add(other)
            items.append(other)
        covered.append(str(pk))
    return items, covered


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

    Refreshes of the same item already queued are covered by this one, and so are those of
    other items of the same kind queued now, refreshed together in one batch (module docstring).
    A retry (``attempt`` > 0) refreshes its own item alone.
    """
    if attempt:
        items, covered = [item_id], _queued_twins(kind, item_id)
    else:
        items, covered = _queued_batch(kind, item_id)
    try:
        days = services.items_refresh(kind=kind, ids=items)
    except Exception:
        if _retry_later(kind, item_id, attempt):
            logger.warning("monitoring refresh of a %s failed (attempt %d): retried later", kind, attempt + 1)
        else:
            logger.error(
                "monitoring refresh of a %s failed %d times: left to the reconciliation", kind, attempt + 1
            )
        raise
    finished = _finish_twins(covered)
    if finished:
        logger.debug(
            "monitoring refresh of %d %s items covered %d queued refreshes", len(items), kind, finished
        )
    return days


@task()
def monitoring_reconcile() -> int:
    """Rebuild the recent days and the open items from the raw rows (periodic); return the days."""
    days = services.facts_reconcile()
    logger.info("monitoring summaries reconciled for the last %d days", days)
    return days
