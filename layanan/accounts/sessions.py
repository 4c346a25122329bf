"""The sessions a person is signed in with: recorded, listed, ended one by one or all at once.

A session is known by a keyed hash of its key (``blind_index``), never by the
key: the key is never stored, logged or audited. The session's own data holds
the record's id and the hash, so a key rotated by Django (at sign-in, at the
second factor, at a password change) is followed to the same record.

Checking every request against the database would add a query to every page,
so the check is kept in the cache: an ended session is marked ``revoked`` in
the cache at once (it ends on its very next request), and every
``SESSION_CHECK_SECONDS`` the record itself is read again (which also moves
"last active"), so an ended session ends within that time even if the cache
was emptied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User, UserSession
from layanan.audit.services import audit_record
from layanan.core.crypto import blind_index

RECORD_SESSION_KEY = "accounts.session.record"
HASH_SESSION_KEY = "accounts.session.key_hash"


class SessionNotFound(Exception):
    """No active session of this person has that id (also: someone else's session)."""


def session_key_hash(session_key: str) -> str:
    return blind_index(session_key, purpose="session")


def _check_seconds() -> int:
    return int(getattr(settings, "SESSION_CHECK_SECONDS", 60))


def _fresh_key(record_id: int) -> str:
    return f"accounts.session.fresh:{record_id}"


def _revoked_key(record_id: int) -> str:
    return f"accounts.session.revoked:{record_id}"


# --- the device summary ----------------------------------------------------------------------------

_BROWSERS = (
    ("SamsungBrowser", "Samsung Internet"),
    ("UCBrowser", "UC Browser"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("Edg", "Edge"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("KAIOS", "KaiOS"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_SAFE = re.compile(r"[^A-Za-z0-9 ,.-]")


def device_summary(user_agent: str) -> str:
    """``Chrome, Android``: the browser and system named by a User-Agent, nothing more."""
    browser = next((name for token, name in _BROWSERS if token.lower() in user_agent.lower()), "")
    system = next((name for token, name in _SYSTEMS if token.lower() in user_agent.lower()), "")
    return _SAFE.sub("", ", ".join(part for part in (browser, system) if part))[:60]


# --- recording -------------------------------------------------------------------------------------


def _remember(request: HttpRequest, record: UserSession, key_hash: str) -> None:
    request.session[RECORD_SESSION_KEY] = record.pk
    request.session[HASH_SESSION_KEY] = key_hash
    cache.set(_fresh_key(record.pk), True, _check_seconds())


def session_record_start(*, request: HttpRequest, user: User) -> UserSession:
    """Record the session ``user`` has just signed in with (called on ``user_logged_in``)."""
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    assert key is not None
    key_hash = session_key_hash(key)
    now = timezone.now()
    with transaction.atomic():
        previous = session.get(RECORD_SESSION_KEY)
        if previous is not None:  # signed in again on the same session
            UserSession.objects.filter(pk=previous, ended_at__isnull=True).update(
                ended_at=now, end_reason=UserSession.EndReason.REPLACED
            )
        UserSession.objects.filter(key_hash=key_hash).delete()  # a key is never reused; defensive
        record = UserSession.objects.create(
            user=user,
            key_hash=key_hash,
            device=device_summary(str(request.META.get("HTTP_USER_AGENT", ""))),
            signed_in_at=now,
            last_seen_at=now,
        )
    _remember(request, record, key_hash)
    return record


def session_record_signed_out(*, request: HttpRequest) -> None:
    """Close the record of a session being signed out (called on ``user_logged_out``)."""
    record_id = getattr(request, "session", {}).get(RECORD_SESSION_KEY)
    if record_id is None:
        return
    UserSession.objects.filter(pk=record_id, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=UserSession.EndReason.SIGNED_OUT
    )
    cache.delete(_fresh_key(record_id))


def _end_here(request: HttpRequest) -> None:
    logout(request)
    if hasattr(request, "_messages"):
        messages.info(request, _("Sesi ini sudah diakhiri. Silakan masuk lagi."))


def _sync(request: HttpRequest, user_id: Any, key_hash: str, record_id: int | None) -> bool:
    """Read the record again (following a rotated key); False when the session was ended."""
    session = request.session
    record = UserSession.objects.filter(key_hash=key_hash).first()
    if record is None and record_id is not None:
        record = UserSession.objects.filter(pk=record_id).first()
        if record is None:
            return False  # the record is gone: never adopt a session that had one
        if record.ended_at is None:
            UserSession.objects.filter(pk=record.pk).update(key_hash=key_hash)
    now = timezone.now()
    if record is None:
        # A session from before sessions were recorded: adopt it.
        try:
            with transaction.atomic():
                record, _created = UserSession.objects.get_or_create(
                    key_hash=key_hash,
                    defaults={
                        "user_id": User._meta.pk.to_python(user_id),
                        "device": device_summary(str(request.META.get("HTTP_USER_AGENT", ""))),
                        "signed_in_at": now,
                        "last_seen_at": now,
                    },
                )
        except IntegrityError:  # a parallel request of the same session adopted it first
            record = UserSession.objects.get(key_hash=key_hash)
    if str(record.user_id) != str(user_id) or record.ended_at is not None:
        return False
    UserSession.objects.filter(pk=record.pk).update(last_seen_at=now)
    if session.get(RECORD_SESSION_KEY) != record.pk or session.get(HASH_SESSION_KEY) != key_hash:
        session[RECORD_SESSION_KEY] = record.pk
        session[HASH_SESSION_KEY] = key_hash
    cache.set(_fresh_key(record.pk), True, _check_seconds())
    return True


def session_check(request: HttpRequest) -> None:
    """End the request's session when its record was ended; keep "last active" roughly current.

    Costs no query while the cache says the record was checked within
    ``SESSION_CHECK_SECONDS`` and was not ended since.
    """
    session = getattr(request, "session", None)
    if session is None:
        return
    user_id = session.get(SESSION_KEY)
    key = session.session_key
    if user_id is None or key is None:
        return
    key_hash = session_key_hash(key)
    record_id = session.get(RECORD_SESSION_KEY)
    if record_id is not None and session.get(HASH_SESSION_KEY) == key_hash:
        found = cache.get_many([_revoked_key(record_id), _fresh_key(record_id)])
        if _revoked_key(record_id) in found:
            _end_here(request)
            return
        if _fresh_key(record_id) in found:
            return
    if not _sync(request, user_id, key_hash, record_id):
        _end_here(request)


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    record: UserSession
    is_current: bool

    @property
    def device(self) -> str:
        return self.record.device


def sessions_of(*, actor: User, request: HttpRequest) -> list[SessionRow]:
    """``actor``'s active sessions, this one first, then by last activity.

    A session inactive for longer than ``SESSION_COOKIE_AGE`` has expired on
    its own and is not listed.
    """
    session_check(request)  # follow a key rotated since the last check
    current = request.session.get(RECORD_SESSION_KEY)
    since: datetime = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    records = UserSession.objects.filter(user=actor, ended_at__isnull=True, last_seen_at__gte=since)
    rows = [SessionRow(record=record, is_current=record.pk == current) for record in records]
    rows.sort(key=lambda row: (not row.is_current, -row.record.last_seen_at.timestamp()))
    return rows


# --- ending ----------------------------------------------------------------------------------------


def _mark_ended(record_ids: list[int]) -> None:
    # At once, not on commit: should the transaction roll back, the session is ended all the
    # same, which is the safe side.
    cache.set_many(dict.fromkeys((_revoked_key(pk) for pk in record_ids), True), settings.SESSION_COOKIE_AGE)
    cache.delete_many([_fresh_key(pk) for pk in record_ids])


def session_end(*, actor: User, record_id: int, request: HttpRequest) -> None:
    """End one of ``actor``'s other sessions. Raises :class:`SessionNotFound` for anyone else's."""
    current: int | None = request.session.get(RECORD_SESSION_KEY)
    with transaction.atomic():
        record = (
            UserSession.objects.select_for_update()
            .filter(pk=record_id, user=actor, ended_at__isnull=True)
            .exclude(pk=current or 0)
            .first()
        )
        if record is None:
            raise SessionNotFound
        record.ended_at = timezone.now()
        record.end_reason = UserSession.EndReason.REVOKED
        record.save(update_fields=["ended_at", "end_reason"])
        audit_record(
            actor=actor,
            action="accounts.session_ended",
            obj=actor,
            request=request,
            details={"session": record.pk},
        )
        _mark_ended([record.pk])


def _end_open(*, user: User, reason: str, keep: int | None = None) -> int:
    """End ``user``'s open session records but ``keep``; returns how many."""
    ids = list(
        UserSession.objects.select_for_update()
        .filter(user=user, ended_at__isnull=True)
        .exclude(pk=keep or 0)
        .values_list("pk", flat=True)
    )
    UserSession.objects.filter(pk__in=ids).update(ended_at=timezone.now(), end_reason=reason)
    _mark_ended(ids)
    return len(ids)


def sessions_end_for(*, user: User, reason: str) -> int:
    """End every recorded session of ``user`` (a number taken back, a password reset by code)."""
    with transaction.atomic():
        return _end_open(user=user, reason=reason)


def sessions_end_others(
    *,
    actor: User,
    request: HttpRequest,
    reason: str = UserSession.EndReason.REVOKED_ALL,
    audit: bool = True,
) -> int:
    """End every session of ``actor`` except this one; returns how many were ended."""
    current: int | None = request.session.get(RECORD_SESSION_KEY)
    with transaction.atomic():
        ended = _end_open(user=actor, reason=reason, keep=current)
        if audit:
            audit_record(
                actor=actor,
                action="accounts.signed_out_everywhere",
                obj=actor,
                request=request,
                details={"sessions_ended": ended},
            )
    return ended
