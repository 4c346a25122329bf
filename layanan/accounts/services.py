"""Signing in and out, the second factor, registration: every change with its audit event.

No password, TOTP code or recovery code ever reaches the audit log or a log
line; events say what happened and to whom.
"""

from __future__ import annotations

import enum
import logging
import secrets
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, login, logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from layanan.accounts import otp, totp
from layanan.accounts.models import OneTimeCode, RecoveryCode, Role, SecondFactor, User, UserSession
from layanan.accounts.phone import normalize_phone
from layanan.accounts.sessions import sessions_end_for, sessions_end_others
from layanan.audit.services import audit_record
from layanan.identity.services import citizen_identity_set
from layanan.regions.models import Region

# Set in the session once the second factor is checked (or for users who need none).
SECOND_FACTOR_SESSION_KEY = "accounts.second_factor_ok"
_BACKEND = "layanan.accounts.backends.PhoneOrEmailBackend"
logger = logging.getLogger(__name__)


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


# --- proving a phone or an email with a one-time code (accounts/otp.py, docs/accounts.md) ----------

RELEASED_PHONE_PREFIX = "~"  # a phone taken back: a unique placeholder that is no number and reaches no one


class RegistrationRefused(Exception):
    """The number was proven by someone else between the code and the answer."""


def _released_phone() -> str:
    return RELEASED_PHONE_PREFIX + secrets.token_hex(7)


def user_sessions_end(*, user: User, reason: str = UserSession.EndReason.REVOKED_ALL) -> int:
    """End every session of ``user``; returns how many database sessions were deleted.

    The session records (:mod:`layanan.accounts.sessions`) end each session on its next
    request whatever the session engine; database sessions are also deleted at once.
    """
    sessions_end_for(user=user, reason=reason)
    engine = settings.SESSION_ENGINE
    if not engine.endswith((".db", ".cached_db")):
        return 0
    from django.contrib.sessions.models import Session

    ended = 0
    store = import_module(engine).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def phone_take_back(*, holder: User, request: HttpRequest | None, by: User | None, via: str) -> None:
    """Take ``holder``'s unproven number away: someone proved it (a code, or a message from it).

    The holder keeps the account without the number (a placeholder that reaches no
    one), their sessions end, both sides are audited, and the holder is told by
    email when they have one. Call inside the transaction that gives the number to
    its owner, with ``holder`` locked.
    """
    if holder.phone_is_proven:
        raise ValueError("a proven number is never taken back")
    holder.phone = _released_phone()
    holder.save(update_fields=["phone"])
    audit_record(
        actor=by,
        action="accounts.phone_taken_back",
        obj=holder,
        request=request,
        details={"via": via, "by_account": by.pk if by is not None else None},
    )
    email = holder.email

    def after() -> None:
        user_sessions_end(user=holder)
        if email:
            otp.notice_send(notice="phone_taken_back", destination=email, user=holder)

    transaction.on_commit(after)
    logger.info("accounts: number of account %s taken back (%s)", holder.pk, via)


def _notice_on_commit(*, notice: str, destination: str, user: User | None, channel: str = "sms") -> None:
    transaction.on_commit(
        lambda: otp.notice_send(notice=notice, destination=destination, user=user, channel=channel)
    )


def registration_begin(
    *,
    full_name: str,
    phone: str,
    email: str | None,
    password: str,
    nik: str | None,
    home_region: Region | None,
    channel: str,
    request: HttpRequest | None,
) -> otp.Issued:
    """Send the registration code to ``phone``; the account is made when the code comes back.

    The answer is the same whatever exists. A number someone has proven gets a
    warning instead of a code ("someone tried to register with your number") and
    its code step never succeeds. The answers wait, sealed, with the code (the
    password only as its hash). Raises :class:`otp.CodeRefused` over the limits.
    """
    holder = User.objects.filter(phone=phone).first()
    taken = holder is not None and holder.phone_is_proven
    pending = {
        "full_name": full_name,
        "phone": phone,
        "email": email or "",
        "password": make_password(password),
        "nik": nik or "",
        "home_region": home_region.pk if home_region is not None else None,
    }
    issued = otp.code_issue(
        purpose=otp.Purpose.REGISTER,
        destination=phone,
        channel=channel,
        user=holder if taken else None,
        request=request,
        pending=pending,
        blocked=taken,
        notice="register_attempt" if taken else "",
    )
    with transaction.atomic():
        audit_record(
            actor=None,
            action="accounts.register_attempt_on_proven" if taken else "accounts.code_sent",
            obj=holder if taken else None,
            request=request,
            details={"purpose": otp.Purpose.REGISTER.value, "channel": channel},
        )
    return issued


@dataclass(frozen=True)
class Registered:
    user: User
    email_dropped: bool = False
    nik_held: bool = False  # not attached: kept for an office to resolve


def registration_complete(*, code: OneTimeCode, request: HttpRequest | None) -> Registered:
    """Make the proven citizen account from the answers ``code`` carried (its code just matched).

    A number held by an unproven account is taken back. An email another account
    uses is dropped (the person adds it later with an email code); a NIK another
    account holds is not attached (an office resolves the claim). Neither is said
    to exist.
    """
    data = otp.pending_of(code)
    phone = str(data["phone"])
    with transaction.atomic():
        holder = User.objects.select_for_update().filter(phone=phone).first()
        if holder is not None and holder.phone_is_proven:
            raise RegistrationRefused
        email = str(data.get("email") or "") or None
        email_dropped = bool(email) and User.objects.filter(email__iexact=email).exists()
        region_pk = data.get("home_region")
        region = Region.objects.filter(pk=region_pk).first() if region_pk else None
        if holder is not None:
            phone_take_back(holder=holder, request=request, by=None, via="register")
        user = User(
            phone=phone,
            full_name=str(data["full_name"]),
            email=None if email_dropped else email,
            role=Role.CITIZEN,
            home_region=region,
            phone_verified_at=timezone.now(),
            password=str(data["password"]),
        )
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same answers registered by a parallel request
            raise RegistrationRefused from None
        audit_record(
            actor=user,
            action="accounts.register",
            obj=user,
            request=request,
            details={"phone_proven": True, "took_back": holder is not None, "email_dropped": email_dropped},
        )
        if holder is not None:
            audit_record(
                actor=user, action="accounts.phone_received_back", obj=user, request=request, details={}
            )
        nik_held = False
        nik = str(data.get("nik") or "")
        if nik:
            # A NIK another account holds is not attached: the claim is disputed and an office
            # settles it (layanan/identity); the person is told only that an officer will check it.
            citizen_identity_set(user=user, nik=nik, actor=user, request=request)
            nik_held = not user.nik
    return Registered(user=user, email_dropped=email_dropped, nik_held=nik_held)


def account_for_identifier(identifier: str) -> User | None:
    """The active account a phone number (any spelling) or an email names; None when none."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier, is_active=True).first()
    try:
        return User.objects.filter(phone=normalize_phone(identifier), is_active=True).first()
    except ValidationError:
        return None


def throttle_subject(identifier: str) -> str:
    """One counter per account whatever identifier names it; an unknown one counts by itself."""
    user = account_for_identifier(identifier)
    if user is not None:
        return f"user:{user.pk}"
    identifier = identifier.strip().lower()
    try:
        return "id:" + normalize_phone(identifier)
    except ValidationError:
        return "id:" + identifier


def code_destination(identifier: str) -> str:
    """The address a code for ``identifier`` goes to, canonical (``+62…`` or lowercase email)."""
    identifier = identifier.strip()
    if "@" in identifier:
        return identifier.lower()
    return normalize_phone(identifier)


def account_code_begin(
    *, purpose: str, identifier: str, channel: str, request: HttpRequest | None
) -> otp.Issued:
    """Send a sign-in or reset code to a proven phone (or the email of a proven account).

    Nothing is sent to an identifier of no account, or of an account whose phone is
    not proven; the answer is the same. Raises :class:`otp.CodeRefused` over the limits.
    """
    destination = code_destination(identifier)
    user = account_for_identifier(identifier)
    usable = user is not None and user.phone_is_proven
    issued = otp.code_issue(
        purpose=purpose,
        destination=destination,
        channel=channel,
        user=user if usable else None,
        request=request,
        blocked=not usable,
    )
    with transaction.atomic():
        audit_record(
            actor=None,
            action="accounts.code_sent" if usable else "accounts.code_not_sent",
            obj=user if usable else None,
            request=request,
            details={"purpose": purpose, "channel": "email" if "@" in destination else channel},
        )
    return issued


def password_reset_complete(*, code: OneTimeCode, password: str, request: HttpRequest) -> User:
    """Set the new password of the account ``code`` was sent for, sign in there, end other sessions."""
    if code.user is None:
        raise PermissionDenied
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=code.user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.password_reset", obj=user, request=request, details={})
    user_sessions_end(user=user, reason=UserSession.EndReason.PASSWORD_CHANGED)
    user_sign_in(request=request, user=user)
    return user


def destination_change_begin(
    *, user: User, purpose: str, destination: str, channel: str, request: HttpRequest | None
) -> otp.Issued:
    """Send a code to ``user``'s new phone or email (or, to prove it, their own phone).

    A new number another account has proven gets no code (its step never succeeds)
    and the page says the same. Raises :class:`otp.CodeRefused` over the limits.
    """
    blocked = False
    if purpose in (otp.Purpose.PHONE_CHANGE, otp.Purpose.PROVE_PHONE):
        holder = User.objects.filter(phone=destination).exclude(pk=user.pk).first()
        blocked = holder is not None and holder.phone_is_proven
    issued = otp.code_issue(
        purpose=purpose,
        destination=destination,
        channel=channel,
        user=user,
        request=request,
        pending={"destination": destination},
        blocked=blocked,
    )
    with transaction.atomic():
        audit_record(
            actor=user,
            action="accounts.code_sent",
            obj=user,
            request=request,
            details={"purpose": purpose, "channel": "email" if "@" in destination else channel},
        )
    return issued


def phone_prove_complete(*, user: User, code: OneTimeCode, request: HttpRequest | None) -> None:
    """``user`` proved the number they hold."""
    if code.user_id != user.pk or otp.pending_of(code).get("destination") != user.phone:
        raise PermissionDenied
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now())
        user.refresh_from_db(fields=["phone_verified_at"])
        audit_record(actor=user, action="accounts.phone_proven", obj=user, request=request, details={})


def _end_other_sessions(user: User, request: HttpRequest | None) -> int:
    """A changed phone or email signs the account out everywhere but here (as a new password does)."""
    if request is None:
        return sessions_end_for(user=user, reason=UserSession.EndReason.REVOKED_ALL)
    return sessions_end_others(
        actor=user, request=request, reason=UserSession.EndReason.REVOKED_ALL, audit=False
    )


def phone_change_complete(*, user: User, code: OneTimeCode, request: HttpRequest | None) -> None:
    """``user`` proved a new number: it becomes theirs (taken back from an unproven holder)."""
    new_phone = str(otp.pending_of(code).get("destination") or "")
    if code.user_id != user.pk or not new_phone:
        raise PermissionDenied
    with transaction.atomic():
        holder = User.objects.select_for_update().filter(phone=new_phone).exclude(pk=user.pk).first()
        if holder is not None:
            if holder.phone_is_proven:
                raise RegistrationRefused
            phone_take_back(holder=holder, request=request, by=user, via="phone_change")
        locked = User.objects.select_for_update().get(pk=user.pk)
        old_phone, was_proven = locked.phone, locked.phone_is_proven
        locked.phone = new_phone
        locked.phone_verified_at = timezone.now()
        locked.save(update_fields=["phone", "phone_verified_at"])
        user.phone, user.phone_verified_at = locked.phone, locked.phone_verified_at
        audit_record(
            actor=user,
            action="accounts.phone_changed",
            obj=user,
            request=request,
            details={
                "old_was_proven": was_proven,
                "took_back": holder is not None,
                "other_sessions_ended": _end_other_sessions(user, request),
            },
        )
        if was_proven and not old_phone.startswith(RELEASED_PHONE_PREFIX):
            _notice_on_commit(notice="phone_changed", destination=old_phone, user=user, channel=code.channel)
        if user.email:
            _notice_on_commit(notice="phone_changed", destination=user.email, user=user)


def email_change_complete(*, user: User, code: OneTimeCode, request: HttpRequest | None) -> None:
    """``user`` proved a new email: it becomes theirs; another account holding it loses it."""
    new_email = str(otp.pending_of(code).get("destination") or "")
    if code.user_id != user.pk or "@" not in new_email:
        raise PermissionDenied
    with transaction.atomic():
        holder = User.objects.select_for_update().filter(email__iexact=new_email).exclude(pk=user.pk).first()
        if holder is not None:
            holder.email = None
            holder.save(update_fields=["email"])
            audit_record(
                actor=user,
                action="accounts.email_taken_back",
                obj=holder,
                request=request,
                details={"by_account": user.pk},
            )
            if holder.phone_is_proven:
                _notice_on_commit(notice="email_taken_back", destination=holder.phone, user=holder)
        locked = User.objects.select_for_update().get(pk=user.pk)
        old_email = locked.email
        locked.email = new_email
        locked.save(update_fields=["email"])
        user.email = new_email
        audit_record(
            actor=user,
            action="accounts.email_changed",
            obj=user,
            request=request,
            details={
                "had_one": bool(old_email),
                "took_back": holder is not None,
                "other_sessions_ended": _end_other_sessions(user, request),
            },
        )
        if old_email:
            _notice_on_commit(notice="email_changed", destination=old_email, user=user)
        if user.phone_is_proven:
            _notice_on_commit(notice="email_changed", destination=user.phone, user=user)


def code_check_fail(*, request: HttpRequest | None, code: OneTimeCode) -> None:
    """Record a wrong code (never the code typed)."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="accounts.code_failed",
            obj=code.user,
            request=request,
            details={"purpose": code.purpose, "attempts": code.attempts},
        )
