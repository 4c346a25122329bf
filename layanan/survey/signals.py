"""Invite to the survey when a case is finished, without touching the applications or complaints apps.

Both apps change status with a conditional ``UPDATE`` (no ``post_save`` on the
case itself) and write one timeline row per change with ``to_status``: a new
``TimelineEvent`` to *completed* or ``ReportEvent`` to *answered* (from another status) is
the signal. The invitation is made after the commit (a rolled-back completion
invites nobody), and robustly: a failure here is logged and never undoes the
officer's work; the hourly ``survey_invitations_backfill`` task catches up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save

from layanan.accounts.models import User
from layanan.applications.models import Application, TimelineEvent
from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Report, ReportEvent
from layanan.complaints.models import Status as ReportStatus
from layanan.survey.services import invitation_for_application, invitation_for_report

# People not to invite (the privacy app registers "withdrew consent to the SKM"): each entry returns
# a queryset of users, used as ``__in`` by the signal here and by the backfill task.
INVITE_WITHHELD: list[Callable[[], QuerySet[User]]] = []


def invite_withheld_register(check: Callable[[], QuerySet[User]]) -> None:
    if check not in INVITE_WITHHELD:
        INVITE_WITHHELD.append(check)


def may_invite(user_id: int | None) -> bool:
    return user_id is not None and not any(check().filter(pk=user_id).exists() for check in INVITE_WITHHELD)


def _invite_application(application_id: int) -> None:
    if may_invite(
        Application.objects.filter(pk=application_id).values_list("applicant_id", flat=True).first()
    ):
        invitation_for_application(application_id=application_id)


def _invite_report(report_id: int) -> None:
    if may_invite(Report.objects.filter(pk=report_id).values_list("reporter_id", flat=True).first()):
        invitation_for_report(report_id=report_id)


def _application_event_saved(sender: type, instance: TimelineEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.to_status == ApplicationStatus.COMPLETED != instance.from_status:
        transaction.on_commit(partial(_invite_application, instance.application_id), robust=True)


def _report_event_saved(sender: type, instance: ReportEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.to_status == ReportStatus.ANSWERED != instance.from_status:
        transaction.on_commit(partial(_invite_report, instance.report_id), robust=True)


def connect() -> None:
    post_save.connect(
        _application_event_saved, sender=TimelineEvent, dispatch_uid="survey.application_completed"
    )
    post_save.connect(_report_event_saved, sender=ReportEvent, dispatch_uid="survey.report_answered")
