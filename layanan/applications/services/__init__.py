"""Every change to an application: one function each, one transaction each, by stage of its life.

- :mod:`.drafting`: the applicant fills in a draft (start, save a step, provide a requirement);
- :mod:`.submission`: submit, resubmit after a revision, withdraw; the SLA clock;
- :mod:`.handling`: the office claims, hands on, forwards, notes;
- :mod:`.review`: the officer reviews requirements, asks for a revision, processes;
- :mod:`.decision`: approve, reject, and the official signs (issuing the letter);
- :mod:`.office`: which office handles an application.

Every step goes through the one case engine (:data:`layanan.applications.workflow.WORKFLOW`,
:class:`layanan.cases.workflow.Workflow`): the row lock, the party, the version, the table, the
conditional update, the timeline event, the audit row and the applicant's notice, in one
transaction.

Refusals, and how to tell them apart:

- :class:`~django.core.exceptions.PermissionDenied`: the actor has no part in
  this application at all (another citizen, staff of another office, a
  leader or auditor, who only read);
- :class:`TransitionNotAllowed`: the actor has a part, but the workflow does
  not allow this step now, or not for the actor's role;
- :class:`ConcurrentChange`: someone changed it first;
- :class:`Incomplete`: the application cannot be (re)submitted yet;
- :class:`ApplicationError`: any other refusal (an empty reason...).
  All but ``PermissionDenied`` derive from it and carry a message for people.
"""

from layanan.applications.services.common import DESA_FIELD, REASON_MAX, Incomplete
from layanan.applications.services.decision import application_approve, application_reject, application_sign
from layanan.applications.services.drafting import (
    application_save_step,
    application_start,
    requirement_provide,
)
from layanan.applications.services.handling import (
    application_assign,
    application_claim,
    application_forward,
    application_note,
)
from layanan.applications.services.practice import applications_practice_purge
from layanan.applications.services.review import (
    application_process,
    application_request_revision,
    requirement_review,
)
from layanan.applications.services.submission import application_submit, application_withdraw, resume_due_at
from layanan.applications.workflow import ApplicationError, ConcurrentChange, TransitionNotAllowed

__all__ = [
    "DESA_FIELD",
    "REASON_MAX",
    "ApplicationError",
    "ConcurrentChange",
    "Incomplete",
    "TransitionNotAllowed",
    "application_approve",
    "application_assign",
    "application_claim",
    "application_forward",
    "application_note",
    "application_process",
    "application_reject",
    "application_request_revision",
    "application_save_step",
    "application_sign",
    "application_start",
    "application_submit",
    "application_withdraw",
    "applications_practice_purge",
    "requirement_provide",
    "requirement_review",
    "resume_due_at",
]
