"""Reading the audit log: auditors and administrators only.

Who may read is decided by the one permission table (``audit.read`` in
``layanan.accounts.permissions``), which sits above this app: accounts hands
its check in from ``AccountsConfig.ready()`` through :func:`audit_read_check_register`,
so the audit log needs nothing from accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from layanan.audit.models import AuditEvent

Reader = AbstractBaseUser | AnonymousUser
ReadCheck = Callable[[Reader], bool]
Labels = Callable[[Iterable[AuditEvent]], dict[int, str]]
HiddenForActor = Callable[[int], Q]

_read_check: ReadCheck | None = None


@dataclass(frozen=True)
class _Redaction:
    labels: Labels
    hidden_for_actor: HiddenForActor


_redactions: list[_Redaction] = []

CITIZEN_ROLE = "citizen"


def audit_redaction_register(*, labels: Labels, hidden_for_actor: HiddenForActor) -> None:
    """Let a higher app hide who acted on its objects (complaints: the reporter, ``disclosure.py``).

    ``labels(events)`` maps the ids of the events whose actor must not be shown to the words
    shown instead; ``hidden_for_actor(actor_id)`` is the rows a search by that actor leaves out.
    Registering the same pair again changes nothing.
    """
    redaction = _Redaction(labels=labels, hidden_for_actor=hidden_for_actor)
    if redaction not in _redactions:
        _redactions.append(redaction)


def audit_read_check_register(check: ReadCheck) -> None:
    """Say who may read the audit log (accounts does, at app-ready time)."""
    global _read_check
    _read_check = check


def may_read_audit(actor: Reader) -> bool:
    if _read_check is None:
        raise ImproperlyConfigured("no audit read check registered: is layanan.accounts installed?")
    return _read_check(actor)


def audit_event_list(
    *,
    actor: Reader,
    action: str = "",
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered; nothing for someone who may not read the log.

    ``action`` matches itself and its sub-actions (``accounts`` finds ``accounts.sign_in``);
    ``until`` is exclusive; ``before_id`` pages backwards (keyset pagination, no COUNT).
    """
    if not may_read_audit(actor):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.order_by("-id")
    if action:
        events = events.filter(Q(action=action) | Q(action__startswith=f"{action}."))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
        for redaction in _redactions:
            events = events.exclude(redaction.hidden_for_actor(actor_id))
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if before_id is not None:
        events = events.filter(id__lt=before_id)
    return events


def audit_object_history(
    *, actor: Reader, object_type: str, object_id: str, before_id: int | None = None
) -> QuerySet[AuditEvent]:
    """Every event about one object, newest first."""
    return audit_event_list(actor=actor, object_type=object_type, object_id=object_id, before_id=before_id)


@dataclass(frozen=True)
class ShownActor:
    """Who an audit row names on a page: the label, the role, and the id to search by (or None)."""

    label: str
    role: str
    search_id: int | None
    source_address: str | None
    user_agent: str


def audit_events_shown[E: AuditEvent](events: Iterable[E]) -> list[E]:
    """The events with ``shown`` (a :class:`ShownActor`) set: what every page shows as the actor.

    A registered redaction (a report's reporter) replaces the actor by words and hides the
    account, the address and the browser; a citizen acting on anything else is named by role
    ("Warga") and account id only: names of citizens are not the audit log's business.
    """
    rows = list(events)
    replaced: dict[int, str] = {}
    for redaction in _redactions:
        replaced.update(redaction.labels(rows))
    for event in rows:
        label = replaced.get(event.pk)
        shown: ShownActor
        if label is not None:
            shown = ShownActor(label=label, role="", search_id=None, source_address=None, user_agent="")
        elif event.actor_role == CITIZEN_ROLE:
            shown = ShownActor(
                label=_("Warga #%(id)s") % {"id": event.actor_id},
                role="",
                search_id=event.actor_id,
                source_address=event.source_address,
                user_agent=event.user_agent,
            )
        else:
            shown = ShownActor(
                label=event.actor_label,
                role=event.actor_role_label if event.actor_role else "",
                search_id=event.actor_id,
                source_address=event.source_address,
                user_agent=event.user_agent,
            )
        setattr(event, "shown", shown)  # noqa: B010  # read by the templates and the admin
    return rows
