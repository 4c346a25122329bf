"""Who may see who sent a report: the one rule, and the redaction every surface applies.

The rule
    Nobody sees a report's reporter through any page, list, search, export, admin page or log
    line, except the reporter themself (:func:`may_see_reporter`). The coordinating administrator
    opens a non-anonymous reporter's identity through one audited step only
    (:func:`layanan.complaints.services.reporter_identity_view`); an anonymous report has no such
    step. This holds for every report, anonymous, confidential or neither: being anonymous only
    also hides the reporter from that audited step (and from the reporter's own audit rows).

Surfaces below ``complaints`` in the layers (the audit log, the message log) cannot import
this module; :func:`register` (called from ``ComplaintsConfig.ready``) hands them the pieces
of the rule they need:

- the audit log shows an event about a report that its reporter (or another citizen, a
  supporter) took as "Pelapor"/"Pelapor (anonim)"/"Warga", without the account, the address
  or the browser, and a search by an actor's id leaves out that actor's events on their own
  reports;
- the message log, searched by a phone number, leaves out the notices about reports (their
  tracking numbers would tie the number to the report).

Django's admin pages use the same helpers (:func:`reporter_label`, :func:`report_tracking_numbers`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.complaints.models import Report
from layanan.complaints.workflow import WORKFLOW, Party

__all__ = [
    "REPORTER_ACTIONS",
    "REPORT_OBJECT_TYPE",
    "may_see_reporter",
    "register",
    "report_audit_actor_label",
    "report_tracking_numbers",
    "reporter_label",
]

REPORT_OBJECT_TYPE = Report._meta.label_lower  # "complaints.report", as audit rows name it

# The audit actions a reporter takes on their own report (the rest are staff's or the system's).
REPORTER_ACTIONS: frozenset[str] = frozenset(
    {f"complaints.{row.action}" for row in WORKFLOW.rows if Party.REPORTER in row.parties}
    | {"complaints.submit"}
)


def may_see_reporter(actor: User | AnonymousUser | None, report: Report) -> bool:
    """Whether ``actor`` may be shown who sent ``report`` on a page, list, export or log.

    Only the reporter themself. The coordinator's one way is the audited
    ``reporter_identity_view`` (never for an anonymous report), not this.
    """
    return (
        isinstance(actor, User)
        and actor.pk is not None
        and report.reporter_id is not None
        and report.reporter_id == actor.pk
    )


def reporter_label(report: Report | None = None, *, anonymous: bool | None = None) -> str:
    """What stands in for the reporter: "Pelapor (anonim)" or "Pelapor"."""
    if anonymous is None:
        anonymous = bool(report is not None and report.anonymous)
    return _("Pelapor (anonim)") if anonymous else _("Pelapor")


def report_tracking_numbers() -> QuerySet[Report, str]:
    """Every report's tracking number (a subquery: a notice with one of them is about a report)."""
    return Report.objects.values_list("tracking_number", flat=True)


def report_audit_actor_label(
    *, action: str, actor_id: int | None, actor_role: str, reporter_id: int | None, anonymous: bool
) -> str | None:
    """The label an audit row about a report shows instead of its actor, or None to show the actor.

    The reporter's own steps (also on an anonymous report, where the row has no actor) read
    "Pelapor"/"Pelapor (anonim)"; another citizen (a supporter) reads "Warga".
    """
    if actor_id is not None and reporter_id is not None and actor_id == reporter_id:
        return reporter_label(anonymous=anonymous)
    if actor_id is None and action in REPORTER_ACTIONS:
        return reporter_label(anonymous=anonymous)
    if actor_id is not None and actor_role == Role.CITIZEN:
        return _("Warga")
    return None


# --- what the lower layers get ----------------------------------------------------------------------


def _audit_labels(events: Iterable[Any]) -> dict[int, str]:
    """Event id → the label replacing its actor, for the events about reports (one query)."""
    about_reports = [e for e in events if e.object_type == REPORT_OBJECT_TYPE and e.object_id.isdigit()]
    if not about_reports:
        return {}
    reports = {
        pk: (reporter_id, anonymous)
        for pk, reporter_id, anonymous in Report.objects.filter(
            pk__in={int(e.object_id) for e in about_reports}
        ).values_list("pk", "reporter_id", "anonymous")
    }
    labels: dict[int, str] = {}
    for event in about_reports:
        reporter_id, anonymous = reports.get(int(event.object_id), (None, False))
        label = report_audit_actor_label(
            action=event.action,
            actor_id=event.actor_id,
            actor_role=event.actor_role,
            reporter_id=reporter_id,
            anonymous=anonymous,
        )
        if label is not None:
            labels[event.pk] = label
    return labels


def _audit_actor_hidden(actor_id: int) -> Q:
    """The rows a search by ``actor_id`` must leave out: that person's steps on their own reports."""
    own = Report.objects.filter(reporter_id=actor_id).values_list("pk", flat=True)
    return Q(object_type=REPORT_OBJECT_TYPE, object_id__in=[str(pk) for pk in own])


def _messages_hidden_from_phone_search() -> Q:
    """The notices a search by phone number must leave out: every notice about a report."""
    return Q(tracking_number__in=report_tracking_numbers()) | Q(key__startswith="report:")


def register() -> None:
    """Hand the rule to the audit log and the message log (from ``ComplaintsConfig.ready``)."""
    from layanan.audit.selectors import audit_redaction_register
    from layanan.notifications.selectors import phone_search_exclusion_register

    audit_redaction_register(labels=_audit_labels, hidden_for_actor=_audit_actor_hidden)
    phone_search_exclusion_register(_messages_hidden_from_phone_search)
