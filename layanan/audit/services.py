"""The audit log: record events without a global lock, seal them later, verify the chain.

Writing
    :func:`audit_record` is the one entry point. It runs a single INSERT inside the caller's
    transaction: no lock, no read of the previous event, so writers never wait on one another (on
    PostgreSQL the id comes from a sequence and the time from ``clock_timestamp()``; SQLite
    serialises every writer anyway). Triggers (:mod:`layanan.audit.guard`) make the table
    append-only. ``details`` pass through :func:`layanan.core.logging.redact`: a NIK- or KK-shaped
    number is replaced, never stored.

Sealing
    :func:`audit_seal_pending` (run every minute by the ``audit_seal`` task) takes the unsealed
    events in id order, in one transaction holding the sealer lock (``pg_advisory_xact_lock`` on
    PostgreSQL; the IMMEDIATE transaction on SQLite), and chains them::

        hash(e) = HMAC-SHA-256(key, hash(previous event) || canonical JSON of e)

    ``key`` comes from ``AUDIT_CHAIN_KEY`` (the environment or a secret file, never the
    database): whoever owns the database can drop the triggers and rewrite rows, but cannot
    recompute the hashes. ``AUDIT_CHAIN_KEY`` is a list, newest first; each seal records the id
    of the key its events were chained under (:func:`chain_keys`), so a key is rotated by putting
    a new one first and keeping the old ones for verification.

    The chain runs across batches; the very first event chains from :attr:`AuditSeal.GENESIS`.
    Each batch is recorded as an :class:`AuditSeal` whose ``root`` is the hash of its last event
    (so a root commits to every event before it; no Merkle tree is needed because verification
    always replays the whole chain) and whose ``previous_root`` is the root of the batch before.
    Each day's last root is published, signed, outside the database (:mod:`layanan.audit.roots`).

Late events, honestly
    Ids are assigned at INSERT but become visible at COMMIT, so concurrent transactions can commit
    out of order: id 10 may appear after 11 was sealed. The sealer therefore takes only events
    older than a grace period (:data:`SEAL_GRACE`, measured on the database clock) and stops at
    the first younger event in id order, so a sealed batch is a prefix of what had committed.
    A transaction that stays open longer than the grace period after recording its event is the
    one case left: its event shows up below ids already sealed. The sealer still seals it (so it
    is protected from then on), and :func:`audit_verify` reports it, unsealed or sealed, as
    "inserted after its range was sealed": from the log alone that cannot be told apart from
    an event slipped in later by someone with write access to the database, so it is never
    silently accepted. Keep transactions that record audit events short.

Verifying
    :func:`audit_verify` replays the chain from the first seal and reports altered events (hash
    mismatch under the key), removed events (a gap in the sequence, a seal whose count does not
    match), reordered events (ids out of order in the chain), events inserted into a sealed
    range, broken or rewritten seals, seals under no configured key, and any difference from
    the published day roots (a cut-off tail shows up only there). It names the first point of
    divergence (date, event id). ``manage.py audit_verify`` prints the report. Triggers stop
    accidents; the keyed chain, and each day's last root published outside the database, stop
    whoever can drop the triggers.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from layanan.audit import roots
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.core.logging import REPLACEMENT, redact
from layanan.core.writes import insert_later

SEAL_GRACE = timedelta(seconds=30)
"""Only events at least this old (database clock) are sealed; see "Late events" above."""

_SEALER_LOCK_KEY = 0x4C41_4D50_4155_4454  # "LAMPAUDT": the sealer's PostgreSQL advisory lock
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$")
_USER_AGENT_MAX = 255
_NIK_SIZED = range(10**15, 10**16)


# Recording ------------------------------------------------------------------


def audit_record(
    *,
    actor: models.Model | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records.

    ``action`` is a dotted lowercase name whose first word is the label of the app that records
    it (``accounts.sign_in``, ``identity.set``). ``actor`` is the user who acted (``None`` or an
    anonymous user for the system or a visitor); their name and role are kept as text too.
    ``details`` must be JSON-serialisable; any NIK- or KK-shaped number in it is masked.
    """
    if len(action) > 64 or not _ACTION.match(action):
        raise ValueError(f"audit action must be dotted lowercase words, got {action!r}")
    acting = actor if isinstance(actor, models.Model) and actor.pk is not None else None
    object_type = object_id = ""
    if obj is not None:
        if obj.pk is None:
            raise ValueError("audit_record() needs a saved object")
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    event = AuditEvent(
        actor=acting if isinstance(acting, get_user_model()) else None,
        actor_label=str(acting)[:160] if acting is not None else "",
        actor_role=str(getattr(acting, "role", ""))[:20] if acting is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        source_address=_source_address(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:_USER_AGENT_MAX] if request is not None else "",
        details=_clean_details(details),
    )
    # As create(), the INSERT prebuilt: an audit row is on every write. Inside a hot path's
    # ``batched()`` block it is written at the end of the block, with its task rows.
    insert_later(event)
    return event


def _source_address(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the entry of ``X-Forwarded-For`` written by the
    outermost of ``settings.TRUSTED_PROXY_COUNT`` proxies (entries further left can be forged)."""
    remote = request.META.get("REMOTE_ADDR", "")
    candidate = remote
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            candidate = forwarded[max(0, len(forwarded) - trusted)]
    return _ip(candidate) or _ip(remote)


def _ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _clean_details(details: dict[str, Any] | None) -> dict[str, Any]:
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise TypeError("audit details must be a dict")
    plain = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    cleaned: dict[str, Any] = _mask(plain)
    return cleaned


def _mask(value: Any) -> Any:
    """``value`` with every NIK- or KK-shaped number (16 digits) masked, keys included."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) in _NIK_SIZED:
        return REPLACEMENT
    if isinstance(value, float) and value.is_integer() and int(abs(value)) in _NIK_SIZED:
        return REPLACEMENT
    if isinstance(value, list):
        return [_mask(item) for item in value]
    if isinstance(value, dict):
        return {redact(key): _mask(item) for key, item in value.items()}
    return value


# Sealing --------------------------------------------------------------------


@dataclass(frozen=True)
class ChainKey:
    key_id: str  # recorded on each seal; a hash of the key, which tells nothing about it
    secret: bytes = field(repr=False)


@cache
def _derive_chain_keys(materials: tuple[str, ...]) -> tuple[ChainKey, ...]:
    keys = []
    for material in materials:
        secret = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"layanan audit chain v1").derive(
            material.encode()
        )
        keys.append(
            ChainKey(key_id=hashlib.sha256(b"audit key id|" + secret).hexdigest()[:12], secret=secret)
        )
    return tuple(keys)


def chain_keys() -> tuple[ChainKey, ...]:
    """The keys of ``settings.AUDIT_CHAIN_KEY`` (comma-separated), newest first."""
    materials = tuple(part.strip() for part in str(settings.AUDIT_CHAIN_KEY).split(",") if part.strip())
    if not materials:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY must hold at least one key (newest first)")
    return _derive_chain_keys(materials)


def chain_key(key_id: str) -> ChainKey | None:
    """The configured key with ``key_id``, or ``None`` (an old key dropped, or a forged id)."""
    return next((key for key in chain_keys() if key.key_id == key_id), None)


def canonical_form(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: its content as JSON with sorted keys, times in UTC."""
    content = {
        "id": event.id,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "actor_role": event.actor_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "source_address": event.source_address,
        "user_agent": event.user_agent,
        "details": event.details,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(previous: str, event: AuditEvent, *, key: ChainKey | None = None) -> str:
    """The keyed link of ``event`` after ``previous`` (under the newest key unless ``key`` says)."""
    key = key or chain_keys()[0]
    return hmac.new(key.secret, previous.encode("ascii") + canonical_form(event), hashlib.sha256).hexdigest()


def _database_now() -> datetime:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            value: datetime = cursor.fetchone()[0]
            return value
        cursor.execute("SELECT STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')")
        return datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=UTC)


def _take_sealer_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK_KEY])
    # SQLite: the transaction began IMMEDIATE (settings), which already holds the only write lock.


def audit_seal_pending(*, limit: int | None = None, grace: timedelta = SEAL_GRACE) -> AuditSeal | None:
    """Seal the next batch of up to ``limit`` (``settings.AUDIT_SEAL_BATCH``) events.

    Returns the new seal, or ``None`` when nothing was ready. Safe to run concurrently and
    repeatedly: sealers queue on one lock and each sees what the one before it sealed.
    """
    batch_size = limit if limit is not None else settings.AUDIT_SEAL_BATCH
    with transaction.atomic():
        _take_sealer_lock()
        cutoff = _database_now() - grace
        candidates = list(AuditEvent.objects.filter(sequence__isnull=True).order_by("id")[:batch_size])
        batch: list[AuditEvent] = []
        for event in candidates:
            if event.occurred_at > cutoff:
                break  # seal a prefix in id order; younger events wait for the next run
            batch.append(event)
        if not batch:
            return None
        last = AuditSeal.objects.order_by("-number").first()
        previous_root = last.root if last else AuditSeal.GENESIS
        first_sequence = last.last_sequence + 1 if last else 1
        key = chain_keys()[0]
        running = previous_root
        for offset, event in enumerate(batch):
            event.sequence = first_sequence + offset
            running = chain_hash(running, event, key=key)
            event.hash = running
        seal = AuditSeal.objects.create(
            number=last.number + 1 if last else 1,
            first_sequence=first_sequence,
            last_sequence=first_sequence + len(batch) - 1,
            count=len(batch),
            previous_root=previous_root,
            root=running,
            key_id=key.key_id,
            sealed_at=timezone.now(),
        )
        for event in batch:
            event.seal = seal
        AuditEvent.objects.bulk_update(batch, ["seal", "sequence", "hash"], batch_size=500)
        return seal


# Verifying ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # "altered", "removed", "reordered", "inserted", "seal", "key" or "published"
    message: str
    event_id: int | None = None
    seal_number: int | None = None
    sequence: int | None = None  # where in the chain, for the first point of divergence
    day: date | None = None  # the local date of that point

    def where(self) -> str:
        parts = [self.day.isoformat() if self.day else "date unknown"]
        parts.append(f"event {self.event_id}" if self.event_id is not None else "event unknown")
        if self.sequence is not None:
            parts.append(f"sequence {self.sequence}")
        if self.seal_number is not None:
            parts.append(f"seal {self.seal_number}")
        return ", ".join(parts)


@dataclass
class VerifyReport:
    events: int = 0  # sealed events replayed
    seals: int = 0
    unsealed: int = 0
    published: int = 0  # published day roots checked
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def kinds(self) -> set[str]:
        return {problem.kind for problem in self.problems}

    @property
    def first_divergence(self) -> Problem | None:
        """The problem earliest in the chain (lowest sequence; those without one come last)."""
        placed = [p for p in self.problems if p.sequence is not None]
        if placed:
            return min(placed, key=lambda p: (p.sequence, p.event_id or 0))
        return self.problems[0] if self.problems else None

    def summary(self) -> str:
        counts = (
            f"{self.events} events in {self.seals} seals, {self.unsealed} not yet sealed, "
            f"{self.published} published day roots"
        )
        if self.ok:
            return f"Audit log intact: {counts}"
        return f"Audit log NOT intact: {len(self.problems)} problem(s) found ({counts})"


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


class _Replay:
    """Walks the seals and the sealed events (both in order) side by side, once."""

    def __init__(self, report: VerifyReport, events: Iterator[AuditEvent]) -> None:
        self.report = report
        self.events = events
        self.pending: AuditEvent | None = next(events, None)
        self.root = AuditSeal.GENESIS  # root of the last seal replayed
        self.hash = AuditSeal.GENESIS  # stored hash of the last event replayed
        self.next_number = 1
        self.next_sequence = 1
        self.sealed_max_id = 0  # highest event id in the seals replayed so far

    def problem(self, kind: str, message: str, event: AuditEvent | None, seal: AuditSeal | None) -> None:
        if event is not None:
            sequence, day = event.sequence, _local_day(event.occurred_at)
        elif seal is not None:
            sequence, day = seal.first_sequence, _local_day(seal.sealed_at)
        else:
            sequence, day = None, None
        self.report.problems.append(
            Problem(kind, message, event.id if event else None, seal.number if seal else None, sequence, day)
        )

    def seal(self, seal: AuditSeal) -> None:
        self.report.seals += 1
        if seal.number != self.next_number:
            self.problem("seal", f"seal {seal.number} follows seal {self.next_number - 1}", None, seal)
        if seal.previous_root != self.root:
            self.problem(
                "seal", f"seal {seal.number} does not link to the root of the seal before it", None, seal
            )
        if seal.first_sequence > self.next_sequence:
            self.problem(
                "removed",
                f"sequence {self.next_sequence} to {seal.first_sequence - 1} is missing",
                None,
                seal,
            )
        elif seal.first_sequence < self.next_sequence:
            self.problem("seal", f"seal {seal.number} overlaps the seal before it", None, seal)
        if seal.last_sequence - seal.first_sequence + 1 != seal.count:
            self.problem("seal", f"seal {seal.number}'s range does not match its count", None, seal)
        key = chain_key(seal.key_id) if seal.key_id else None
        if key is None:
            named = (
                f"names key {seal.key_id!r}, which is not in AUDIT_CHAIN_KEY" if seal.key_id else "has no key"
            )
            self.problem("key", f"seal {seal.number} {named}: its events cannot be checked", None, seal)

        found = 0
        batch_max_id = 0
        expected = seal.first_sequence
        while self.pending is not None and (self.pending.sequence or 0) <= seal.last_sequence:
            event, self.pending = self.pending, next(self.events, None)
            assert event.sequence is not None
            found += 1
            if event.sequence > expected:
                self.problem(
                    "removed", f"sequence {expected} to {event.sequence - 1} is missing", event, seal
                )
            expected = event.sequence + 1
            if event.seal_id != seal.id:
                self.problem("seal", f"event {event.id} names another seal than its sequence", event, seal)
            if event.id <= batch_max_id:
                self.problem("reordered", f"event {event.id} comes after event {batch_max_id}", event, seal)
            elif event.id <= self.sealed_max_id:
                self.problem(
                    "inserted",
                    f"event {event.id} was inserted after events up to {self.sealed_max_id} were sealed",
                    event,
                    seal,
                )
            if key is not None and chain_hash(self.hash, event, key=key) != event.hash:
                self.problem(
                    "altered",
                    f"event {event.id} (sequence {event.sequence}) does not match its hash: "
                    "it, or the chain before it, was changed",
                    event,
                    seal,
                )
            self.hash = event.hash
            batch_max_id = max(batch_max_id, event.id)

        self.report.events += found
        if expected <= seal.last_sequence:
            self.problem("removed", f"sequence {expected} to {seal.last_sequence} is missing", None, seal)
        if found != seal.count:
            self.problem(
                "removed" if found < seal.count else "seal",
                f"seal {seal.number} holds {seal.count} events, found {found}",
                None,
                seal,
            )
        if self.hash != seal.root:
            self.problem("seal", f"seal {seal.number}'s root does not match its last event", None, seal)
        self.root = seal.root
        self.next_number = seal.number + 1
        self.next_sequence = seal.last_sequence + 1
        self.sealed_max_id = max(self.sealed_max_id, batch_max_id)

    def leftovers(self) -> None:
        while self.pending is not None:
            event, self.pending = self.pending, next(self.events, None)
            self.report.events += 1
            self.problem("seal", f"event {event.id} has sequence {event.sequence} but no seal", event, None)


def audit_verify(*, chunk_size: int = 2000, roots_dir: Path | None = None) -> VerifyReport:
    """Replay the whole chain from the first seal and report every inconsistency found.

    Streams events and seals, so memory stays flat however long the log is. The sealer may
    run meanwhile: the replay stops at the last seal that existed when it began (a seal and
    its events commit together), and what is sealed later counts as not yet sealed. Then
    every published day root (in ``roots_dir``, by default :func:`roots.roots_dir`) is checked
    against the seals: a root the database no longer holds means history was cut or rewritten.
    """
    report = VerifyReport()
    last = AuditSeal.objects.order_by("-number").values_list("number", "last_sequence").first()
    last_number, bound = last if last else (0, 0)

    sealed = AuditEvent.objects.filter(sequence__isnull=False, sequence__lte=bound).order_by("sequence")
    replay = _Replay(report, sealed.iterator(chunk_size))
    for seal in AuditSeal.objects.filter(number__lte=last_number).order_by("number").iterator(chunk_size):
        replay.seal(seal)
    replay.leftovers()

    later_seals = AuditSeal.objects.filter(number__gt=last_number).values("id")
    orphans = AuditEvent.objects.filter(sequence__gt=bound).exclude(seal__in=later_seals)
    for event_id, sequence in orphans.order_by("sequence").values_list("id", "sequence")[:1000]:
        report.problems.append(
            Problem(
                "seal", f"event {event_id} has sequence {sequence} but no seal", event_id, sequence=sequence
            )
        )

    unsealed = AuditEvent.objects.filter(Q(sequence__isnull=True) | Q(sequence__gt=bound))
    report.unsealed = unsealed.count()
    late = unsealed.filter(id__lt=replay.sealed_max_id).order_by("id").values_list("id", flat=True)
    for event_id in late[:1000]:
        report.problems.append(
            Problem(
                "inserted",
                f"event {event_id} appeared after events up to {replay.sealed_max_id} were sealed",
                event_id,
            )
        )

    published = roots.published_differences(roots_dir or roots.roots_dir())
    report.published = published.checked
    for difference in published.differences:
        report.problems.append(
            Problem(
                "published",
                difference.message,
                difference.event_id,
                difference.seal_number,
                difference.sequence,
                difference.day,
            )
        )
    return report
