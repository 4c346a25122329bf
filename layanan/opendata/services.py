"""Writes of the open data: rebuild each data set's published copy (:class:`Snapshot`).

A data set is read and written out in full first (its rows, suppressed, as CSV and JSON), then
its copy is replaced in one transaction. A failure while reading or writing out leaves the copy
as it was; a worker dying half-way leaves the old copy, and the next run writes it again. Running
twice writes the same text (only ``updated_at`` moves): safe to repeat.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from layanan.opendata import formats, suppression
from layanan.opendata.models import Snapshot
from layanan.opendata.registry import DataSet, datasets

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 10


def snapshot_refresh(*, dataset: DataSet, now: datetime | None = None) -> Snapshot:
    """Rebuild one data set from its source and replace its published copy."""
    now = now or timezone.now()
    threshold = suppression.min_count()
    rows = suppression.published(dataset, dataset.rows(), threshold=threshold)
    period = formats.covered(dataset, rows)
    meta = formats.metadata(dataset, period=period, updated_at=now, threshold=threshold, row_count=len(rows))
    csv_text = formats.csv_text(dataset, rows)
    json_text = formats.json_text(dataset, rows, meta=meta)
    digest = hashlib.sha256(f"{csv_text}\0{json_text}".encode()).hexdigest()
    with transaction.atomic():
        snapshot, _created = Snapshot.objects.update_or_create(
            slug=dataset.slug,
            defaults={
                "csv": csv_text,
                "json": json_text,
                "preview": formats.json_rows(dataset, rows[:PREVIEW_ROWS]),
                "row_count": len(rows),
                "period_start": period[0],
                "period_end": period[1],
                "min_count": threshold,
                "digest": digest,
                "updated_at": now,
            },
        )
    return snapshot


def snapshots_refresh(*, now: datetime | None = None) -> list[str]:
    """Rebuild every data set, each in its own transaction; the slugs rebuilt.

    One data set failing does not stop the others; the first failure is raised at the end, so the
    task is recorded as failed (and its copy stays as it was).
    """
    done: list[str] = []
    failure: Exception | None = None
    for dataset in datasets():
        try:
            snapshot_refresh(dataset=dataset, now=now)
        except Exception as error:  # raised below, after the other data sets
            logger.exception("opendata: data set %s not refreshed", dataset.slug)
            failure = failure or error
        else:
            done.append(dataset.slug)
    if failure is not None:
        raise failure
    return done
