"""The SMS (generic, Twilio) and WhatsApp webhooks: read the body, check the signature, hand over.

Each view reads at most ``INBOUND_MAX_BODY_BYTES`` (a larger body → 413), checks the
signature over the raw bytes before reading anything in them (Twilio signs the URL and the
form's fields, so its form is split first; bad or missing → 403),
parses strictly (unreadable → 400), and hands each message on by its sender
(:func:`_receive`): an Indonesian mobile number to
:func:`layanan.inbound.services.inbound_receive`, a number of another country to
:func:`layanan.inbound.senders.inbound_foreign_refuse` (a polite refusal, nothing
else), an unreadable one to :func:`layanan.inbound.senders.inbound_unreadable_record`.
Nothing is stored for a refused body. The answer is a short JSON acknowledgement (Twilio: an
empty TwiML ``<Response/>``); the reply to the person goes out separately through ``notify``.
Logs never hold the body, a phone number or a text.
"""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from layanan.inbound import payloads, senders, services, twilio
from layanan.inbound.models import InboundMessage
from layanan.notifications.services import message_status_record

logger = logging.getLogger(__name__)


def _body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is longer than the cap (read no further than the cap)."""
    limit: int = settings.INBOUND_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _refuse(status: int, reason: str, channel: str) -> JsonResponse:
    logger.warning("inbound %s webhook refused: %s", channel, reason)
    return JsonResponse({"ok": False, "error": reason}, status=status)


def _ok(**extra: int) -> JsonResponse:
    return JsonResponse({"ok": True, **extra})


def _signed_body(request: HttpRequest, *, secret: str, header: str, channel: str) -> bytes | JsonResponse:
    body = _body(request)
    if body is None:
        return _refuse(413, "body too large", channel)
    if not secret:
        return _refuse(403, "webhook secret not configured", channel)
    if not payloads.signature_valid(secret=secret, body=body, header=request.headers.get(header, "")):
        return _refuse(403, "bad signature", channel)
    return body


def _receive(incoming: payloads.Incoming) -> InboundMessage | None:
    """Hand one message on by its sender: Indonesian, from another country, or unreadable.

    Only an Indonesian mobile number reaches :func:`~layanan.inbound.services.inbound_receive`,
    already canonical (``+62…``), so no other number is ever read as one of ours.
    """
    origin = incoming.origin
    if origin.phone:
        return services.inbound_receive(
            channel=incoming.channel,
            gateway_id=incoming.gateway_id,
            sender=origin.phone,
            text=incoming.text,
            is_text=incoming.is_text,
            audio_id=incoming.audio_id,
        )
    if origin.is_foreign:
        return senders.inbound_foreign_refuse(
            channel=incoming.channel, gateway_id=incoming.gateway_id, sender=origin
        )
    return senders.inbound_unreadable_record(
        channel=incoming.channel, gateway_id=incoming.gateway_id, sender=incoming.sender, text=incoming.text
    )


@csrf_exempt
@never_cache
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    """An SMS the gateway received: ``{id, from, text}`` as JSON or a form, signed in ``X-Signature``."""
    body = _signed_body(request, secret=settings.SMS_WEBHOOK_SECRET, header="X-Signature", channel="sms")
    if isinstance(body, JsonResponse):
        return body
    try:
        incoming = payloads.sms_message_parse(body, request.content_type or "")
    except payloads.PayloadError as error:
        return _refuse(400, str(error), "sms")
    handled = _receive(incoming)
    return _ok(duplicate=int(handled is None))


@csrf_exempt
@never_cache
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    """A delivery report of an SMS we sent: ``{id | ref, status, at?}``, signed like ``sms``."""
    body = _signed_body(request, secret=settings.SMS_WEBHOOK_SECRET, header="X-Signature", channel="sms")
    if isinstance(body, JsonResponse):
        return body
    try:
        report = payloads.sms_status_parse(body, request.content_type or "")
    except payloads.PayloadError as error:
        return _refuse(400, str(error), "sms")
    recorded = False
    if report is not None:
        for reference in dict.fromkeys(ref for ref in (report.gateway_ref, report.client_ref) if ref):
            recorded = message_status_record(
                channel=report.channel,
                gateway_ref=reference,
                status=report.status,
                at=report.at,
                error_code=report.error_code,
                error_message=report.error_message,
            )
            if recorded:
                break
    return _ok(recorded=int(recorded))


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _twilio_url(request: HttpRequest) -> str:
    """The URL Twilio called and signed: ``SMS_TWILIO_WEBHOOK_BASE_URL`` + path, else the request's own."""
    base: str = settings.SMS_TWILIO_WEBHOOK_BASE_URL
    return f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()


def _twilio_fields(request: HttpRequest) -> dict[str, list[str]] | JsonResponse:
    """The signed form fields of a Twilio webhook, or the refusal (413, 403)."""
    body = _body(request)
    if body is None:
        return _refuse(413, "body too large", "sms")
    token: str = settings.SMS_TWILIO_AUTH_TOKEN
    if not token:
        return _refuse(403, "webhook secret not configured", "sms")
    try:
        fields = twilio.form_fields(body)
    except payloads.PayloadError:  # no signed Twilio request looks like this
        return _refuse(403, "bad signature", "sms")
    header = request.headers.get("X-Twilio-Signature", "")
    if not twilio.signature_valid(token=token, url=_twilio_url(request), fields=fields, header=header):
        return _refuse(403, "bad signature", "sms")
    return fields


@csrf_exempt
@never_cache
@require_POST
def sms_twilio(request: HttpRequest) -> HttpResponse:
    """An SMS Twilio received for our number: its form-encoded webhook, signed in ``X-Twilio-Signature``."""
    fields = _twilio_fields(request)
    if isinstance(fields, JsonResponse):
        return fields
    try:
        incoming = twilio.message_parse(fields)
    except payloads.PayloadError as error:
        return _refuse(400, str(error), "sms")
    _receive(incoming)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")


@csrf_exempt
@never_cache
@require_POST
def sms_twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's status callback of an SMS we sent (``MessageSid``, ``MessageStatus``, ``ErrorCode``)."""
    fields = _twilio_fields(request)
    if isinstance(fields, JsonResponse):
        return fields
    try:
        report = twilio.status_parse(fields, client_ref=request.GET.get("ref", ""))
    except payloads.PayloadError as error:
        return _refuse(400, str(error), "sms")
    recorded = report is not None and message_status_record(
        channel=report.channel,
        gateway_ref=report.gateway_ref,
        client_ref=report.client_ref,
        status=report.status,
        error_code=report.error_code,
    )
    return _ok(recorded=int(recorded))


def _whatsapp_verify(request: HttpRequest) -> HttpResponse:
    """Meta's subscription check: echo ``hub.challenge`` when ``hub.verify_token`` is ours."""
    token: str = settings.WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if (
        request.GET.get("hub.mode") != "subscribe"
        or not token
        or not hmac.compare_digest(token.encode(), given.encode())
        or not challenge
        or len(challenge) > 200
    ):
        logger.warning("inbound whatsapp verification refused")
        return HttpResponse("Forbidden", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(challenge, content_type="text/plain; charset=utf-8")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    """WhatsApp Cloud API: GET verifies the subscription; POST brings messages and delivery statuses."""
    if request.method == "GET":
        return _whatsapp_verify(request)
    body = _signed_body(
        request, secret=settings.WHATSAPP_APP_SECRET, header="X-Hub-Signature-256", channel="whatsapp"
    )
    if isinstance(body, JsonResponse):
        return body
    try:
        batch = payloads.whatsapp_parse(body)
    except payloads.PayloadError as error:
        return _refuse(400, str(error), "whatsapp")
    handled = 0
    for incoming in batch.messages:
        if _receive(incoming) is not None:
            handled += 1
    recorded = 0
    for report in batch.statuses:
        recorded += int(
            message_status_record(
                channel=report.channel,
                gateway_ref=report.gateway_ref,
                key=report.key,
                status=report.status,
                at=report.at,
                error_code=report.error_code,
                error_message=report.error_message,
            )
        )
    if batch.skipped:
        logger.warning("inbound whatsapp: %d unreadable items skipped", batch.skipped)
    return _ok(messages=handled, statuses=recorded, skipped=batch.skipped)
