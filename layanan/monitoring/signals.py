"""Tell the summary tables when an application or a report changed: one refresh per item per transaction.

Connected in :meth:`MonitoringConfig.ready`. Every step of an application or a
report writes a timeline event (the services update the row with a conditional
``UPDATE``, which sends no ``post_save``), so the events are the signal; a new
report and a submitted application are caught by their own ``post_save``.

A transaction that saves a report and its first event (a submit), or several
events of one case, touches one item several times: the signals collect the
``(kind, item id)`` pairs and enqueue :func:`~layanan.monitoring.tasks.monitoring_item_refresh`
once per pair and transaction (:func:`layanan.core.writes.enqueue_with_transaction`).
With the database task backend the task row is written inside the transaction, so it
exists exactly when the change committed (nothing for a rolled-back change, nothing lost
between the commit and the enqueue) and costs no commit of its own; with another backend
it is enqueued after the commit. Refreshes of one item queued by several transactions
collapse when the worker is behind, and a burst of refreshes of many items is refreshed in one
batch (:mod:`layanan.monitoring.tasks`). The task
recomputes from the raw rows, so an extra refresh is harmless, and one missed is caught
by the periodic reconciliation (``monitoring_reconcile``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from layanan.applications.models import Application, TimelineEvent
from layanan.complaints.models import Report, ReportEvent
from layanan.core.writes import enqueue_with_transaction
from layanan.monitoring.models import Kind
from layanan.monitoring.tasks import monitoring_item_refresh


def _enqueue(kind: str, item_id: int | None) -> None:
    if item_id is not None:
        enqueue_with_transaction(
            monitoring_item_refresh, kind, item_id, key=("monitoring.refresh", kind, item_id)
        )


def application_saved(sender: type, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if getattr(instance, "status", "draft") != "draft":
        _enqueue(Kind.APPLICATION, instance.pk)


def timeline_event_saved(sender: type, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:
        _enqueue(Kind.APPLICATION, instance.application_id)


def report_saved(sender: type, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:
        _enqueue(Kind.REPORT, instance.pk)


def report_event_saved(sender: type, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:
        _enqueue(Kind.REPORT, instance.report_id)


def connect() -> None:
    post_save.connect(application_saved, sender=Application, dispatch_uid="monitoring.application")
    post_save.connect(timeline_event_saved, sender=TimelineEvent, dispatch_uid="monitoring.timeline")
    post_save.connect(report_saved, sender=Report, dispatch_uid="monitoring.report")
    post_save.connect(report_event_saved, sender=ReportEvent, dispatch_uid="monitoring.report_event")
