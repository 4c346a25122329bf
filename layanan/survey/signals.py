"""Invite to the survey when a case is finished, without touching the applications or complaints apps.

Both apps change status with a conditional ``UPDATE`` (no ``post_save`` on the
case itself) and write one timeline row per change with ``to_status``: a new
``TimelineEvent`` to *completed* or ``ReportEvent`` to *answered* (from another status) is
the signal. The invitation is made after the commit (a rolled-back completion
invites nobody), and robustly: a failure here is logged and never undoes the
officer's work; the hourly ``survey_invitations_backfill`` task catches up.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from layanan.applications.models import Status as ApplicationStatus
from layanan.applications.models import TimelineEvent
from layanan.complaints.models import ReportEvent
from layanan.complaints.models import Status as ReportStatus
from layanan.survey.services import invitation_for_application, invitation_for_report


def _application_event_saved(sender: type, instance: TimelineEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.to_status == ApplicationStatus.COMPLETED != instance.from_status:
        transaction.on_commit(
            partial(invitation_for_application, application_id=instance.application_id), robust=True
        )


def _report_event_saved(sender: type, instance: ReportEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.to_status == ReportStatus.ANSWERED != instance.from_status:
        transaction.on_commit(partial(invitation_for_report, report_id=instance.report_id), robust=True)


def connect() -> None:
    post_save.connect(
        _application_event_saved, sender=TimelineEvent, dispatch_uid="survey.application_completed"
    )
    post_save.connect(_report_event_saved, sender=ReportEvent, dispatch_uid="survey.report_answered")
