"""Who reported: only the coordinating administrator sees it, audited each time."""

from __future__ import annotations

from django.db import transaction

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.complaints.models import Report
from layanan.complaints.workflow import WORKFLOW


def reporter_identity_view(*, report: Report, actor: User) -> User | None:
    """Who reported (the coordinating administrator only; audited each time; None for anonymous)."""
    require(actor, "report.verify", report)
    with transaction.atomic():
        fresh = Report.objects.select_related("reporter", "category").get(pk=report.pk)
        WORKFLOW.audit(fresh, actor=actor, action="identity_view", anonymous=fresh.anonymous)
    if fresh.anonymous:
        return None
    return fresh.reporter
