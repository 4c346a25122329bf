"""Channel backends behind one interface: console, email, SMS (a generic JSON gateway, Twilio or
Zenziva, ``SMS_PROVIDER``), WhatsApp Cloud API.

A backend's ``send`` returns a :class:`SendResult`: ``ok`` with the gateway's
reference, ``temporary`` (try again later: 5xx, 429, timeouts, connection
errors) or ``permanent`` (never retry on this channel: a refused number, a bad
request). ``dedupes`` says whether the gateway drops a second request with the
same client reference, which decides whether a send interrupted by a dying
worker may be repeated on the same channel.

Nothing here logs a phone number, an email address or a message text.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Literal, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from layanan.notifications.rendering import Rendered

logger = logging.getLogger("layanan.notifications")

Outcome = Literal["ok", "temporary", "permanent"]

# WhatsApp Cloud API error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
WHATSAPP_TEMPORARY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004})
WHATSAPP_PERMANENT_CODES = frozenset({131026, 131047, 131051, 131009, 131008, 132000, 132001, 100, 190})
# Twilio REST API error codes worth another try (https://www.twilio.com/docs/api/errors): too many
# requests, internal error, service unavailable, queue overflow. Every other refusal is permanent.
TWILIO_TEMPORARY_CODES = frozenset({20429, 20500, 20503, 30001})


@dataclass(frozen=True)
class Outgoing:
    """What a backend needs: the address, our reference and the rendered text (never logged)."""

    message_id: int
    key: str
    client_ref: str
    channel: str
    to: str
    event: str
    tracking_number: str
    language: str
    rendered: Rendered
    reply: bool = False


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    gateway_ref: str = ""
    error_code: str = ""
    details: dict[str, str] = field(default_factory=dict)
    error_message: str = ""  # the gateway's own words for the error (scrubbed and sealed by delivery)


class Backend(Protocol):
    name: str
    dedupes: bool

    def send(self, outgoing: Outgoing) -> SendResult: ...


class ConsoleBackend:
    """Development and tests: one log line (event, tracking number, channel), nothing sent."""

    name = "console"
    dedupes = True

    def send(self, outgoing: Outgoing) -> SendResult:
        logger.info(
            "notify %s %s via console %s (message %s)",
            outgoing.tracking_number or "-",
            outgoing.event,
            outgoing.channel,
            outgoing.message_id,
        )
        return SendResult("ok", gateway_ref=f"console-{outgoing.client_ref}")


class EmailBackend:
    """Django's mail (``MAILERS``/``EMAIL_*``)."""

    name = "mail"
    dedupes = False

    def send(self, outgoing: Outgoing) -> SendResult:
        try:
            send_mail(
                subject=outgoing.rendered.subject,
                message=outgoing.rendered.text,
                from_email=None,
                recipient_list=[outgoing.to],
            )
        except smtplib.SMTPRecipientsRefused:
            return SendResult("permanent", error_code="smtp_recipient_refused")
        except (smtplib.SMTPException, OSError) as error:
            return SendResult("temporary", error_code=f"smtp_{type(error).__name__}"[:64])
        return SendResult("ok", gateway_ref=f"mail-{outgoing.client_ref}")


def _post_json(url: str, *, token: str, payload: dict[str, object], timeout: float) -> tuple[int, object]:
    """POST ``payload``; return (HTTP status, decoded JSON or None). Network errors raise OSError."""
    return _post(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        timeout=timeout,
    )


def _post_form(
    url: str, *, fields: dict[str, str], timeout: float, basic: tuple[str, str] | None = None
) -> tuple[int, object]:
    """POST ``fields`` form-encoded (with HTTP Basic ``basic`` when given); like :func:`_post_json`."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if basic is not None:
        pair = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {pair}"
    return _post(url, data=urllib.parse.urlencode(fields).encode(), headers=headers, timeout=timeout)


def _post(url: str, *, data: bytes, headers: dict[str, str], timeout: float) -> tuple[int, object]:
    request = urllib.request.Request(  # noqa: S310  # URL from settings
        url, data=data, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310  # URL from settings, http(s) only (env_url)
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = None
    return status, decoded


_CODE_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]")


def _words(*values: object) -> str:
    """The gateway's error text: the non-empty strings of ``values``, joined, at most 300 characters."""
    parts = [value.strip() for value in values if isinstance(value, str) and value.strip()]
    return " — ".join(dict.fromkeys(parts))[:300]


def _http_outcome(status: int) -> Outcome:
    if 200 <= status < 300:
        return "ok"
    if status == 429 or status >= 500 or status in (408, 425):
        return "temporary"
    return "permanent"


def _network_error(error: OSError) -> SendResult:
    if isinstance(error, TimeoutError | socket.timeout) or "timed out" in str(error):
        return SendResult("temporary", error_code="timeout")
    return SendResult("temporary", error_code="connection_error")


class SmsHttpBackend:
    """A generic JSON SMS gateway: ``POST {to, text, ref, sender}`` with a bearer token; answers ``{id}``.

    The gateway must drop a second request with the same ``ref`` (answering with
    the first one's id), so an interrupted send is repeated safely.
    """

    name = "http"
    dedupes = True

    def send(self, outgoing: Outgoing) -> SendResult:
        payload: dict[str, object] = {
            "to": outgoing.to,
            "text": outgoing.rendered.text,
            "ref": outgoing.client_ref,
        }
        if settings.SMS_SENDER:
            payload["sender"] = settings.SMS_SENDER
        try:
            status, body = _post_json(
                settings.SMS_GATEWAY_URL,
                token=settings.SMS_GATEWAY_TOKEN,
                payload=payload,
                timeout=settings.SMS_GATEWAY_TIMEOUT,
            )
        except OSError as error:
            return _network_error(error)
        outcome = _http_outcome(status)
        if outcome == "ok":
            ref = str(body.get("id", "")) if isinstance(body, dict) else ""
            return SendResult("ok", gateway_ref=ref[:128] or outgoing.client_ref)
        code = words = ""
        if isinstance(body, dict):
            code = _CODE_UNSAFE.sub("_", str(body.get("code") or body.get("error") or ""))[:40]
            words = _words(body.get("message"), body.get("description"))
        return SendResult(
            outcome, error_code=f"http_{status}" + (f"_{code}" if code else ""), error_message=words
        )


class TwilioBackend:
    """Twilio Programmable Messaging: ``POST {api}/2010-04-01/Accounts/{sid}/Messages.json``.

    Form-encoded ``To``, ``From`` (or ``MessagingServiceSid``), ``Body`` and ``StatusCallback``
    with HTTP Basic (account SID, auth token); answers the Message resource as JSON (``sid``,
    ``status``, ``error_code``) or an error (``code``, ``message``, ``status``). Twilio drops
    nothing by a client reference, so an interrupted send waits for its status callback,
    which carries our reference in its (signed) URL: ``?ref=<client_ref>``.
    """

    name = "twilio"
    dedupes = False

    def send(self, outgoing: Outgoing) -> SendResult:
        sid = settings.SMS_TWILIO_ACCOUNT_SID
        fields = {"To": outgoing.to, "Body": outgoing.rendered.text}
        if settings.SMS_TWILIO_MESSAGING_SERVICE_SID:
            fields["MessagingServiceSid"] = settings.SMS_TWILIO_MESSAGING_SERVICE_SID
        else:
            fields["From"] = settings.SMS_TWILIO_FROM
        if settings.SMS_TWILIO_STATUS_CALLBACK:
            base = settings.SMS_TWILIO_WEBHOOK_BASE_URL or settings.SITE_URL
            query = urllib.parse.urlencode({"ref": outgoing.client_ref})
            fields["StatusCallback"] = f"{base}{reverse('inbound:sms_twilio_status')}?{query}"
        url = (
            f"{settings.SMS_TWILIO_API_URL.rstrip('/')}/2010-04-01/Accounts/"
            f"{urllib.parse.quote(sid, safe='')}/Messages.json"
        )
        try:
            status, body = _post_form(
                url,
                fields=fields,
                timeout=settings.SMS_GATEWAY_TIMEOUT,
                basic=(sid, settings.SMS_TWILIO_AUTH_TOKEN),
            )
        except OSError as error:
            return _network_error(error)
        answer = body if isinstance(body, dict) else {}
        outcome = _http_outcome(status)
        message_sid = str(answer.get("sid") or "")[:128]
        code = answer.get("error_code") if outcome == "ok" else answer.get("code")
        if outcome == "ok" and message_sid and answer.get("status") not in ("failed", "undelivered"):
            return SendResult("ok", gateway_ref=message_sid)
        if outcome == "ok":  # accepted without a sid, or failed at once: a fault of this send
            outcome = "permanent" if message_sid else "temporary"
        if isinstance(code, int) and code in TWILIO_TEMPORARY_CODES:
            outcome = "temporary"
        words = _words(answer.get("message"), answer.get("error_message"))
        token = _CODE_UNSAFE.sub("_", str(code))[:40] if isinstance(code, int | str) and code else ""
        return SendResult(
            outcome, error_code=f"twilio_{token}" if token else f"http_{status}", error_message=words
        )


class ZenzivaBackend:
    """Zenziva SMS reguler: ``POST`` form-encoded ``userkey``, ``passkey``, ``to``, ``message``.

    Answers JSON ``{"messageId", "to", "status", "text"}``: ``status`` ``"1"`` is accepted,
    anything else a refusal in ``text`` (kept as ``zenziva_<status>``). The number goes in the
    local form (``0812…``), as Zenziva's own examples write it. Zenziva drops nothing by a
    client reference and sends no delivery report we could find: a message is ``sent`` once
    accepted (docs/notifications.md "SMS providers").
    """

    name = "zenziva"
    dedupes = False

    def send(self, outgoing: Outgoing) -> SendResult:
        number = outgoing.to
        if number.startswith("+62"):
            number = "0" + number[3:]
        fields = {
            "userkey": settings.SMS_ZENZIVA_USERKEY,
            "passkey": settings.SMS_ZENZIVA_PASSKEY,
            "to": number,
            "message": outgoing.rendered.text,
        }
        try:
            status, body = _post_form(
                settings.SMS_ZENZIVA_API_URL, fields=fields, timeout=settings.SMS_GATEWAY_TIMEOUT
            )
        except OSError as error:
            return _network_error(error)
        outcome = _http_outcome(status)
        answer = body if isinstance(body, dict) else {}
        said = str(answer.get("status", "")).strip()
        if outcome == "ok" and said == "1":
            reference = str(answer.get("messageId") or "")[:128]
            return SendResult("ok", gateway_ref=reference or outgoing.client_ref)
        words = _words(answer.get("text"))
        if outcome != "ok":
            return SendResult(outcome, error_code=f"http_{status}", error_message=words)
        if not said:  # 2xx without Zenziva's answer: a gateway fault, try again
            return SendResult("temporary", error_code="zenziva_no_answer", error_message=words)
        return SendResult(
            "permanent", error_code=f"zenziva_{_CODE_UNSAFE.sub('_', said)[:30]}", error_message=words
        )


class WhatsAppCloudBackend:
    """WhatsApp Business Cloud API: ``POST {base}/{version}/{phone_number_id}/messages``.

    Business-initiated messages are approved templates (``type: template``) with
    the placeholders as body parameters; a reply within the 24-hour window of the
    person's own message may be free text (``type: text``). Our key travels as
    ``biz_opaque_callback_data`` and comes back in status webhooks.
    """

    name = "cloudapi"
    dedupes = False

    def send(self, outgoing: Outgoing) -> SendResult:
        to = outgoing.to.removeprefix("+")
        payload: dict[str, object] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "biz_opaque_callback_data": outgoing.key[:512],
        }
        if outgoing.reply:
            payload["type"] = "text"
            payload["text"] = {"preview_url": False, "body": outgoing.rendered.text}
        else:
            payload["type"] = "template"
            template: dict[str, object] = {
                "name": outgoing.rendered.whatsapp_template,
                "language": {
                    "code": settings.WHATSAPP_LANGUAGE_CODES.get(outgoing.language, outgoing.language)
                },
            }
            if outgoing.rendered.parameters:
                template["components"] = [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": value} for value in outgoing.rendered.parameters
                        ],
                    }
                ]
            payload["template"] = template
        url = (
            f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_API_VERSION}/"
            f"{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        try:
            status, body = _post_json(
                url, token=settings.WHATSAPP_TOKEN, payload=payload, timeout=settings.WHATSAPP_TIMEOUT
            )
        except OSError as error:
            return _network_error(error)
        if 200 <= status < 300 and isinstance(body, dict):
            messages = body.get("messages")
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                return SendResult("ok", gateway_ref=str(messages[0].get("id", ""))[:128])
        code: int | None = None
        words = ""
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            refusal = body["error"]
            raw = refusal.get("code")
            code = raw if isinstance(raw, int) else None
            details = refusal.get("error_data")
            words = _words(
                refusal.get("message"), details.get("details") if isinstance(details, dict) else None
            )
        outcome = _http_outcome(status)
        if code in WHATSAPP_TEMPORARY_CODES:
            outcome = "temporary"
        elif code in WHATSAPP_PERMANENT_CODES:
            outcome = "permanent"
        elif outcome == "ok":  # 2xx without a message id: treat as a gateway fault
            outcome = "temporary"
        return SendResult(
            outcome, error_code=f"wa_{code}" if code is not None else f"http_{status}", error_message=words
        )


_BACKENDS: dict[str, type[Backend]] = {
    "console": ConsoleBackend,
    "mail": EmailBackend,
    "http": SmsHttpBackend,
    "twilio": TwilioBackend,
    "zenziva": ZenzivaBackend,
    "cloudapi": WhatsAppCloudBackend,
}


def backend_for(channel: str) -> Backend:
    """The configured backend of ``channel`` (``NOTIFY_BACKENDS``; console when not set)."""
    name = settings.NOTIFY_BACKENDS.get(channel, "console")
    return _BACKENDS[name]()
