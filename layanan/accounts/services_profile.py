"""Changes a person makes to their own account on the profile page, each with its audit event."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from layanan.accounts.models import User, UserSession
from layanan.accounts.sessions import sessions_end_others
from layanan.audit.services import audit_record


def user_full_name_set(
    *, user: User, full_name: str, actor: User, request: HttpRequest | None = None
) -> bool:
    """Set one's own full name; returns whether it changed. The audit row never holds the name."""
    if actor.pk != user.pk:
        raise PermissionDenied
    full_name = " ".join(full_name.split())
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.full_name == full_name:
            return False
        locked.full_name = full_name
        locked.save(update_fields=["full_name"])
        user.full_name = full_name
        audit_record(
            actor=actor,
            action="accounts.name_changed",
            obj=user,
            request=request,
            details={"fields": ["full_name"]},
        )
    return True


def user_password_change(*, user: User, new_password: str, request: HttpRequest) -> int:
    """Set a new password (the current one already checked by the form); end every other session.

    This session stays signed in (its key is rotated). Returns how many other
    sessions were ended. Neither password reaches the audit log.
    """
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        update_session_auth_hash(request, user)
        ended = sessions_end_others(
            actor=user, request=request, reason=UserSession.EndReason.PASSWORD_CHANGED, audit=False
        )
        audit_record(
            actor=user,
            action="accounts.password_changed",
            obj=user,
            request=request,
            details={"other_sessions_ended": ended},
        )
    return ended
