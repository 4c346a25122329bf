"""Who reported: only the coordinating administrator sees it, audited each time."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.complaints.models import Report
from layanan.complaints.workflow import WORKFLOW, ReportError


def reporter_identity_view(*, report: Report, actor: User) -> User | None:
    """Who reported (the coordinating administrator only; audited each time).

    An anonymous report has no identity to open: refused with a plain message, nothing
    read and nothing audited. None when the report came without an account.
    """
    require(actor, "report.verify", report)
    with transaction.atomic():
        fresh = Report.objects.select_related("reporter", "category").get(pk=report.pk)
        if fresh.anonymous:
            raise ReportError(_("Laporan ini anonim: identitas pelapor tidak dapat dibuka oleh siapa pun."))
        WORKFLOW.audit(fresh, actor=actor, action="identity_view", anonymous=False)
    return fresh.reporter


def report_voice_play(*, report: Report, actor: User) -> None:
    """Audit that ``actor`` (staff working the report) played its voice note: a voice names its speaker."""
    with transaction.atomic():
        WORKFLOW.audit(report, actor=actor, action="voice_play")
