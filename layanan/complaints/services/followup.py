"""The handling offices follow the report up (≤ 5 working days): start, note, answer.

The report is *answered* when every active disposition has answered; the
answer starts the close clock (``close_due_at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.calendars.selectors import add_working_days
from layanan.complaints.models import Disposition, Report, Status
from layanan.complaints.services.common import TEXT_MAX, clean_photos, clean_text, deadline_days, save_photos
from layanan.complaints.workflow import WORKFLOW


def report_start(*, report: Report, actor: User, expected_version: int) -> Report:
    """An office with an active disposition starts the follow-up."""
    return WORKFLOW.step(
        report,
        "start",
        actor,
        expected_version,
        message=_("%(office)s mulai menindaklanjuti laporan.") % {"office": _office_name(actor)},
        notify="in_progress",
    )


def _office_name(actor: User) -> str:
    office = actor.office
    return office.name if office is not None else ""


def report_note(*, report: Report, actor: User, text: str) -> None:
    """An internal note of the coordinator or a handling office; never shown to the reporter."""
    text = clean_text(text, empty=_("Catatan tidak boleh kosong."))
    WORKFLOW.record(report, "note", actor, text, internal=True)


def report_answer(
    *, report: Report, actor: User, expected_version: int, answer: str, evidence: Sequence[UploadedFile] = ()
) -> Report:
    """The public answer of a handling office (with evidence photos of the fix).

    The report is *answered* when every active disposition has answered; until then it
    stays in progress and the answers add up, each under its office's name.
    """
    answer = clean_text(answer, empty=_("Tuliskan jawaban untuk pelapor."), limit=TEXT_MAX)
    clean_evidence = clean_photos(evidence)
    office = actor.office

    def mark(fresh: Report, now: datetime) -> bool:
        mine = Disposition.objects.filter(report=fresh, is_active=True, office_id=actor.office_id or 0)
        mine.update(answered_at=now)
        return not Disposition.objects.filter(report=fresh, is_active=True, answered_at__isnull=True).exists()

    def changes(fresh: Report, now: datetime) -> dict[str, Any]:
        several = Disposition.objects.filter(report=fresh, is_active=True).count() > 1
        text = f"{office.name}: {answer}" if several and office is not None else answer
        if several and fresh.public_answer:
            text = f"{fresh.public_answer}\n\n{text}"
        values: dict[str, Any] = {"public_answer": text}
        if not Disposition.objects.filter(report=fresh, is_active=True, answered_at__isnull=True).exists():
            values["answered_at"] = now
            values["close_due_at"] = add_working_days(now, deadline_days(fresh.kind, "close"))
        return values

    def save_evidence(fresh: Report, now: datetime) -> None:
        save_photos(fresh, clean_evidence, by=actor, evidence=True)

    return WORKFLOW.step(
        report,
        "answer",
        actor,
        expected_version,
        message=_("%(office)s menjawab: %(answer)s") % {"office": _office_name(actor), "answer": answer},
        before=mark,
        changes=changes,
        after=save_evidence,
        notify=lambda fresh: "answered" if fresh.status == Status.ANSWERED else None,
        details={"office": office.code if office is not None else "", "evidence": len(clean_evidence)},
    )
