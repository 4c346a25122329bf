"""Tokens for apps and systems: created (shown once), checked, revoked (docs/api.md, "Tokens").

A token reads ``llp_<prefix>_<secret>``: the prefix names it (not secret, shown in lists), the
secret is 32 random bytes. Only the SHA-256 of the whole token is stored. A token acts as its account
and never more: every call goes through the same services and permission table as the web pages,
and its scopes narrow that further.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.api.models import ApiToken, Scope
from layanan.audit.services import audit_record

TOKEN_PREFIX = "llp_"  # noqa: S105  # nosec B105  # the public marker of a token, not a secret
STAFF_SCOPES = frozenset({Scope.STAFF})
SYSTEM_SCOPES = frozenset({Scope.OPEN311})


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    raw: str  # shown to its creator once, never stored


def scopes_allowed(user: User) -> frozenset[str]:
    """The scopes an account may put on its own tokens: staff scopes only for staff."""
    allowed = {Scope.READ, Scope.APPLICATIONS, Scope.REPORTS}
    if user.is_staff_member:
        allowed |= STAFF_SCOPES
    if user.role == Role.ADMIN:
        allowed |= SYSTEM_SCOPES
    return frozenset(str(scope) for scope in allowed)


def token_create(*, user: User, actor: User, name: str, scopes: list[str], days: int | None = None) -> Issued:
    """A new token for ``user``, made by ``user`` or by an administrator; the raw token once."""
    if actor.pk != user.pk and actor.role != Role.ADMIN:
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("Akun ini tidak aktif."))
    name = (name or "").strip()[:80]
    if not name:
        raise ValidationError(_("Beri nama token ini, misalnya nama aplikasinya."))
    chosen = sorted(set(scopes))
    if not chosen:
        raise ValidationError(_("Pilih paling sedikit satu izin."))
    if not set(chosen) <= scopes_allowed(user):
        raise ValidationError(_("Izin ini tidak dapat diberikan kepada akun tersebut."))
    life = days or settings.API_TOKEN_DAYS
    if not 1 <= life <= settings.API_TOKEN_DAYS:
        raise ValidationError(
            _("Masa berlaku token 1 sampai %(days)d hari.") % {"days": settings.API_TOKEN_DAYS}
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=digest_of(raw),
            scopes=chosen,
            expires_at=timezone.now() + timedelta(days=life),
        )
        audit_record(
            actor=actor,
            action="api.token_create",
            obj=token,
            details={"prefix": prefix, "scopes": chosen, "days": life},
        )
    return Issued(token=token, raw=raw)


def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke at once: the next call with it is refused. Revoking twice changes nothing."""
    if actor.pk != token.user_id and actor.role != Role.ADMIN:
        raise PermissionDenied
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor, action="api.token_revoke", obj=locked, details={"prefix": locked.prefix}
            )
    return locked


def token_find(raw: str) -> ApiToken | None:
    """The usable token for ``raw`` (not revoked, not expired), with its account; else None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user", "user__office").filter(digest=digest_of(raw)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        # At most one write per token every five minutes: "last used" for its owner, not a log.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def tokens_of(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))
