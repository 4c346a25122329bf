"""Time-based one-time codes (RFC 6238) and recovery codes: the pure parts, no database."""

from __future__ import annotations

import hmac
import re
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.utils.html import escape

from layanan.core.crypto import blind_index

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code read from paper is typed right the first time.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_SPACES = re.compile(r"[\s\-]")


def new_secret() -> str:
    """A fresh 160-bit base32 secret."""
    return pyotp.random_base32(32)


def clock() -> float:
    """Seconds since the epoch; tests replace this to fix the time."""
    return time.time()


def current_step(now: float | None = None) -> int:
    return int((clock() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The step (now, one before, or one after) whose code is ``code``; ``None`` if none matches."""
    if not secret or not is_totp_shaped(code):
        return None
    step = current_step(now)
    found = None
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(code_at(secret, candidate), code):
            found = candidate
    return found


def normalize_code(raw: str) -> str:
    return _SPACES.sub("", raw or "").lower()


def is_totp_shaped(code: str) -> bool:
    return len(code) == DIGITS and code.isdigit()


def is_recovery_shaped(code: str) -> bool:
    return len(code) == _RECOVERY_LENGTH and all(c in _RECOVERY_ALPHABET for c in code)


def group_secret(secret: str) -> str:
    """``JBSWY3DPEHPK3PXP`` → ``JBSW Y3DP EHPK 3PXP``, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, account: str) -> str:
    issuer: str = settings.TOTP_ISSUER
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_svg(uri: str, *, label: str) -> str:
    """Inline SVG markup of a QR code for ``uri`` (no external image, no inline style)."""
    qr = segno.make(uri, error="m")
    svg: str = qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", svgclass="qr", lineclass=None)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    return [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH)) for _ in range(count)
    ]


def format_recovery_code(code: str) -> str:
    """``abcdefghjk`` → ``abcde-fghjk``."""
    half = _RECOVERY_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def recovery_code_hash(code: str, *, user_id: int) -> str:
    """Keyed hash of a normalized recovery code, bound to its user."""
    return blind_index(normalize_code(code), purpose=f"accounts.recovery-code.{user_id}")
