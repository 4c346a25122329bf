"""The workflow of an application: one table of allowed steps, and who may take each.

``WORKFLOW.table`` maps ``(from_status, action)`` to a :class:`Transition`:
the status it leads to, the *parties* allowed to take it, and a description.
Anything not in the table is refused with :class:`TransitionNotAllowed` and a
plain Indonesian message. The table and the party rules are handed to the one
case engine (:class:`layanan.cases.workflow.Workflow`, :data:`WORKFLOW`), which
takes every step; services in :mod:`layanan.applications.services` are the
only callers that change state.

Parties are resolved per service, so the same table serves a Dukcapil
document (officers verify and decide) and a village letter (the desa
operator verifies and decides, the signer of that office signs):

- ``applicant``: the applicant, or the operator who started the application
  for a walk-in citizen (with consent) and may still serve that citizen;
- ``verifier``: staff of the handling office whose role is the service's
  ``verify_role``;
- ``decider``: staff of the handling office whose role is ``decide_role``;
- ``signer``: staff of the handling office whose role is ``sign_role``;
- ``system``: no person (``actor=None``): the result of a national system that issues the
  document itself (SIAK, through ``layanan.integrations``) approves or rejects an application
  being processed, and nothing else.

Two steps have a target that depends on the application (see :func:`target`):

- ``approve`` leads to ``signing`` when the service's output is a letter, and
  straight to ``completed`` (handed to SIAK, or nothing to issue) otherwise;
- ``resubmit`` leads back to ``verifying`` when an officer holds the
  application, and to ``submitted`` (the office's "new" queue) when nobody does.

Self-loops (``edit``, ``review``, ``assign``, ``note``) are in the table too,
so "may this be done now?" always has one answer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.cases.workflow import CaseError, ConcurrentChange, Transition, TransitionNotAllowed, Workflow
from layanan.catalogue.models import Service

__all__ = [
    "WORKFLOW",
    "ApplicationError",
    "ConcurrentChange",
    "Party",
    "TransitionNotAllowed",
]

# A refusal of an application step, with a plain message for people: the engine's error.
ApplicationError = CaseError


class Party(StrEnum):
    APPLICANT = "applicant"
    VERIFIER = "verifier"
    DECIDER = "decider"
    SIGNER = "signer"
    SYSTEM = "system"


_A = frozenset({Party.APPLICANT})
_V = frozenset({Party.VERIFIER})
_VD = frozenset({Party.VERIFIER, Party.DECIDER})
_D = frozenset({Party.DECIDER})
_S = frozenset({Party.SIGNER})
_STAFF = frozenset({Party.VERIFIER, Party.DECIDER, Party.SIGNER})
# While it is processed, the national system that issues the document (SIAK) may decide too.
_D_SYS = frozenset({Party.DECIDER, Party.SYSTEM})
_VD_SYS = frozenset({Party.VERIFIER, Party.DECIDER, Party.SYSTEM})

S = Status

_ROWS: list[Transition] = [
    # The applicant's side.
    Transition(S.DRAFT, "edit", S.DRAFT, _A, "Fill in the form and provide requirements."),
    Transition(S.DRAFT, "submit", S.SUBMITTED, _A, "Send the draft to the handling office."),
    Transition(S.DRAFT, "withdraw", S.WITHDRAWN, _A, "Throw the draft away."),
    Transition(S.SUBMITTED, "withdraw", S.WITHDRAWN, _A, "Withdraw before anyone looked at it."),
    Transition(S.REVISION, "edit", S.REVISION, _A, "Fix the items marked for revision."),
    Transition(
        S.REVISION,
        "resubmit",
        S.VERIFYING,
        _A,
        "Send the fixed application back (to the officer holding it, else to the new queue).",
        otherwise=S.SUBMITTED,
    ),
    Transition(S.REVISION, "withdraw", S.WITHDRAWN, _A, "Give up instead of fixing."),
    # The office's side.
    Transition(S.SUBMITTED, "claim", S.VERIFYING, _V, "Take the application and start checking it."),
    Transition(S.SUBMITTED, "assign", S.VERIFYING, _VD, "Hand the application to a colleague."),
    Transition(S.VERIFYING, "assign", S.VERIFYING, _VD, "Hand the application to a colleague."),
    Transition(S.PROCESSING, "assign", S.PROCESSING, _VD, "Hand the application to a colleague."),
    Transition(S.VERIFYING, "review", S.VERIFYING, _V, "Accept a requirement or mark it for revision."),
    Transition(
        S.VERIFYING, "process", S.PROCESSING, _V, "Every requirement is accepted: work on the output."
    ),
    Transition(
        S.VERIFYING,
        "request_revision",
        S.REVISION,
        _V,
        "Send back to the applicant; the SLA clock pauses.",
    ),
    Transition(
        S.VERIFYING,
        "approve",
        S.SIGNING,
        _D,
        "Approve: to signing for a letter, else completed (SIAK hand-off or no output).",
        otherwise=S.COMPLETED,
    ),
    Transition(
        S.PROCESSING,
        "approve",
        S.SIGNING,
        _D_SYS,
        "Approve: to signing for a letter, else completed (SIAK hand-off or no output; SIAK's issue).",
        otherwise=S.COMPLETED,
    ),
    Transition(S.SIGNING, "sign", S.COMPLETED, _S, "The signing official of the office signs."),
    Transition(S.VERIFYING, "reject", S.REJECTED, _VD, "Refuse, with a reason the applicant can act on."),
    Transition(
        S.PROCESSING,
        "reject",
        S.REJECTED,
        _VD_SYS,
        "Refuse, with a reason the applicant can act on (or SIAK's).",
    ),
    Transition(S.SUBMITTED, "forward", S.SUBMITTED, _V, "Send to the office that handles it, with a reason."),
    Transition(S.VERIFYING, "forward", S.SUBMITTED, _V, "Send to the office that handles it, with a reason."),
]
# Internal notes: any member of the handling office's team, in any status after the draft.
_ROWS += [
    Transition(status, "note", status, _STAFF, "An internal note, never shown to the applicant.")
    for status in Status
    if status != Status.DRAFT
]

# What each action is called in messages to people.
_ACTION_WORDS = {
    "edit": gettext_lazy("diubah"),
    "submit": gettext_lazy("dikirim"),
    "resubmit": gettext_lazy("dikirim ulang"),
    "withdraw": gettext_lazy("dibatalkan"),
    "claim": gettext_lazy("diambil untuk diperiksa"),
    "assign": gettext_lazy("diserahkan kepada petugas lain"),
    "review": gettext_lazy("diperiksa persyaratannya"),
    "process": gettext_lazy("diproses"),
    "request_revision": gettext_lazy("dikembalikan untuk diperbaiki"),
    "approve": gettext_lazy("disetujui"),
    "sign": gettext_lazy("ditandatangani"),
    "reject": gettext_lazy("ditolak"),
    "forward": gettext_lazy("diteruskan"),
    "note": gettext_lazy("diberi catatan"),
}


class ApplicationWorkflow(Workflow):
    """Applications: the table above, the parties resolved per service, the applicant told."""

    model = Application
    events = TimelineEvent
    rows = _ROWS
    words = _ACTION_WORDS
    related = ("service", "office", "applicant")

    def target(self, transition: Transition, case: Any, outcome: object = None) -> str:
        """``approve`` leads to signing only for a letter; ``resubmit`` back to whoever holds it."""
        if transition.action == "approve":
            letter = case.service.output == Service.Output.LETTER
            return transition.to_status if letter else str(transition.otherwise)
        if transition.action == "resubmit":
            return transition.to_status if case.assigned_to_id else str(transition.otherwise)
        return super().target(transition, case, outcome)

    status_refused = gettext_lazy("Permohonan berstatus “%(status)s” tidak dapat %(action)s.")
    party_refused = gettext_lazy("Langkah ini (%(action)s) bukan bagian tugas Anda untuk permohonan ini.")
    concurrent = gettext_lazy(
        "Permohonan ini baru saja diubah oleh petugas lain. Muat ulang halaman untuk melihat keadaan terbaru."
    )

    def parties_of(self, actor: User | None, case: Application) -> frozenset[str]:
        """The applicant (or the operator who applied for them, while they may), and the office's roles.

        ``None`` is the system (a national system's result), nobody else.
        """
        if actor is None:
            return frozenset({Party.SYSTEM})
        found: set[str] = set()
        if actor.is_active and actor.pk is not None:
            if actor.pk == case.applicant_id or (
                case.submitted_by_id == actor.pk
                and actor.role == Role.OPERATOR
                and can(actor, "application.apply", case.applicant)
            ):
                found.add(Party.APPLICANT)
            if case.office_id is not None and can(actor, "application.handle", case):
                service = case.service
                if actor.role == service.verify_role:
                    found.add(Party.VERIFIER)
                if actor.role == service.decide_role:
                    found.add(Party.DECIDER)
                if actor.role == service.sign_role:
                    found.add(Party.SIGNER)
        return frozenset(found)

    def details(self, case: Application) -> dict[str, Any]:
        """Audit details: what happened, never personal data (no answers, names or reasons)."""
        return {"service": case.service.slug, "office": case.office.code if case.office else ""}

    def recipient(self, case: Application) -> User:
        return case.applicant

    def audit(self, case: Any, *, actor: Any, action: str, **details: Any) -> None:
        """As the engine's, and a row of the operator who applied for the citizen says on whose behalf."""
        acting = getattr(actor, "pk", None)
        if acting is not None and acting == case.submitted_by_id and acting != case.applicant_id:
            details.setdefault("on_behalf_of", case.applicant_id)
        super().audit(case, actor=actor, action=action, **details)


WORKFLOW = ApplicationWorkflow()
