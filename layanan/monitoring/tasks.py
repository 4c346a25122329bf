"""Background work of the summary tables. Tasks take ids, re-read and are safe to run twice."""

from __future__ import annotations

import logging

from django.tasks import task

from layanan.monitoring import services

logger = logging.getLogger(__name__)


@task()
def monitoring_item_refresh(kind: str, item_id: int) -> int:
    """Recompute the summary days one application or report touched; return how many days."""
    return services.item_refresh(kind=kind, item_id=item_id)


@task()
def monitoring_reconcile() -> int:
    """Rebuild the recent days and the open items from the raw rows (periodic); return the days."""
    days = services.facts_reconcile()
    logger.info("monitoring summaries reconciled for the last %d days", days)
    return days
