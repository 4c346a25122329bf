"""Reading the audit log: auditors and administrators only.

Who may read is decided by the one permission table (``audit.read`` in
``layanan.accounts.permissions``), which sits above this app: accounts hands
its check in from ``AccountsConfig.ready()`` through :func:`audit_read_check_register`,
so the audit log needs nothing from accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from layanan.audit.models import AuditEvent

Reader = AbstractBaseUser | AnonymousUser
ReadCheck = Callable[[Reader], bool]

_read_check: ReadCheck | None = None


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
