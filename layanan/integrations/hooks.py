"""How the adapters learn of the steps of lower apps, and show what they know on their pages.

applications and complaints never import this app (docs/integrations.md, "How it hooks in"):

- each step writes one timeline row (``ReportEvent``, ``TimelineEvent``) inside its transaction,
  and an issued letter its ``IssuedLetter`` link, with ``post_save`` sent; the receivers here
  open (or wake) the adapter's outbox row in that same transaction, so the hand-off is saved with
  the step or not at all, and queue its send;
- the LAPOR! reference and status show on the report's pages through
  :func:`layanan.complaints.panels.report_panel_register`.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.template.loader import render_to_string

from layanan.accounts.models import User
from layanan.applications.models import IssuedLetter, TimelineEvent
from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Report, ReportEvent, Status
from layanan.complaints.panels import Audience, report_panel_register
from layanan.integrations.models import LaporForward
from layanan.integrations.services.lapor import lapor_forward_open
from layanan.integrations.services.opensid import opensid_letter_ready
from layanan.integrations.services.siak import siak_handoff_open


def _report_event_saved(sender: type, instance: ReportEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.action == "not_authority" and instance.to_status == Status.NOT_AUTHORITY:
        lapor_forward_open(report=instance.report)


def _application_event_saved(sender: type, instance: TimelineEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.action == "process" and instance.to_status == ApplicationStatus.PROCESSING:
        siak_handoff_open(application=instance.application)


def _letter_issued(sender: type, instance: IssuedLetter, created: bool, **kwargs: Any) -> None:
    if created:
        opensid_letter_ready(application=instance.application, document=instance.document)


def lapor_panel(report: Report, actor: User, audience: Audience) -> str:
    """The LAPOR! reference and status, for the reporter and the coordinator of a forwarded report."""
    if report.status != Status.NOT_AUTHORITY or audience not in ("reporter", "coordinator"):
        return ""
    forward = LaporForward.objects.filter(report_id=report.pk).first()
    if forward is None:
        return ""
    return render_to_string(
        "integrations/_lapor_panel.html",
        {"forward": forward, "for_coordinator": audience == "coordinator"},
    )


def register() -> None:
    post_save.connect(_report_event_saved, sender=ReportEvent, dispatch_uid="integrations_lapor_open")
    post_save.connect(_application_event_saved, sender=TimelineEvent, dispatch_uid="integrations_siak_open")
    post_save.connect(_letter_issued, sender=IssuedLetter, dispatch_uid="integrations_opensid_letter")
    report_panel_register(lapor_panel)
