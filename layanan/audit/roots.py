"""Each day's last seal root, published where whoever runs the database cannot rewrite it.

The keyed chain (:mod:`layanan.audit.services`) stops anyone without ``AUDIT_CHAIN_KEY`` from
rewriting events and recomputing their hashes. It cannot stop the tail of the log from being cut
off (the last seals and their events deleted, triggers dropped): what is left still chains. So
once a day the root of the day's last seal is published, outside the database:

- a file per day, ``<AUDIT_ROOTS_DIR>/YYYY-MM-DD.json`` (default ``VAR_DIR/audit-roots``),
  written once and never overwritten, holding a *statement* (the day, the seal range, the
  first and last event ids, the root, the chain key's id) and an Ed25519 signature over its
  canonical JSON by ``AUDIT_ROOTS_SIGNING_KEY``. The database owner holds neither the folder
  nor the key; back the folder up with the other secrets, not with the database;
- with ``AUDIT_ROOTS_EMAIL``, the same files mailed to the inspectorate (one message per run
  with every day not yet sent), so a copy sits where not even the platform's host can reach;
- with ``AUDIT_ROOTS_TIMESTAMP``, an RFC 3161 timestamp of each file by the regency's TSA
  (``DOCUMENT_TSA_URL``), kept beside it as ``YYYY-MM-DD.tsr``: an outside party dates the root.
  ``audit_verify`` checks that each token covers its file; the TSA's signature on the token is
  checked with its certificate by anyone (``openssl ts -verify -data YYYY-MM-DD.json -in
  YYYY-MM-DD.tsr -token_in -CAfile tsa-root.pem``).

``audit_verify`` checks every published file against the seals (:func:`published_differences`).
The statements hold hashes, counts and ids only, never personal data.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import cms
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db.models.functions import TruncDate
from django.utils import timezone
from pyhanko.sign.timestamps import HTTPTimeStamper

from layanan.audit.models import AuditEvent, AuditSeal

FORMAT = "layanan-audit-root/1"
_NAME_LENGTH = len("YYYY-MM-DD.json")

logger = logging.getLogger(__name__)


class RootFileError(Exception):
    """A published file that is not a statement signed by this platform."""


# Keys ---------------------------------------------------------------------------------------------


def _signing_key() -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(str(settings.AUDIT_ROOTS_SIGNING_KEY), validate=True)
    except (binascii.Error, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured("AUDIT_ROOTS_SIGNING_KEY must be base64 of a 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text() -> str:
    """The verifying key (base64 of the raw 32 bytes), to hand to whoever keeps a copy of the roots."""
    raw = _signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


# Statements ---------------------------------------------------------------------------------------


def roots_dir() -> Path:
    configured = str(getattr(settings, "AUDIT_ROOTS_DIR", "") or "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit-roots"


def canonical(statement: dict[str, Any]) -> bytes:
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def day_statement(day: date) -> dict[str, Any] | None:
    """What is published for ``day`` (local date of ``sealed_at``): ``None`` when nothing was sealed."""
    seals = AuditSeal.objects.filter(sealed_at__date=day).order_by("number")
    first, last = seals.first(), seals.last()
    if first is None or last is None:
        return None
    ids = dict(
        AuditEvent.objects.filter(sequence__in=[first.first_sequence, last.last_sequence]).values_list(
            "sequence", "id"
        )
    )
    return {
        "format": FORMAT,
        "date": day.isoformat(),
        "time_zone": settings.TIME_ZONE,
        "first_seal": first.number,
        "seal": last.number,
        "first_sequence": first.first_sequence,
        "last_sequence": last.last_sequence,
        "first_event_id": ids.get(first.first_sequence),
        "last_event_id": ids.get(last.last_sequence),
        "previous_root": first.previous_root,
        "root": last.root,
        "key_id": last.key_id,
        "regency": settings.REGENCY["code"],
    }


def statement_sign(statement: dict[str, Any]) -> dict[str, Any]:
    signature = _signing_key().sign(canonical(statement))
    return {
        "statement": statement,
        "signature": base64.b64encode(signature).decode("ascii"),
        "public_key": public_key_text(),
    }


def statement_read(path: Path, *, public_key: str | None = None) -> dict[str, Any]:
    """The statement in ``path``, once its signature checks out under ``public_key`` (by default
    this platform's own); :class:`RootFileError` otherwise."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        statement, signature = document["statement"], base64.b64decode(document["signature"], validate=True)
    except (OSError, ValueError, KeyError, TypeError, binascii.Error):
        raise RootFileError("not a published root file") from None
    try:
        _public_key(public_key or public_key_text()).verify(signature, canonical(statement))
    except (InvalidSignature, ValueError, binascii.Error):
        raise RootFileError("its signature is not this platform's") from None
    if statement.get("format") != FORMAT or f"{statement.get('date')}.json" != path.name:
        raise RootFileError("its statement is for another file")
    return dict(statement)


def _published_days(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.glob("????-??-??.json")
        if len(path.name) == _NAME_LENGTH and path.name[:4].isdigit()
    )


# Publishing ---------------------------------------------------------------------------------------


@dataclass
class PublishResult:
    written: list[Path] = field(default_factory=list)
    emailed: list[Path] = field(default_factory=list)
    timestamped: list[Path] = field(default_factory=list)


def _days_to_publish(folder: Path, today: date) -> list[date]:
    published = _published_days(folder)
    seals = AuditSeal.objects.all()
    if published:
        after = date.fromisoformat(published[-1].stem) + timedelta(days=1)
        seals = seals.filter(sealed_at__gte=timezone.make_aware(datetime.combine(after, time.min)))
    days = seals.annotate(day=TruncDate("sealed_at")).values_list("day", flat=True).distinct()
    return sorted(day for day in set(days) if day < today)


def _write_once(path: Path, text: str) -> bool:
    """Create ``path`` with ``text``; False (and nothing written) when it already exists."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True


def audit_roots_publish(*, today: date | None = None) -> PublishResult:
    """Publish every finished day (before ``today``, local time) not yet published, then mail the
    files the inspectorate has not had yet. Safe to run again: a file is written once."""
    today = today or timezone.localdate()
    folder = roots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    result = PublishResult()
    for day in _days_to_publish(folder, today):
        statement = day_statement(day)
        if statement is None:
            continue
        path = folder / f"{day.isoformat()}.json"
        if _write_once(path, json.dumps(statement_sign(statement), indent=2, sort_keys=True) + "\n"):
            result.written.append(path)
            logger.info("Published the audit root of %s (seal %s).", day.isoformat(), statement["seal"])
    if settings.AUDIT_ROOTS_TIMESTAMP:
        result.timestamped = _timestamp_unstamped(folder)
    if settings.AUDIT_ROOTS_EMAIL:
        result.emailed = _email_unsent(folder)
    return result


def _timestamp_token(data: bytes) -> bytes:
    """An RFC 3161 token (DER) from the regency's TSA over SHA-256 of ``data``."""
    url = str(settings.DOCUMENT_TSA_URL)
    if not url:
        raise ImproperlyConfigured("AUDIT_ROOTS_TIMESTAMP needs DOCUMENT_TSA_URL (the regency's TSA)")
    headers = {}
    if settings.DOCUMENT_TSA_USER:
        pair = f"{settings.DOCUMENT_TSA_USER}:{settings.DOCUMENT_TSA_PASSWORD}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    stamper = HTTPTimeStamper(url, timeout=settings.DOCUMENT_TSA_TIMEOUT_SECONDS, headers=headers)
    token = asyncio.run(stamper.async_timestamp(hashlib.sha256(data).digest(), "sha256"))
    return bytes(token.dump())


def _timestamp_unstamped(folder: Path) -> list[Path]:
    done = []
    for path in _published_days(folder):
        token_path = path.with_suffix(".tsr")
        if token_path.exists():
            continue
        token_path.write_bytes(_timestamp_token(path.read_bytes()))
        done.append(path)
    return done


def timestamp_problem(path: Path) -> str:
    """Why the token beside ``path`` does not cover it ("" when it does, or there is none)."""
    token_path = path.with_suffix(".tsr")
    if not token_path.exists():
        return ""
    try:
        signed = cms.ContentInfo.load(token_path.read_bytes())["content"]
        info = signed["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]
        algorithm, digest = imprint["hash_algorithm"]["algorithm"].native, imprint["hashed_message"].native
    except (ValueError, KeyError, TypeError):
        return "its timestamp token cannot be read"
    if algorithm != "sha256" or digest != hashlib.sha256(path.read_bytes()).digest():
        return "its timestamp token is for other content"
    return ""


def _email_unsent(folder: Path) -> list[Path]:
    unsent = [path for path in _published_days(folder) if not path.with_suffix(".emailed").exists()]
    if not unsent:
        return []
    platform = settings.REGENCY["platform_name"]
    days = ", ".join(path.stem for path in unsent)
    message = EmailMessage(
        subject=f"[{platform}] Akar log audit {days}",
        body=(
            f"Akar harian log audit {platform} ({settings.REGENCY['name']}): {days}.\n"
            "Simpan berkas terlampir. Kunci publik penandatangan:\n"
            f"{public_key_text()}\n"
        ),
        to=list(settings.AUDIT_ROOTS_EMAIL),
    )
    for path in unsent:
        message.attach(path.name, path.read_text(encoding="utf-8"), "application/json")
    message.send()
    for path in unsent:
        path.with_suffix(".emailed").touch()
    return unsent


# Checking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    message: str
    event_id: int | None
    seal_number: int | None
    sequence: int | None
    day: date | None


@dataclass
class Published:
    checked: int = 0
    differences: list[Difference] = field(default_factory=list)


def published_differences(folder: Path, *, public_key: str | None = None) -> Published:
    """Every published day in ``folder`` compared with the seals in the database."""
    result = Published()
    last = AuditSeal.objects.order_by("-number").values_list("number", "last_sequence").first()
    held = last[1] if last else 0
    for path in _published_days(folder):
        day = date.fromisoformat(path.stem)
        try:
            statement = statement_read(path, public_key=public_key)
        except RootFileError as error:
            result.differences.append(Difference(f"{path.name}: {error}", None, None, None, day))
            continue
        result.checked += 1
        stamp = timestamp_problem(path)
        if stamp:
            result.differences.append(Difference(f"{path.name}: {stamp}", None, None, None, day))
        number, first_sequence = statement["seal"], statement["first_sequence"]
        seal = AuditSeal.objects.filter(number=number).first()
        if seal is None:
            whole_day = held < first_sequence
            result.differences.append(
                Difference(
                    f"{day.isoformat()}: seal {number} (sequence {first_sequence} to "
                    f"{statement['last_sequence']}, events {statement['first_event_id']} to "
                    f"{statement['last_event_id']}) was published but is gone: "
                    f"the log ends at sequence {held}",
                    statement["first_event_id"] if whole_day else None,
                    number,
                    first_sequence if whole_day else held + 1,
                    day,
                )
            )
        elif (seal.root, seal.last_sequence, seal.key_id) != (
            statement["root"],
            statement["last_sequence"],
            statement["key_id"],
        ):
            result.differences.append(
                Difference(
                    f"{day.isoformat()}: seal {number} does not match the root published for that day: "
                    "the log up to it was rewritten",
                    statement["first_event_id"],
                    number,
                    first_sequence,
                    day,
                )
            )
    return result
