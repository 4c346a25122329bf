"""Background work of the open data: the periodic refresh of every data set's published copy."""

from __future__ import annotations

from django.tasks import task

from layanan.opendata.services import snapshots_refresh


@task()
def opendata_refresh() -> list[str]:
    """Rebuild every data set's copy from the summary tables (``core/schedule.py``: every 6 hours).

    Safe to run twice and to die half-way: each copy is replaced in one transaction.
    """
    return snapshots_refresh()
