"""Tell the summary tables when an application or a report changed.

Connected in :meth:`MonitoringConfig.ready`. Every step of an application or a
report writes a timeline event (the services update the row with a conditional
``UPDATE``, which sends no ``post_save``), so the events are the signal; a new
report and a submitted application are caught by their own ``post_save``. The
task is enqueued after the commit (nothing is enqueued for a rolled-back change)
and recomputes from the raw rows, so an extra or repeated enqueue is harmless,
and one missed is caught by the periodic reconciliation.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from layanan.applications.models import Application, TimelineEvent
from layanan.complaints.models import Report, ReportEvent
from layanan.monitoring.models import Kind
from layanan.monitoring.tasks import monitoring_item_refresh

logger = logging.getLogger(__name__)


def _enqueue(kind: str, item_id: int | None) -> None:
    if item_id is None:
        return

    def send() -> None:
        try:
            monitoring_item_refresh.enqueue(kind, item_id)
        except Exception:  # the summaries must never break the change itself; reconciliation catches up
            logger.exception("could not enqueue the monitoring refresh of a %s", kind)

    transaction.on_commit(send)


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
