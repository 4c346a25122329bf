"""Every change to a report: one function each, one transaction each, by stage of its life.

- :mod:`.filing`: any channel files a report; residents support it;
- :mod:`.verification`: the coordinator verifies, postpones, says "not ours", archives;
- :mod:`.disposition`: the coordinator disposes it to offices; an office moves its disposition;
- :mod:`.followup`: the offices start, note and answer;
- :mod:`.closing`: the reporter confirms, rates, reopens; the clock closes it without reply;
- :mod:`.identity`: who reported (the coordinator only, audited).

Every step goes through the one case engine (:data:`layanan.complaints.workflow.WORKFLOW`,
:class:`layanan.cases.workflow.Workflow`): the row lock, the party (asked of
:mod:`layanan.accounts.permissions`), the version, the table, the conditional update, the
:class:`ReportEvent`, the audit row and the reporter's notice, in one transaction.

**One entry point.** :func:`report_submit` is how every channel (web, API, SMS,
WhatsApp) files a report. It is idempotent on ``submit_key``: a repeat returns
the first report.

**The clock** (working days in WIB, holidays and cuti bersama excluded; the days
per kind are ``settings.COMPLAINT_DEADLINES``):

- ``verify_due_at = add_working_days(received_at, verify)``; postponing stops it
  (a postponed report is not counted as overdue);
- on disposition each office gets ``due_at = add_working_days(now, followup)``
  (or ``due_in_days``) and ``followup_due_at`` is the earliest of them;
- on the answer ``close_due_at = add_working_days(answered_at, close)``: the
  auto-close task closes it then if the reporter did not reply, and the
  reporter may reopen it (once) until then, also after confirming.

Escalation (``tasks.reports_escalate_breaches``) marks ``breach_notified_at``
once per phase: disposing, re-disposing and reopening clear it.

**Privacy.** Events never carry the reporter as their actor (the message says
"Pelapor"), nor the reporter's name; audit details never hold the report's
text or anyone's identity, and for an anonymous report the reporter's own
steps are audited without an actor. Only the coordinating administrator sees
who reported, through :func:`reporter_identity_view`, audited each time.

Refusals: :class:`~django.core.exceptions.PermissionDenied` (no part in the
report), :class:`TransitionNotAllowed` (not now, or not for this party),
:class:`ConcurrentChange` (someone changed it first), :class:`ReportError`
(anything else, with a message for people).
"""

from layanan.complaints.services.closing import (
    reopen_deadline,
    report_auto_close,
    report_confirm,
    report_rate,
    report_reopen,
)
from layanan.complaints.services.common import (
    MESSAGE_CHANNELS,
    PHOTOS_MAX,
    REASON_MAX,
    REGENCY_CODE,
    TEXT_MAX,
    TEXT_MIN,
    deadline_days,
)
from layanan.complaints.services.disposition import report_dispose, report_redispose
from layanan.complaints.services.filing import (
    report_submit,
    report_support,
    report_voice_add,
    voice_anonymous_message,
)
from layanan.complaints.services.followup import report_answer, report_note, report_start
from layanan.complaints.services.identity import report_voice_play, reporter_identity_view
from layanan.complaints.services.practice import reports_practice_purge
from layanan.complaints.services.verification import (
    report_archive,
    report_not_authority,
    report_postpone,
    report_verify,
)
from layanan.complaints.workflow import ConcurrentChange, ReportError, TransitionNotAllowed

__all__ = [
    "MESSAGE_CHANNELS",
    "PHOTOS_MAX",
    "REASON_MAX",
    "REGENCY_CODE",
    "TEXT_MAX",
    "TEXT_MIN",
    "ConcurrentChange",
    "ReportError",
    "TransitionNotAllowed",
    "deadline_days",
    "reopen_deadline",
    "report_answer",
    "report_archive",
    "report_auto_close",
    "report_confirm",
    "report_dispose",
    "report_not_authority",
    "report_note",
    "report_postpone",
    "report_rate",
    "report_redispose",
    "report_reopen",
    "report_start",
    "report_submit",
    "report_support",
    "report_verify",
    "report_voice_add",
    "report_voice_play",
    "reporter_identity_view",
    "reports_practice_purge",
    "voice_anonymous_message",
]
