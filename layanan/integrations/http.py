"""What every adapter's HTTP client shares: requests with the standard library, errors, signatures.

Two kinds of failure, because they are handled differently:

- :class:`RemoteUnavailable`: the remote system did not answer, timed out, or answered 5xx or
  429. Worth trying again later (the tasks back off, :func:`backoff`).
- :class:`RemoteRefused`: the remote system answered 4xx: our request is wrong or not wanted.
  Trying again would not help; the row is marked failed for an administrator to look at.

Neither carries the request or the answer's body: only the HTTP status and a short code, so no
personal data reaches a log or the database through an error.

Signatures (SIAK callbacks, OpenSID in both directions): ``HMAC-SHA256(secret, timestamp + "." +
body)`` in hex, sent as ``X-Layanan-Timestamp`` (Unix seconds) and ``X-Layanan-Signature``
(``sha256=<hex>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

TIMESTAMP_HEADER = "X-Layanan-Timestamp"
SIGNATURE_HEADER = "X-Layanan-Signature"

# Retries: 1, 2, 4, 8 ... minutes, at most 6 hours apart.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MOST = timedelta(hours=6)


class RemoteError(Exception):
    """A request to a remote system failed; ``code`` is short and safe to store and log."""

    def __init__(self, code: str, status: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


class RemoteUnavailable(RemoteError):
    """No answer, a timeout, 5xx or 429: try again later."""


class RemoteRefused(RemoteError):
    """A 4xx answer (or an answer we cannot read): trying again would not help."""


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1, 2, 4 ... minutes, capped)."""
    delay = BACKOFF_FIRST * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_MOST)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RemoteRefused("unreadable_answer", self.status) from None
        if not isinstance(data, dict):
            raise RemoteRefused("unreadable_answer", self.status)
        return data


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float,
) -> Answer:
    """One HTTP request; the answer of a 2xx, else :class:`RemoteUnavailable`/:class:`RemoteRefused`."""
    prepared = urllib.request.Request(url, data=body, method=method)  # noqa: S310  # http(s) from env_url / the admin
    for name, value in (headers or {}).items():
        prepared.add_header(name, value)
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:  # noqa: S310  # nosec B310  # http(s) only
            return Answer(response.status, response.headers.get_content_type(), response.read())
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 429 or error.code >= 500:
            raise RemoteUnavailable(f"http_{error.code}", error.code) from None
        raise RemoteRefused(f"http_{error.code}", error.code) from None
    except TimeoutError:
        raise RemoteUnavailable("timeout") from None
    except urllib.error.URLError as error:
        code = "timeout" if isinstance(error.reason, TimeoutError) else "unreachable"
        raise RemoteUnavailable(code) from None
    except OSError:
        raise RemoteUnavailable("connection_lost") from None


def json_body(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


@dataclass(frozen=True)
class FilePart:
    field: str
    filename: str
    content_type: str
    content: bytes


def multipart(fields: Mapping[str, str], files: Sequence[FilePart]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its content type."""
    boundary = f"----layanan{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    for part in files:
        parts.append(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{part.field}"; filename="{part.filename}"\r\n'
                f"Content-Type: {part.content_type}\r\n\r\n"
            ).encode()
            + part.content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- signatures ----------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp + "." + body``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The two headers that sign ``body`` now."""
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


class SignatureProblem(Exception):
    """Why a signed request is refused: ``missing``, ``stale``, ``bad`` (safe to log)."""


def signature_check(
    *, secret: str, timestamp: str, given: str, body: bytes, max_age: int, now: float | None = None
) -> None:
    """Refuse a request whose signature is missing, wrong, or whose timestamp is too old or new."""
    if not secret or not timestamp or not given:
        raise SignatureProblem("missing")
    try:
        stamped = int(timestamp)
    except ValueError:
        raise SignatureProblem("bad") from None
    current = time.time() if now is None else now
    if abs(current - stamped) > max_age:
        raise SignatureProblem("stale")
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), given.strip().encode()):
        raise SignatureProblem("bad")
