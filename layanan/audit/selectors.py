"""Reading the audit log: auditors and administrators only."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from layanan.accounts.models import User
from layanan.accounts.permissions import can
from layanan.audit.models import AuditEvent


def may_read_audit(actor: User | AnonymousUser) -> bool:
    return can(actor, "audit.read")


def audit_event_list(
    *,
    actor: User | AnonymousUser,
    action: str = "",
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered; nothing for someone who may not read the log.

    ``action`` matches itself and its sub-actions (``auth`` finds ``auth.login``);
    ``until`` is exclusive; ``before_id`` pages backwards (keyset pagination, no COUNT).
    """
    if not may_read_audit(actor):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.order_by("-id")
    if action:
        events = events.filter(Q(action=action) | Q(action__startswith=f"{action}."))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
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
    *, actor: User | AnonymousUser, object_type: str, object_id: str, before_id: int | None = None
) -> QuerySet[AuditEvent]:
    """Every event about one object, newest first."""
    return audit_event_list(actor=actor, object_type=object_type, object_id=object_id, before_id=before_id)
