"""Signing in and out, the second factor, registration: every change with its audit event.

No password, TOTP code or recovery code ever reaches the audit log or a log
line; events say what happened and to whom.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from layanan.accounts import totp
from layanan.accounts.models import RecoveryCode, Role, SecondFactor, User
from layanan.audit.services import audit_record
from layanan.identity.services import citizen_identity_set
from layanan.regions.models import Region

# Set in the session once the second factor is checked (or for users who need none).
SECOND_FACTOR_SESSION_KEY = "accounts.second_factor_ok"
_BACKEND = "layanan.accounts.backends.PhoneOrEmailBackend"


class DuplicateAccountError(Exception):
    """The phone number or email is already registered."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


# --- sign-in and sign-out --------------------------------------------------------------------------


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a session for ``user`` whose password was checked; the session key is rotated.

    Staff still have to pass the second factor (the middleware holds them
    at that step until :func:`second_factor_verify` succeeds).
    """
    with transaction.atomic():
        login(request, user, backend=_BACKEND)  # rotates the session key
        request.session[SECOND_FACTOR_SESSION_KEY] = not user.needs_second_factor
        audit_record(
            actor=user,
            action="accounts.sign_in",
            obj=user,
            request=request,
            details={"second_factor_required": user.needs_second_factor},
        )


def user_sign_in_fail(*, request: HttpRequest, user: User | None, reason: str, via: str) -> None:
    """Record a refused sign-in. ``user`` is the account the identifier names, if any (never shown)."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="accounts.sign_in_failed",
            obj=user,
            request=request,
            details={"reason": reason, "via": via},
        )


def user_sign_out(*, request: HttpRequest) -> None:
    user = request.user
    with transaction.atomic():
        if isinstance(user, User):
            audit_record(actor=user, action="accounts.sign_out", obj=user, request=request)
        logout(request)


# --- the second factor -----------------------------------------------------------------------------


def second_factor_of(user: User) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user).first()


def has_confirmed_second_factor(user: User) -> bool:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).exclude(secret="").exists()  # nosec B106  # empty: no secret set


def second_factor_begin_setup(*, user: User) -> SecondFactor:
    """Give ``user`` a pending secret to add to their authenticator (kept until confirmed)."""
    with transaction.atomic():
        factor, _created = SecondFactor.objects.select_for_update().get_or_create(user=user)
        if not factor.pending_secret:
            factor.pending_secret = totp.new_secret()
            factor.save(update_fields=["pending_secret"])
    return factor


def _replace_recovery_codes(user: User) -> list[str]:
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=totp.recovery_code_hash(code, user_id=user.pk)) for code in codes
    )
    return codes


def second_factor_confirm_setup(*, request: HttpRequest | None, user: User, code: str) -> list[str] | None:
    """Confirm the pending secret with a code from the app; returns the new recovery codes.

    Returns ``None`` (and changes nothing) when the code does not match.
    The old secret and recovery codes, if any, are replaced.
    """
    code = totp.normalize_code(code)
    with transaction.atomic():
        factor = SecondFactor.objects.select_for_update().filter(user=user).first()
        if factor is None or not factor.pending_secret:
            return None
        step = totp.matching_step(factor.pending_secret, code)
        if step is None:
            audit_record(
                actor=user,
                action="accounts.second_factor_setup_failed",
                obj=user,
                request=request,
                details={"reason": "invalid_code"},
            )
            return None
        replaced = factor.is_confirmed
        factor.secret = factor.pending_secret
        factor.pending_secret = ""  # nosec B105  # empty: no pending secret
        factor.confirmed_at = timezone.now()
        factor.last_used_step = step
        factor.save(update_fields=["secret", "pending_secret", "confirmed_at", "last_used_step"])
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=user,
            action="accounts.second_factor_set_up",
            obj=user,
            request=request,
            details={"replaced": replaced, "recovery_codes": len(codes)},
        )
        if request is not None:
            _mark_verified(request)
    return codes


def second_factor_enrol(*, user: User, actor: User | None, secret: str | None = None) -> list[str]:
    """Give ``user`` a confirmed authenticator and fresh recovery codes at once (demo data, tooling)."""
    with transaction.atomic():
        factor, _created = SecondFactor.objects.select_for_update().get_or_create(user=user)
        factor.secret = secret or totp.new_secret()
        factor.pending_secret = ""  # nosec B105  # empty: no pending secret
        factor.confirmed_at = timezone.now()
        factor.last_used_step = 0
        factor.save()
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=actor,
            action="accounts.second_factor_set_up",
            obj=user,
            details={"replaced": False, "recovery_codes": len(codes), "enrolled_by_tool": True},
        )
    return codes


def second_factor_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove ``user``'s authenticator and recovery codes; they set up a new one at next sign-in."""
    with transaction.atomic():
        SecondFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(actor=actor, action="accounts.second_factor_reset", obj=user, request=request)


class VerifyOutcome(enum.Enum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    INVALID = "invalid"
    REUSED = "reused"
    NOT_SET_UP = "not_set_up"

    @property
    def ok(self) -> bool:
        return self in (VerifyOutcome.TOTP, VerifyOutcome.RECOVERY_CODE)


@dataclass(frozen=True)
class VerifyResult:
    outcome: VerifyOutcome
    recovery_codes_left: int | None = None


def _mark_verified(request: HttpRequest) -> None:
    request.session.cycle_key()  # a privilege step: new session key
    request.session[SECOND_FACTOR_SESSION_KEY] = True


def _check_totp(factor: SecondFactor, code: str) -> VerifyOutcome:
    step = totp.matching_step(factor.secret, code)
    if step is None:
        return VerifyOutcome.INVALID
    # Accept each step once: a conditional update, so two requests racing
    # with the same code cannot both pass.
    accepted = SecondFactor.objects.filter(pk=factor.pk, last_used_step__lt=step).update(last_used_step=step)
    return VerifyOutcome.TOTP if accepted else VerifyOutcome.REUSED


def _use_recovery_code(user: User, code: str) -> bool:
    used = RecoveryCode.objects.filter(
        user=user, code_hash=totp.recovery_code_hash(code, user_id=user.pk), used_at__isnull=True
    ).update(used_at=timezone.now())
    return used == 1


def second_factor_verify(*, request: HttpRequest | None, user: User, code: str) -> VerifyResult:
    """Check a TOTP code or a recovery code for ``user``; on success mark the session verified.

    A TOTP code is accepted one step either side of now, once; a recovery
    code is consumed. Every outcome is audited (without the code).
    """
    code = totp.normalize_code(code)
    with transaction.atomic():
        factor = SecondFactor.objects.filter(user=user).first()
        if factor is None or not factor.is_confirmed:
            return VerifyResult(VerifyOutcome.NOT_SET_UP)
        left: int | None = None
        if totp.is_totp_shaped(code):
            outcome = _check_totp(factor, code)
        elif totp.is_recovery_shaped(code) and _use_recovery_code(user, code):
            outcome = VerifyOutcome.RECOVERY_CODE
            left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
            audit_record(
                actor=user,
                action="accounts.recovery_code_used",
                obj=user,
                request=request,
                details={"remaining": left},
            )
        else:
            outcome = VerifyOutcome.INVALID
        if outcome.ok:
            audit_record(
                actor=user,
                action="accounts.second_factor_verified",
                obj=user,
                request=request,
                details={"method": outcome.value},
            )
            if request is not None:
                _mark_verified(request)
        else:
            audit_record(
                actor=user,
                action="accounts.second_factor_failed",
                obj=user,
                request=request,
                details={"reason": outcome.value},
            )
    return VerifyResult(outcome, left)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- registration and administration ---------------------------------------------------------------


def citizen_register(
    *,
    full_name: str,
    phone: str,
    email: str | None,
    password: str,
    nik: str | None = None,
    home_region: Region | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create a citizen account (phone already normalized, password already validated).

    ``home_region`` is the desa/kelurahan the citizen lives in (the registration
    page requires it; the leaders' counts per kecamatan are made of it).

    With ``nik``, the NIK is stored through the identity service in the same
    transaction. Raises :class:`DuplicateAccountError` naming ``phone`` or
    ``email`` when either is taken, and the identity service's
    ``ValidationError`` when the NIK is refused.
    """
    with transaction.atomic():
        if User.objects.filter(phone=phone).exists():
            raise DuplicateAccountError("phone")
        if email and User.objects.filter(email__iexact=email).exists():
            raise DuplicateAccountError("email")
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    phone,
                    password,
                    full_name=full_name,
                    email=email or None,
                    role=Role.CITIZEN,
                    home_region=home_region,
                )
        except IntegrityError:  # registered by a parallel request
            raise DuplicateAccountError("phone") from None
        audit_record(actor=user, action="accounts.register", obj=user, request=request)
        if nik:
            citizen_identity_set(user=user, nik=nik, actor=user, request=request)
    return user


def user_home_region_set(
    *, user: User, home_region: Region, actor: User, request: HttpRequest | None = None
) -> bool:
    """Set where ``user`` lives (their own profile); returns whether it changed.

    Only a citizen changes their own here (staff accounts are kept in the
    admin: a staff member's region may widen who sees the account). Raises
    ``PermissionDenied`` otherwise. The audit row says what changed, not where
    the person lives.
    """
    if actor.pk != user.pk or user.role != Role.CITIZEN:
        raise PermissionDenied
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = locked.home_region_id
        if before == home_region.pk:
            return False
        locked.home_region = home_region
        locked.save(update_fields=["home_region"])
        user.home_region = home_region
        audit_record(
            actor=actor,
            action="accounts.home_region_changed",
            obj=user,
            request=request,
            details={"fields": ["home_region"], "had_one": bool(before)},
        )
    return True


def user_record_admin_change(
    *,
    actor: User | AnonymousUser,
    user: User,
    created: bool,
    changed_fields: list[str],
    request: HttpRequest | None = None,
) -> None:
    """Audit a change made in the Django admin (the admin saves; this records who and what)."""
    details: dict[str, Any] = {"created": created, "fields": sorted(changed_fields)}
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action="accounts.user_created" if created else "accounts.user_changed",
        obj=user,
        request=request,
        details=details,
    )
