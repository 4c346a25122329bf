"""After the answer: the reporter confirms, rates or reopens; the clock closes it without reply.

The auto-close task closes an answered report ``close`` working days after
the answer if the reporter did not reply; the reporter may reopen it (once)
until then, also after confirming.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.calendars.selectors import add_working_days
from layanan.complaints.models import Disposition, Report
from layanan.complaints.services.common import REASON_MAX, clean_text, deadline_days
from layanan.complaints.workflow import WORKFLOW, TransitionNotAllowed


def report_confirm(*, report: Report, actor: User) -> Report:
    """The reporter accepts the answer: the report is closed."""
    return WORKFLOW.step(
        report,
        "confirm",
        actor,
        None,
        message=_("Pelapor mengonfirmasi jawaban; laporan selesai."),
        changes=lambda fresh, now: {"closed_at": now},
        notify="closed",
    )


def report_rate(*, report: Report, actor: User, satisfied: bool, comment: str = "") -> Report:
    """The reporter rates the answer; "not satisfied" may be followed by :func:`report_reopen`."""
    comment = (comment or "").strip()[:REASON_MAX]
    return WORKFLOW.step(
        report,
        "rate",
        actor,
        None,
        message=_("Pelapor puas dengan jawaban.") if satisfied else _("Pelapor belum puas dengan jawaban."),
        changes={"satisfied": satisfied, "rating_comment": comment},
        details={"satisfied": satisfied},
    )


def reopen_deadline(report: Report) -> datetime | None:
    """Until when the reporter may reopen: ``close`` working days after the answer."""
    if report.answered_at is None:
        return None
    return add_working_days(report.answered_at, deadline_days(report.kind, "close"))


def report_reopen(*, report: Report, actor: User, reason: str) -> Report:
    """The reporter reopens an answered or closed report, once, within the reopen window."""
    reason = clean_text(reason, empty=_("Tuliskan alasan membuka kembali laporan."))

    def check(fresh: Report, now: datetime) -> bool:
        if fresh.reopened_count >= 1:
            raise TransitionNotAllowed(_("Laporan hanya dapat dibuka kembali satu kali."))
        until = reopen_deadline(fresh)
        if until is None or now > until:
            raise TransitionNotAllowed(_("Batas waktu untuk membuka kembali laporan ini sudah lewat."))
        due_at = add_working_days(now, deadline_days(fresh.kind, "followup"))
        Disposition.objects.filter(report=fresh, is_active=True).update(answered_at=None, due_at=due_at)
        return True

    return WORKFLOW.step(
        report,
        "reopen",
        actor,
        None,
        message=_("Pelapor membuka kembali laporan: %(reason)s") % {"reason": reason},
        before=check,
        changes=lambda fresh, now: {
            "reopened_count": F("reopened_count") + 1,
            "status_reason": reason,
            "closed_at": None,
            "close_due_at": None,
            "answered_at": None,
            "followup_due_at": add_working_days(now, deadline_days(fresh.kind, "followup")),
            "breach_notified_at": None,
        },
        notify="reopened",
    )


def report_auto_close(*, report: Report) -> Report:
    """Close an answered report whose reporter did not reply by ``close_due_at`` (the system acts)."""

    def due(fresh: Report, now: datetime) -> bool:
        if fresh.close_due_at is None or fresh.close_due_at > now:
            raise TransitionNotAllowed(_("Laporan belum waktunya ditutup otomatis."))
        return True

    return WORKFLOW.step(
        report,
        "auto_close",
        None,
        None,
        message=_("Laporan ditutup tanpa balasan pelapor."),
        before=due,
        changes=lambda fresh, now: {"closed_at": now},
        notify="closed",
    )
