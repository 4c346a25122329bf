"""Signing a delivery, and checking a signature as a receiver does (docs/webhooks.md, "Verifying").

``Layanan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, one ``v1`` per
secret in use (two for a while after a rotation). The timestamp is part of what is signed, so a
receiver that refuses old timestamps (:func:`verify`, ``tolerance``) refuses a replayed request.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

HEADER = "Layanan-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], body: bytes, *, timestamp: int | None = None) -> str:
    """The header value for ``body`` signed now (or at ``timestamp``) with each of ``secrets``."""
    at = int(time.time()) if timestamp is None else timestamp
    parts = [f"t={at}", *(f"{SCHEME}={_mac(secret, at, body)}" for secret in secrets if secret)]
    return ",".join(parts)


def verify(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, at most ``tolerance`` seconds ago.

    What a receiver runs on the raw request body before it trusts anything in it. False for a
    malformed header, a body changed on the way, another secret, or a timestamp further than
    ``tolerance`` from the receiver's clock (either way).
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    timestamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    clock = time.time() if now is None else now
    if abs(clock - timestamp) > tolerance:
        return False
    expected = _mac(secret, timestamp, raw)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
