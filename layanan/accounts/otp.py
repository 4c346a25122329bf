"""One-time codes: made, sent, checked. The code is never stored, logged or kept in the message log.

A code is ``OTP_DIGITS`` (6+) random digits, valid ``OTP_TTL_SECONDS`` (10 minutes
at most), bound to one purpose and one destination, good for ``OTP_MAX_ATTEMPTS``
tries and used once. The database keeps only an HMAC of it under ``OTP_HASH_KEY``
(derived from ``SECRET_KEY`` when not set), which the database does not hold.

Sending is limited per destination (``OTP_PER_DESTINATION_PER_HOUR``, counted in
the database, at most one every ``OTP_RESEND_SECONDS``) and per client address
(``OTP_PER_ADDRESS_PER_HOUR``, in the cache). A code goes out at once, in the
request, through the notifications channel backends (``ACCOUNTS_MESSAGE_SENDER``,
``notifications/direct.py``) (WhatsApp or SMS as the
person chose, the other one if the first fails; email for an email address):
queueing it would mean storing it. The delivery log gets a row like every other
message, with the channel and the gateway's answer and no text: its data is
empty, so a retry or a delivery report can never send it again.

A *blocked* code is one that was not sent (an unknown account asked to sign in,
someone typed a number another person has proven): it is recorded like the
others and counts against the same limits, so the pages and the limits answer
the same whatever exists, but no typed code ever matches it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from layanan.accounts import ratelimit
from layanan.accounts.models import OneTimeCode, User
from layanan.accounts.phone import mask_phone
from layanan.core.crypto import blind_index

logger = logging.getLogger(__name__)

Purpose = OneTimeCode.Purpose
DESTINATION_PURPOSE = "accounts.otp.destination"
PHONE_CHANNELS = ("whatsapp", "sms")
CODE_EVENT = "accounts.code"


class CodeRefused(Exception):
    """No code may be sent now; ``wait_seconds`` until one may."""

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Issued:
    token: str
    masked: str  # where it went, masked: 0812****7890, s***@contoh.id
    shown_code: str = ""  # development with the console channel only (OTP_SHOW_CODE_ON_CONSOLE)


@dataclass(frozen=True)
class Checked:
    ok: bool
    code: OneTimeCode | None = None
    reason: str = ""  # wrong, expired, used, exhausted, unknown


# --- hashing ------------------------------------------------------------------------------------------


def _key() -> bytes:
    configured: str = settings.OTP_HASH_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"layanan.accounts.otp\x00" + settings.SECRET_KEY.encode()).digest()


def code_hash(*, token: str, code: str) -> str:
    """The HMAC kept in place of ``code`` (bound to its row's token, so equal codes hash apart)."""
    return hmac.new(_key(), f"{token}\x00{code}".encode(), hashlib.sha256).hexdigest()


def normalize_destination(destination: str) -> str:
    return destination.strip().lower() if "@" in destination else destination.strip()


def destination_hash(destination: str) -> str:
    return blind_index(normalize_destination(destination), purpose=DESTINATION_PURPOSE)


def mask(destination: str) -> str:
    if "@" in destination:
        local, _at, domain = destination.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(destination)


def new_code() -> str:
    digits: int = settings.OTP_DIGITS
    return str(secrets.randbelow(10**digits)).zfill(digits)


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw or "" if not ch.isspace() and ch != "-")


# --- limits -------------------------------------------------------------------------------------------


def send_wait(*, destination: str, request: HttpRequest | None) -> int:
    """Seconds until a code may be sent to ``destination`` from this request's address; 0: now."""
    now = timezone.now()
    digest = destination_hash(destination)
    sent = OneTimeCode.objects.filter(destination_hash=digest, created_at__gte=now - timedelta(hours=1))
    waits = [0]
    latest = sent.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is not None:
        waits.append(
            math.ceil((latest + timedelta(seconds=settings.OTP_RESEND_SECONDS) - now).total_seconds())
        )
    if sent.count() >= settings.OTP_PER_DESTINATION_PER_HOUR:
        oldest = sent.order_by("created_at").values_list("created_at", flat=True).first()
        if oldest is not None:
            waits.append(math.ceil((oldest + timedelta(hours=1) - now).total_seconds()))
    if request is not None:
        waits.append(ratelimit.otp_send_per_address().wait_seconds(ratelimit.client_address(request)))
    return max(max(waits), 0)


# --- issuing ------------------------------------------------------------------------------------------


def code_issue(
    *,
    purpose: str,
    destination: str,
    channel: str,
    user: User | None,
    request: HttpRequest | None,
    pending: dict[str, Any] | None = None,
    blocked: bool = False,
    notice: str = "",
    consent_office: str = "",
) -> Issued:
    """Make a code for ``purpose`` and send it to ``destination`` (a ``+62…`` phone or an email).

    ``channel``: ``whatsapp`` or ``sms`` for a phone (the other is tried when it fails),
    ignored for an email. ``blocked``: record a code that is never sent and never
    matches; ``notice`` then names a warning sent instead (see :func:`notice_send`).
    ``consent_office``: the code is the citizen's consent to an operator of that office
    applying on their behalf (``layanan/assisted``); its text says so and that the code is
    given to the operator, instead of "never give this code to anyone".
    Raises :class:`CodeRefused` when the limits say wait.
    """
    wait = send_wait(destination=destination, request=request)
    if wait:
        raise CodeRefused(wait)
    if "@" in destination:
        channel = "email"
    elif channel not in PHONE_CHANNELS:
        channel = "sms"
    token = secrets.token_urlsafe(32)
    code = new_code()
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.create(
            token=token,
            purpose=purpose,
            user=user,
            channel=channel,
            destination=normalize_destination(destination),
            destination_hash=destination_hash(destination),
            code_hash=code_hash(token=token, code=new_code() if blocked else code),
            blocked=blocked,
            pending=json.dumps(pending or {}),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
    if request is not None:
        ratelimit.otp_send_per_address().fail(ratelimit.client_address(request))
    shown = ""
    if not blocked:
        used = _send_code(
            code=code, channel=channel, destination=destination, user=user, consent_office=consent_office
        )
        if used == "console" and settings.OTP_SHOW_CODE_ON_CONSOLE:
            shown = code
    elif notice:
        notice_send(notice=notice, destination=destination, user=user, channel=channel)
    return Issued(token=token, masked=mask(destination), shown_code=shown)


def code_reissue(*, token: str, request: HttpRequest | None) -> Issued | None:
    """A new code in place of the one ``token`` names (same purpose, destination, data); None if gone.

    The old code stops working. Limited like any other sending (raises :class:`CodeRefused`).
    """
    old = OneTimeCode.objects.filter(token=token, used_at__isnull=True).first()
    if old is None:
        return None
    issued = code_issue(
        purpose=old.purpose,
        destination=old.destination,
        channel=old.channel,
        user=old.user,
        request=request,
        pending=json.loads(old.pending or "{}"),
        blocked=old.blocked,
    )
    OneTimeCode.objects.filter(pk=old.pk, used_at__isnull=True).update(used_at=timezone.now())
    return issued


def code_check(*, token: str, code: str, purposes: tuple[str, ...]) -> Checked:
    """Check ``code`` against the code ``token`` names; on a match it is used up.

    Each try counts; after ``OTP_MAX_ATTEMPTS`` wrong ones, an expired or a used code,
    nothing matches any more. A blocked code never matches.
    """
    code = normalize_code(code)
    with transaction.atomic():
        row = OneTimeCode.objects.select_for_update().filter(token=token, purpose__in=purposes).first()
        if row is None:
            return Checked(False, reason="unknown")
        if row.used_at is not None:
            return Checked(False, row, "used")
        if row.expires_at <= timezone.now():
            return Checked(False, row, "expired")
        if row.attempts >= settings.OTP_MAX_ATTEMPTS:
            return Checked(False, row, "exhausted")
        row.attempts += 1
        matches = hmac.compare_digest(row.code_hash, code_hash(token=row.token, code=code))
        if matches and not row.blocked:
            row.used_at = timezone.now()
            row.save(update_fields=["attempts", "used_at"])
            return Checked(True, row)
        row.save(update_fields=["attempts"])
    return Checked(False, row, "wrong")


def pending_of(row: OneTimeCode) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(row.pending or "{}")
    return data


# --- sending ------------------------------------------------------------------------------------------


def _language(user: User | None) -> str:
    language = user.preferred_language if user is not None else ""
    return language if language in ("id", "en") else "id"


def _send_code(
    *, code: str, channel: str, destination: str, user: User | None, consent_office: str = ""
) -> str:
    """Send ``code``; returns the backend name that took it ('' when every channel failed)."""
    with translation.override(_language(user)):
        minutes = settings.OTP_TTL_SECONDS // 60
        if consent_office:
            text = _(
                "Kode persetujuan Lampura: %(code)s. Berikan kode ini kepada operator %(office)s hanya "
                "jika Anda setuju ia mengajukan permohonan atas nama Anda. Berlaku %(minutes)d menit."
            ) % {"code": code, "minutes": minutes, "office": consent_office}
        else:
            text = _(
                "Kode Lampura Anda: %(code)s. Berlaku %(minutes)d menit. Jangan berikan kode ini kepada "
                "siapa pun, termasuk petugas."
            ) % {"code": code, "minutes": minutes}
        subject = _("Kode Lampura Anda")
    return _deliver(
        event=CODE_EVENT,
        subject=subject,
        text=text,
        template="layanan_accounts_code",
        parameters=[code],
        channel=channel,
        destination=destination,
        user=user,
    )


NOTICES = ("register_attempt", "phone_changed", "email_changed", "phone_taken_back", "email_taken_back")


def notice_send(*, notice: str, destination: str, user: User | None, channel: str = "sms") -> str:
    """A warning about the account (no secret in it) straight to ``destination``; the backend used."""
    if notice not in NOTICES:
        raise ValueError(notice)
    with translation.override(_language(user)):
        texts = {
            "register_attempt": _(
                "Seseorang mencoba mendaftar akun Lampura dengan nomor HP ini. Nomor ini sudah "
                "terdaftar: jika itu Anda, masuk saja, atau atur ulang kata sandi di halaman masuk. "
                "Jika bukan Anda, abaikan pesan ini."
            ),
            "phone_changed": _(
                "Nomor HP akun Lampura Anda baru saja diganti. Jika bukan Anda yang menggantinya, "
                "segera hubungi kantor layanan."
            ),
            "email_changed": _(
                "Email akun Lampura Anda baru saja diganti. Jika bukan Anda yang menggantinya, "
                "segera hubungi kantor layanan."
            ),
            "phone_taken_back": _(
                "Pemilik nomor HP yang tercatat di akun Lampura Anda sudah membuktikan nomor itu dengan "
                "kode. Akun Anda tidak lagi memakai nomor itu. Masuk dengan email ini untuk "
                "menambahkan nomor HP Anda sendiri, atau hubungi kantor layanan."
            ),
            "email_taken_back": _(
                "Pemilik alamat email ini sudah membuktikannya dengan kode dan memakainya untuk akun "
                "Lampura lain. Akun Anda tidak lagi memakai email ini."
            ),
        }
        subject = _("Keamanan akun Lampura Anda")
    return _deliver(
        event=f"accounts.{notice}",
        subject=subject,
        text=texts[notice],
        template=f"layanan_accounts_{notice}",
        parameters=[],
        channel=channel,
        destination=destination,
        user=user,
    )


def _plan(channel: str, destination: str) -> list[str]:
    configured = list(settings.NOTIFY_CHANNELS)
    if "@" in destination:
        return ["email"] if "email" in configured else []
    order = [channel, *[c for c in PHONE_CHANNELS if c != channel]]
    return [c for c in order if c in configured]


def _deliver(
    *,
    event: str,
    subject: str,
    text: str,
    template: str,
    parameters: list[str],
    channel: str,
    destination: str,
    user: User | None,
) -> str:
    """Hand the text to ``ACCOUNTS_MESSAGE_SENDER`` (the notifications app's direct sender).

    A setting rather than an import: accounts sits below notifications in the layers
    (tests/test_layers.py), so the sender is plugged in like a Django backend.
    """
    sender = import_string(settings.ACCOUNTS_MESSAGE_SENDER)
    used: str = sender(
        event=event,
        channels=_plan(channel, destination),
        destination=destination,
        user=user,
        language=_language(user),
        subject=subject,
        text=text,
        whatsapp_template=template,
        parameters=parameters,
    )
    return used
