"""Twilio's webhook format: the request signature and the form-encoded bodies, read without the database.

Twilio posts ``application/x-www-form-urlencoded`` bodies and signs each request in
``X-Twilio-Signature``: base64 of HMAC-SHA1, keyed with the account's auth token, over the full
URL Twilio called (scheme, host, path and query string) followed by every POST parameter's name
and value, sorted by name, without separators
(https://www.twilio.com/docs/usage/webhooks/webhooks-security). Behind a proxy the URL the
platform sees is not the one Twilio called: ``SMS_TWILIO_WEBHOOK_BASE_URL`` gives it.

- incoming SMS (``/webhook/sms/twilio/``): ``MessageSid`` (older: ``SmsSid``), ``From``, ``To``,
  ``Body``, ``NumMedia`` and Twilio's other fields; a message with media and no words is not text;
- status callback (``/webhook/sms/twilio/status/``): ``MessageSid``, ``MessageStatus``
  (queued, sending, sent, delivered, undelivered, failed, read...) and ``ErrorCode`` on a failure;
  the callback URL we gave when sending carries our reference as ``?ref=``.

Logs never hold a field of these bodies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit, urlunsplit

from layanan.accounts.phone import sender_number
from layanan.inbound.payloads import (
    GATEWAY_ID_MAX,
    SENDER_MAX,
    Incoming,
    PayloadError,
    StatusReport,
)

FIELDS_MAX = 100  # Twilio sends about 20 fields, plus two per media item (at most 10)

# Twilio's MessageStatus → the delivery log's words; queued, sending, accepted, scheduled,
# canceled... say nothing the log does not know already and are ignored.
TWILIO_STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


def form_fields(body: bytes) -> dict[str, list[str]]:
    """Every field of a form-encoded body, each with all its values; PayloadError when unreadable."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError("not UTF-8") from error
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=FIELDS_MAX)
    except ValueError as error:
        raise PayloadError("bad form body") from error


def signature_of(*, token: str, url: str, fields: dict[str, list[str]]) -> str:
    """Twilio's signature of a request to ``url`` with ``fields``: base64(HMAC-SHA1(token, url + pairs))."""
    signed = url + "".join(name + value for name in sorted(fields) for value in sorted(set(fields[name])))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _port_variants(url: str) -> list[str]:
    """``url`` as given, and with the scheme's default port dropped or added (Twilio's libraries try both)."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    if default is None or parts.hostname is None:
        return [url]
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port is None:
        other = urlunsplit(parts._replace(netloc=f"{host}:{default}"))
    elif parts.port == default:
        other = urlunsplit(parts._replace(netloc=host))
    else:
        return [url]
    return [url, other]


def signature_valid(*, token: str, url: str, fields: dict[str, list[str]], header: str) -> bool:
    """Whether ``header`` is Twilio's signature of this request. An empty token refuses everything."""
    if not token or not header:
        return False
    given = header.strip().encode("ascii", "replace")
    return any(
        hmac.compare_digest(signature_of(token=token, url=candidate, fields=fields).encode(), given)
        for candidate in _port_variants(url)
    )


def _one(fields: dict[str, list[str]], name: str, *, limit: int, required: bool = True) -> str:
    values = fields.get(name) or [""]
    value = values[0].strip()
    if required and not value:
        raise PayloadError(f"{name} missing")
    if len(value) > limit:
        raise PayloadError(f"{name} too long")
    return value


def message_parse(fields: dict[str, list[str]]) -> Incoming:
    """The incoming SMS of a Twilio messaging webhook."""
    gateway_id = _one(fields, "MessageSid", limit=GATEWAY_ID_MAX, required=False) or _one(
        fields, "SmsSid", limit=GATEWAY_ID_MAX
    )
    sender = _one(fields, "From", limit=SENDER_MAX)
    text = (fields.get("Body") or [""])[0]
    try:
        media = int(_one(fields, "NumMedia", limit=4, required=False) or 0)
    except ValueError as error:
        raise PayloadError("NumMedia not a number") from error
    return Incoming(
        channel="sms",
        gateway_id=gateway_id,
        sender=sender,
        text=text,
        is_text=bool(text.strip()) or media == 0,
        origin=sender_number(sender, channel="sms"),
    )


def status_parse(fields: dict[str, list[str]], *, client_ref: str) -> StatusReport | None:
    """The status callback, or None when its ``MessageStatus`` is not one the delivery log records."""
    gateway_id = _one(fields, "MessageSid", limit=GATEWAY_ID_MAX, required=False) or _one(
        fields, "SmsSid", limit=GATEWAY_ID_MAX
    )
    word = (
        _one(fields, "MessageStatus", limit=40, required=False) or _one(fields, "SmsStatus", limit=40)
    ).lower()
    status = TWILIO_STATUSES.get(word)
    if status is None:
        return None
    code = _one(fields, "ErrorCode", limit=10, required=False)
    return StatusReport(
        channel="sms",
        gateway_ref=gateway_id,
        key="",
        status=status,
        at=None,
        client_ref=client_ref[:GATEWAY_ID_MAX],
        error_code=f"twilio_{code}" if code.isdigit() and status == "failed" else "",
    )
