"""The gateways' webhook formats: signatures and bodies, read strictly and without the database.

**SMS gateway** (the platform's generic format; see ``docs/inbound.md``):

- incoming message: ``POST /webhook/sms/`` with JSON ``{"id": "...", "from": "0812...",
  "text": "..."}`` or the same three fields form-encoded; ``from`` is read by
  :func:`layanan.accounts.phone.sender_number` (``08…`` local, ``62…``/``+<country>…``
  international, anything else unreadable);
- delivery report: ``POST /webhook/sms/status/`` with ``{"id": "<gateway id>", "ref": "<our
  reference>", "status": "delivered", "at": "2026-01-31T08:00:00Z"}`` (``id`` or ``ref``
  required, ``at`` optional; a failure may carry the gateway's ``error_code`` and
  ``error_message``), JSON or form-encoded; the message is found by the gateway's id (as it
  answered when we sent), else by our reference;
- both signed: header ``X-Signature: <hex HMAC-SHA256 of the raw body with SMS_WEBHOOK_SECRET>``
  (a ``sha256=`` prefix is accepted).

**WhatsApp Business Cloud API**: Meta's ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
body with the app secret>`` and its ``entry[].changes[].value`` with ``messages[]`` and
``statuses[]``. A message's ``from`` is the sender's ``wa_id``: always international, without
the plus (``819012345678`` is Japan); a failed status's ``errors[0]`` gives its code and words.

:class:`PayloadError` means the body as a whole is unreadable (→ 400). A single bad item inside
a good WhatsApp body is skipped and counted, so the rest is still handled.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from django.utils.dateparse import parse_datetime

from layanan.accounts.phone import Sender, sender_number

GATEWAY_ID_MAX = 128
KEY_MAX = 200
SENDER_MAX = 32
ERROR_CODE_MAX = 40
ERROR_MESSAGE_MAX = 300
_CODE_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]")

# Gateway delivery words → the delivery log's statuses (anything else is ignored).
SMS_STATUSES = {
    "accepted": "sent",
    "buffered": "sent",
    "sent": "sent",
    "submitted": "sent",
    "delivered": "delivered",
    "delivrd": "delivered",
    "failed": "failed",
    "undelivered": "failed",
    "undeliv": "failed",
    "rejected": "failed",
    "expired": "failed",
}
WHATSAPP_STATUSES = {"sent": "sent", "delivered": "delivered", "read": "delivered", "failed": "failed"}
# Message types whose words we can read; every other type (image, audio, location...) gets the help.
WHATSAPP_TEXT_TYPES = ("text", "button", "interactive")


class PayloadError(ValueError):
    """The body is not in the expected format."""


@dataclass(frozen=True)
class Incoming:
    channel: str
    gateway_id: str
    sender: str  # as the gateway wrote it
    text: str
    is_text: bool = True  # False: a photo, voice note, sticker... (answered with the help)
    origin: Sender = field(default_factory=Sender)  # the sender read as a number (accounts.phone)
    audio_id: str = ""  # WhatsApp: the media id of an audio message (a voice note), fetched later


@dataclass(frozen=True)
class StatusReport:
    channel: str
    gateway_ref: str
    key: str
    status: str  # sent, delivered, failed
    at: datetime | None
    client_ref: str = ""  # SMS: our reference, which the delivery log keeps when the gateway gave no id
    error_code: str = ""  # a failure's own code from the gateway: ``wa_131026``, ``sms_EC_ABSENT``
    error_message: str = ""  # and its words (kept sealed in the delivery log, never shown or logged)


@dataclass
class WhatsAppBatch:
    messages: list[Incoming] = field(default_factory=list)
    statuses: list[StatusReport] = field(default_factory=list)
    skipped: int = 0  # items in a good body that were not readable


# --- signatures -------------------------------------------------------------------------------------


def signature_valid(*, secret: str, body: bytes, header: str) -> bool:
    """Whether ``header`` is the hex HMAC-SHA256 of ``body`` with ``secret`` (``sha256=`` prefix allowed).

    An empty secret refuses everything: a webhook without its secret configured is closed.
    """
    if not secret or not header:
        return False
    given = header.strip()
    if given.lower().startswith("sha256="):
        given = given[7:]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.lower().encode("ascii", "replace"))


# --- SMS ----------------------------------------------------------------------------------------------


def _fields(body: bytes, content_type: str) -> dict[str, Any]:
    """The top-level fields of a JSON or form-encoded body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError("not UTF-8") from error
    if content_type == "application/x-www-form-urlencoded":
        try:
            parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=20)
        except ValueError as error:
            raise PayloadError("bad form body") from error
        return {name: values[0] for name, values in parsed.items()}
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PayloadError("not JSON") from error
    if not isinstance(data, dict):
        raise PayloadError("not a JSON object")
    return data


def _string(data: dict[str, Any], name: str, *, limit: int, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PayloadError(f"{name} missing or not text")
    value = value.strip()
    if required and not value:
        raise PayloadError(f"{name} empty")
    if len(value) > limit:
        raise PayloadError(f"{name} too long")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PayloadError("text missing or not text")
    return value


def sms_message_parse(body: bytes, content_type: str) -> Incoming:
    data = _fields(body, content_type)
    sender = _string(data, "from", limit=SENDER_MAX)
    return Incoming(
        channel="sms",
        gateway_id=_string(data, "id", limit=GATEWAY_ID_MAX),
        sender=sender,
        text=_text(data.get("text")),
        origin=sender_number(sender, channel="sms"),
    )


def _when(value: Any) -> datetime | None:
    """An ISO 8601 time or Unix seconds; None when absent or unreadable (the time of receipt is used)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            return None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    return None


def _code(value: Any) -> str:
    """A gateway's error code as a short token of letters, digits and ``_.-`` ("" when none)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return _CODE_UNSAFE.sub("_", value.strip())[:ERROR_CODE_MAX]


def _words(*values: Any) -> str:
    """A gateway's error text (the non-empty strings of ``values`` joined), at most 300 characters."""
    parts = [value.strip() for value in values if isinstance(value, str) and value.strip()]
    return " — ".join(dict.fromkeys(parts))[:ERROR_MESSAGE_MAX]


def sms_status_parse(body: bytes, content_type: str) -> StatusReport | None:
    """The delivery report, or None when its status word is not one we record."""
    data = _fields(body, content_type)
    gateway_ref = _string(data, "id", limit=GATEWAY_ID_MAX, required=False)
    client_ref = _string(data, "ref", limit=GATEWAY_ID_MAX, required=False)
    if not gateway_ref and not client_ref:
        raise PayloadError("id or ref required")
    word = _string(data, "status", limit=40).lower()
    status = SMS_STATUSES.get(word)
    if status is None:
        return None
    code = _code(data.get("error_code"))
    return StatusReport(
        channel="sms",
        gateway_ref=gateway_ref,
        key="",
        status=status,
        at=_when(data.get("at")),
        client_ref=client_ref,
        error_code=f"sms_{code}" if code and status == "failed" else "",
        error_message=_words(data.get("error_message")) if status == "failed" else "",
    )


# --- WhatsApp -----------------------------------------------------------------------------------------


def _whatsapp_message(item: Any) -> Incoming:
    if not isinstance(item, dict):
        raise PayloadError("message not an object")
    kind = item.get("type")
    text = ""
    if kind == "text" and isinstance(item.get("text"), dict):
        text = _text(item["text"].get("body"))
    elif kind == "button" and isinstance(item.get("button"), dict):
        text = _text(item["button"].get("text"))
    elif kind == "interactive" and isinstance(item.get("interactive"), dict):
        reply = item["interactive"].get("button_reply") or item["interactive"].get("list_reply")
        if not isinstance(reply, dict):
            raise PayloadError("interactive without a reply")
        text = _text(reply.get("title"))
    elif kind in WHATSAPP_TEXT_TYPES or not isinstance(kind, str):
        raise PayloadError("message body missing")
    audio = item.get("audio")
    audio_id = (
        _string(audio, "id", limit=GATEWAY_ID_MAX) if kind == "audio" and isinstance(audio, dict) else ""
    )
    sender = _string(item, "from", limit=SENDER_MAX)
    return Incoming(
        channel="whatsapp",
        gateway_id=_string(item, "id", limit=GATEWAY_ID_MAX),
        sender=sender,
        text=text,
        is_text=kind in WHATSAPP_TEXT_TYPES,
        origin=sender_number(sender, channel="whatsapp"),  # a wa_id: international, without the plus
        audio_id=audio_id,
    )


def _whatsapp_status(item: Any) -> StatusReport | None:
    if not isinstance(item, dict):
        raise PayloadError("status not an object")
    status = WHATSAPP_STATUSES.get(_string(item, "status", limit=40).lower())
    gateway_ref = _string(item, "id", limit=GATEWAY_ID_MAX)
    key = _string(item, "biz_opaque_callback_data", limit=KEY_MAX, required=False)
    if status is None:
        return None
    code = message = ""
    errors = item.get("errors")
    if status == "failed" and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        error = errors[0]
        code = _code(error.get("code"))
        details = error.get("error_data")
        message = _words(
            error.get("title"),
            error.get("message"),
            details.get("details") if isinstance(details, dict) else None,
        )
    return StatusReport(
        channel="whatsapp",
        gateway_ref=gateway_ref,
        key=key,
        status=status,
        at=_when(item.get("timestamp")),
        error_code=f"wa_{code}" if code else "",
        error_message=message,
    )


def whatsapp_parse(body: bytes) -> WhatsAppBatch:
    """Every message and status in a Cloud API notification; PayloadError when the envelope is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError("not JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
        raise PayloadError("no entry list")
    batch = WhatsAppBatch()
    for entry in data["entry"]:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise PayloadError("entry without changes")
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                raise PayloadError("change without value")
            messages, statuses = value.get("messages", []), value.get("statuses", [])
            if not isinstance(messages, list) or not isinstance(statuses, list):
                raise PayloadError("messages or statuses not a list")
            for item in messages:
                try:
                    batch.messages.append(_whatsapp_message(item))
                except PayloadError:
                    batch.skipped += 1
            for item in statuses:
                try:
                    report = _whatsapp_status(item)
                except PayloadError:
                    batch.skipped += 1
                    continue
                if report is not None:
                    batch.statuses.append(report)
    return batch
