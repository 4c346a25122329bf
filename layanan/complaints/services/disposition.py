"""Disposing a report to the offices that must act, and moving a disposition to another office.

On disposition each office gets ``due_at = add_working_days(now, followup)``
(or ``due_in_days``) and ``followup_due_at`` is the earliest of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.calendars.selectors import add_working_days
from layanan.complaints.models import Disposition, Report, Status
from layanan.complaints.services.common import REASON_MAX, clean_text, deadline_days
from layanan.complaints.workflow import HANDLING_STATUSES, WORKFLOW, ReportError


def _active_offices(offices: Sequence[Office]) -> list[Office]:
    chosen: list[Office] = []
    for office in offices:
        if not office.is_active:
            raise ReportError(_("Instansi %(office)s tidak aktif.") % {"office": office.name})
        if office.pk not in {o.pk for o in chosen}:
            chosen.append(office)
    if not chosen:
        raise ReportError(_("Pilih paling sedikit satu instansi tujuan."))
    return chosen


def report_dispose(
    *,
    report: Report,
    actor: User,
    expected_version: int,
    offices: list[Office],
    instruction: str,
    due_in_days: int | None = None,
) -> Report:
    """Forward a report to one or more offices, each with the follow-up deadline.

    A report still waiting for verification is verified first, in the same transaction.
    """
    chosen = _active_offices(offices)
    if report.status in (Status.RECEIVED, Status.POSTPONED):
        with transaction.atomic():
            verified = WORKFLOW.step(
                report,
                "verify",
                actor,
                expected_version,
                message=_("Laporan diverifikasi."),
                changes={"status_reason": ""},
                notify="verified",
            )
            disposed = report_dispose(
                report=verified,
                actor=actor,
                expected_version=verified.version,
                offices=chosen,
                instruction=instruction,
                due_in_days=due_in_days,
            )
        WORKFLOW.sync(report, disposed)
        return disposed
    instruction = (instruction or "").strip()[:REASON_MAX]
    if due_in_days is not None and not 1 <= due_in_days <= 60:
        raise ReportError(_("Batas waktu tindak lanjut harus 1 sampai 60 hari kerja."))

    def due(fresh: Report, now: datetime) -> datetime:
        return add_working_days(now, due_in_days or deadline_days(fresh.kind, "followup"))

    def create(fresh: Report, now: datetime) -> None:
        due_at = due(fresh, now)
        already = set(
            Disposition.objects.filter(report=fresh, is_active=True).values_list("office_id", flat=True)
        )
        Disposition.objects.bulk_create(
            [
                Disposition(report=fresh, office=o, instruction=instruction, due_at=due_at, created_by=actor)
                for o in chosen
                if o.pk not in already
            ]
        )

    def changes(fresh: Report, now: datetime) -> dict[str, object]:
        # Offices added later keep the earliest follow-up deadline on the report.
        new_due = due(fresh, now)
        if fresh.status in HANDLING_STATUSES and fresh.followup_due_at is not None:
            return {"followup_due_at": min(fresh.followup_due_at, new_due)}
        return {"followup_due_at": new_due, "breach_notified_at": None}

    return WORKFLOW.step(
        report,
        "dispose",
        actor,
        expected_version,
        message=_("Laporan diteruskan ke %(offices)s.") % {"offices": ", ".join(o.name for o in chosen)},
        changes=changes,
        after=create,
        details={"offices": [o.code for o in chosen]},
    )


def report_redispose(
    *, report: Report, actor: User, expected_version: int, from_office: Office, to_office: Office, reason: str
) -> Report:
    """Move one office's active disposition to another office, which gets a full follow-up period."""
    reason = clean_text(reason, empty=_("Tuliskan alasan pengalihan."))
    _active_offices([to_office])
    new_due: dict[str, datetime] = {}

    def check(fresh: Report, now: datetime) -> bool:
        if actor.role != Role.ADMIN and actor.office_id != from_office.pk:
            raise ReportError(_("Anda hanya dapat mengalihkan disposisi kantor Anda sendiri."))
        active = Disposition.objects.filter(report=fresh, is_active=True)
        if not active.filter(office=from_office).exists():
            raise ReportError(
                _("%(office)s tidak sedang menangani laporan ini.") % {"office": from_office.name}
            )
        if active.filter(office=to_office).exists():
            raise ReportError(_("%(office)s sudah menangani laporan ini.") % {"office": to_office.name})
        new_due["at"] = add_working_days(now, deadline_days(fresh.kind, "followup"))
        active.filter(office=from_office).update(is_active=False)
        Disposition.objects.create(
            report=fresh, office=to_office, instruction=reason, due_at=new_due["at"], created_by=actor
        )
        return True

    def followup(fresh: Report, now: datetime) -> dict[str, Any]:
        earliest = (
            Disposition.objects.filter(report=fresh, is_active=True, answered_at__isnull=True)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        return {"followup_due_at": earliest or new_due["at"], "breach_notified_at": None}

    return WORKFLOW.step(
        report,
        "redispose",
        actor,
        expected_version,
        message=_("Penanganan dialihkan dari %(from)s ke %(to)s: %(reason)s")
        % {"from": from_office.name, "to": to_office.name, "reason": reason},
        before=check,
        changes=followup,
        details={"from_office": from_office.code, "to_office": to_office.code},
    )
