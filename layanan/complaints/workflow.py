"""The workflow of a report: one table of allowed steps, and who may take each.

``WORKFLOW.table`` maps ``(from_status, action)`` to a :class:`Transition`:
the status it leads to, the *parties* allowed to take it, and a description.
Anything not in the table is refused with :class:`TransitionNotAllowed` and a
plain Indonesian message. The table and the party rules are handed to the one
case engine (:class:`layanan.cases.workflow.Workflow`, :data:`WORKFLOW`), which
takes every step; services in :mod:`layanan.complaints.services` are the only
callers that change state.

Parties:

- ``coordinator``: the verifying (coordinating) administrator, role ``admin``.
  SP4N-LAPOR! calls the steps *Verifikasi / Tunda / Bukan Wewenang / Arsipkan*;
  the coordinator also disposes the report to one or more offices and moves a
  disposition to another office. The coordinator is the only one who may see
  the reporter's identity (``services.reporter_identity_view``, audited).
- ``handler``: an officer or operator of an office with an *active*
  disposition of the report (``report.handle``): starts the follow-up, writes
  notes and the public answer.
- ``reporter``: the person who filed it: confirms the answer (closing it),
  rates it, reopens it once within the reopen window.
- ``system``: the periodic tasks (``actor=None``): the auto-close 10 working
  days after the answer without the reporter's reply.

Two steps have a target that depends on the report (see :func:`target`):
``answer`` leads to ``answered`` when every active disposition has answered
(else the report stays ``in_progress``), and ``redispose`` keeps the status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can
from layanan.cases.workflow import CaseError, ConcurrentChange, Transition, TransitionNotAllowed, Workflow
from layanan.complaints.models import Report, ReportEvent, Status

__all__ = [
    "HANDLING_STATUSES",
    "OPEN_STATUSES",
    "WORKFLOW",
    "ConcurrentChange",
    "Party",
    "ReportError",
    "TransitionNotAllowed",
]

# A refusal of a report step, with a plain message for people: the engine's error.
ReportError = CaseError


class Party(StrEnum):
    COORDINATOR = "coordinator"
    HANDLER = "handler"
    REPORTER = "reporter"
    SYSTEM = "system"


_C = frozenset({Party.COORDINATOR})
_H = frozenset({Party.HANDLER})
_R = frozenset({Party.REPORTER})
_SYS = frozenset({Party.SYSTEM})
_STAFF = frozenset({Party.COORDINATOR, Party.HANDLER})

S = Status

# Statuses in which the report is still being worked on (the clock runs, escalation looks).
OPEN_STATUSES: frozenset[Status] = frozenset(
    {S.RECEIVED, S.POSTPONED, S.VERIFIED, S.DISPOSED, S.IN_PROGRESS, S.ANSWERED}
)
# Statuses in which offices handle it (a disposition is active).
HANDLING_STATUSES: frozenset[Status] = frozenset({S.DISPOSED, S.IN_PROGRESS})

_ROWS: list[Transition] = [
    # The coordinating administrator verifies (≤ 3 working days).
    Transition(S.RECEIVED, "verify", S.VERIFIED, _C, "Accept the report as a real matter for the regency."),
    Transition(S.POSTPONED, "verify", S.VERIFIED, _C, "Accept it once what was missing is known."),
    Transition(S.RECEIVED, "postpone", S.POSTPONED, _C, "Hold it, with a reason (the verify clock stops)."),
    Transition(S.RECEIVED, "not_authority", S.NOT_AUTHORITY, _C, "Not ours: say where to go instead."),
    Transition(S.POSTPONED, "not_authority", S.NOT_AUTHORITY, _C, "Not ours: say where to go instead."),
    Transition(S.RECEIVED, "archive", S.ARCHIVED, _C, "Spam, or a duplicate of another report."),
    Transition(S.POSTPONED, "archive", S.ARCHIVED, _C, "Spam, or a duplicate of another report."),
    Transition(S.VERIFIED, "archive", S.ARCHIVED, _C, "A duplicate found after verification."),
    # Disposition to the responsible offices.
    Transition(S.VERIFIED, "dispose", S.DISPOSED, _C, "Forward to one or more offices with a deadline."),
    Transition(S.DISPOSED, "dispose", S.DISPOSED, _C, "Add more offices to a report already forwarded."),
    Transition(
        S.IN_PROGRESS, "dispose", S.IN_PROGRESS, _C, "Add more offices to a report already forwarded."
    ),
    # A handling office may hand its own disposition on (the service checks it is its own).
    Transition(
        S.DISPOSED, "redispose", S.DISPOSED, _STAFF, "Move a disposition to another office, with reason."
    ),
    Transition(
        S.IN_PROGRESS,
        "redispose",
        S.IN_PROGRESS,
        _STAFF,
        "Move a disposition to another office, with reason.",
    ),
    # The offices follow it up (≤ 5 working days).
    Transition(S.DISPOSED, "start", S.IN_PROGRESS, _H, "An office starts the follow-up."),
    Transition(
        S.DISPOSED,
        "answer",
        S.ANSWERED,
        _H,
        "The public answer: answered when every office has answered, else still in progress.",
        otherwise=S.IN_PROGRESS,
    ),
    Transition(
        S.IN_PROGRESS,
        "answer",
        S.ANSWERED,
        _H,
        "The public answer: answered when every office has answered, else still in progress.",
        otherwise=S.IN_PROGRESS,
    ),
    # The reporter's side after the answer.
    Transition(S.ANSWERED, "confirm", S.CLOSED, _R, "The reporter accepts the answer."),
    Transition(S.ANSWERED, "rate", S.ANSWERED, _R, "Satisfied or not, with a comment."),
    Transition(S.CLOSED, "rate", S.CLOSED, _R, "Satisfied or not, with a comment."),
    Transition(S.ANSWERED, "reopen", S.IN_PROGRESS, _R, "Once, with a reason, within the reopen window."),
    Transition(S.CLOSED, "reopen", S.IN_PROGRESS, _R, "Once, with a reason, within the reopen window."),
    # The clock.
    Transition(S.ANSWERED, "auto_close", S.CLOSED, _SYS, "No reply 10 working days after the answer."),
]
# Internal notes: the coordinator or a handling office, while the report is open.
_ROWS += [
    Transition(status, "note", status, _STAFF, "An internal note, never shown to the reporter.")
    for status in sorted(OPEN_STATUSES)
]

_ACTION_WORDS = {
    "verify": gettext_lazy("diverifikasi"),
    "postpone": gettext_lazy("ditunda"),
    "not_authority": gettext_lazy("dinyatakan bukan kewenangan"),
    "archive": gettext_lazy("diarsipkan"),
    "dispose": gettext_lazy("diteruskan ke instansi"),
    "redispose": gettext_lazy("dialihkan ke instansi lain"),
    "start": gettext_lazy("mulai ditindaklanjuti"),
    "answer": gettext_lazy("dijawab"),
    "confirm": gettext_lazy("dikonfirmasi selesai"),
    "rate": gettext_lazy("dinilai"),
    "reopen": gettext_lazy("dibuka kembali"),
    "auto_close": gettext_lazy("ditutup otomatis"),
    "note": gettext_lazy("diberi catatan"),
}


class ReportWorkflow(Workflow):
    """Reports: the table above; the coordinator, the handling offices, the reporter, the clock."""

    model = Report
    events = ReportEvent
    rows = _ROWS
    words = _ACTION_WORDS
    related = ("category", "region")
    masked = frozenset({"reporter_id"})  # a selector blanks the reporter of an anonymous report

    concurrent = gettext_lazy(
        "Laporan ini baru saja diubah oleh petugas lain. Muat ulang halaman untuk melihat keadaan terbaru."
    )
    status_refused = gettext_lazy("Laporan berstatus “%(status)s” tidak dapat %(action)s.")
    party_refused = gettext_lazy("Langkah ini (%(action)s) bukan bagian tugas Anda untuk laporan ini.")

    def parties_of(self, actor: User | None, case: Report) -> frozenset[str]:
        """The coordinator, the offices with an active disposition, the reporter (``None``: the clock)."""
        if actor is None:
            return frozenset({Party.SYSTEM})
        found: set[str] = set()
        if actor.is_active and actor.pk is not None:
            if case.reporter_id is not None and actor.pk == case.reporter_id:
                found.add(Party.REPORTER)
            # A practice report reaches no office, the coordinator's desk included (docs/practice-mode.md).
            if actor.role == Role.ADMIN and not case.practice and can(actor, "report.verify", case):
                found.add(Party.COORDINATOR)
            if can(actor, "report.handle", case):
                found.add(Party.HANDLER)
        return frozenset(found)

    def target(self, transition: Transition, case: Any, outcome: object = None) -> str:
        """``answer`` waits for every active disposition (``outcome``: whether all have answered)."""
        if transition.action == "answer":
            return transition.to_status if outcome is not False else str(transition.otherwise)
        return super().target(transition, case, outcome)

    def details(self, case: Report) -> dict[str, Any]:
        """Audit details: what happened, never the text or anyone's identity."""
        return {"kind": case.kind, "category": case.category.slug}

    def audit_actor(self, actor: User | None, case: Report) -> User | None:
        """The reporter of an anonymous report acts without a name in the audit log too."""
        if actor is not None and case.anonymous and actor.pk == case.reporter_id:
            return None
        return actor

    def event_actor(self, actor: User | None, case: Report) -> User | None:
        """Events never name the reporter (the message says "Pelapor")."""
        if actor is not None and actor.pk == case.reporter_id:
            return None
        return actor

    def recipient(self, case: Report) -> User | None:
        """The reporter, while their account is active (an SMS/WhatsApp reporter has one too)."""
        if case.reporter_id is None:
            return None
        if Report.reporter.is_cached(case):  # the submit: the reporter the caller just checked
            reporter = case.reporter
            return reporter if reporter is not None and reporter.is_active else None
        # With their notice preference in the same query (notify() reads it).
        return (
            User.objects.select_related("contact_preference")
            .filter(pk=case.reporter_id, is_active=True)
            .first()
        )


WORKFLOW = ReportWorkflow()
