"""The coordinating administrator verifies: accept (and dispose), postpone, not ours, archive.

SP4N-LAPOR! calls the steps *Verifikasi / Tunda / Bukan Wewenang / Arsipkan*
(≤ 3 working days; postponing stops the verify clock).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.complaints import routing
from layanan.complaints.models import Report, Status, Support
from layanan.complaints.services.common import clean_text
from layanan.complaints.services.disposition import report_dispose
from layanan.complaints.workflow import OPEN_STATUSES, WORKFLOW, ReportError


def _routed_office(report: Report) -> Office:
    """The office of the routing rules for the report's category and desa (else the category's)."""
    return routing.route(category=report.category, region=report.region)


def report_verify(
    *, report: Report, actor: User, expected_version: int, office: Office | None = None, instruction: str = ""
) -> Report:
    """Verify and dispose in one go: to ``office`` when the verifier overrides, else the routed office."""
    fresh = WORKFLOW.fresh(report)
    if fresh.status not in (Status.RECEIVED, Status.POSTPONED):
        WORKFLOW.transition_for(actor, fresh, "verify")  # refuses with the right message
    chosen = office or _routed_office(fresh)
    disposed = report_dispose(
        report=report,
        actor=actor,
        expected_version=expected_version,
        offices=[chosen],
        instruction=instruction,
    )
    WORKFLOW.sync(report, disposed)
    return disposed


def report_postpone(*, report: Report, actor: User, expected_version: int, reason: str) -> Report:
    reason = clean_text(reason, empty=_("Tuliskan alasan penundaan."))
    return WORKFLOW.step(
        report,
        "postpone",
        actor,
        expected_version,
        message=_("Laporan ditunda: %(reason)s") % {"reason": reason},
        changes={"status_reason": reason},
        notify="postponed",
    )


def report_not_authority(
    *, report: Report, actor: User, expected_version: int, reason: str, redirect_to: str
) -> Report:
    reason = clean_text(reason, empty=_("Tuliskan alasan bukan kewenangan."))
    redirect = clean_text(redirect_to, empty=_("Tuliskan ke mana pelapor sebaiknya melapor."), limit=240)
    return WORKFLOW.step(
        report,
        "not_authority",
        actor,
        expected_version,
        message=_("Bukan kewenangan Pemerintah Kabupaten: %(reason)s Sebaiknya ke: %(to)s")
        % {"reason": reason, "to": redirect},
        changes=lambda fresh, now: {"status_reason": reason, "redirect_to": redirect, "closed_at": now},
        notify="not_authority",
    )


def report_archive(
    *, report: Report, actor: User, expected_version: int, reason: str, duplicate_of: Report | None = None
) -> Report:
    """Archive as spam, or as a duplicate of ``duplicate_of`` (its supporters and reporter move there)."""
    reason = clean_text(reason, empty=_("Tuliskan alasan pengarsipan."))
    original: Report | None = None
    if duplicate_of is not None:
        original = WORKFLOW.fresh(duplicate_of)
        while original.duplicate_of_id is not None:  # always point at the first report
            original = Report.objects.select_related("category", "region").get(pk=original.duplicate_of_id)
        if original.pk == report.pk:
            raise ReportError(_("Laporan tidak dapat menjadi duplikat dirinya sendiri."))
        if original.status not in OPEN_STATUSES:
            raise ReportError(_("Laporan asli sudah tidak terbuka; arsipkan tanpa menandai duplikat."))

    def move_supporters(fresh: Report, now: datetime) -> None:
        if original is None:
            return
        users = set(Support.objects.filter(report=fresh).values_list("user_id", flat=True))
        if fresh.reporter_id is not None:
            users.add(fresh.reporter_id)
        users.discard(original.reporter_id)
        already = set(
            Support.objects.filter(report=original, user_id__in=users).values_list("user_id", flat=True)
        )
        Support.objects.bulk_create(
            [Support(report=original, user_id=uid) for uid in sorted(users - already)]
        )
        Support.objects.filter(report=fresh).delete()

    message = (
        _("Laporan diarsipkan sebagai duplikat dari %(tracking)s: %(reason)s")
        % {"tracking": original.tracking_number, "reason": reason}
        if original is not None
        else _("Laporan diarsipkan: %(reason)s") % {"reason": reason}
    )
    return WORKFLOW.step(
        report,
        "archive",
        actor,
        expected_version,
        message=message,
        changes=lambda fresh, now: {
            "status_reason": reason,
            "duplicate_of_id": original.pk if original is not None else None,
            "closed_at": now,
        },
        after=move_supporters,
        notify="archived",
        details={"duplicate": original is not None},
    )
