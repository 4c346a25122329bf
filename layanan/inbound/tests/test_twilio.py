"""Twilio's webhooks: the request signature (tested on Twilio's own documented example), incoming SMS
handed to the same pipeline as the generic gateway's, and status callbacks into the delivery log."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from layanan.applications.tests.builders import dukcapil_service
from layanan.applications.tests.builders import submitted as application_submitted
from layanan.complaints.models import Report
from layanan.inbound import twilio
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import STRANGER, categories, kotabumi_udik, new_id, reply_of
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.tasks import message_send
from layanan.notifications.tests.providers import TWILIO_SID, TWILIO_TOKEN

pytestmark = pytest.mark.django_db

PUBLIC = "https://layanan.example.go.id"  # SMS_TWILIO_WEBHOOK_BASE_URL in the fake_twilio fixture
SITI_PHONE = "+6281200000001"
TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'


@pytest.fixture(autouse=True)
def _twilio(fake_twilio):
    """Every test here runs with SMS through Twilio (token, public URL) at a fake of its API."""
    return fake_twilio


def sms_fields(*, text: str, sender: str = STRANGER, sid: str | None = None, **extra: str) -> dict[str, str]:
    """A messaging webhook's fields as Twilio posts them for an SMS to our number."""
    sid = sid or new_id("SM")
    return {
        "ToCountry": "ID",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": text,
        "FromCountry": "ID",
        "To": "+6272421000",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": TWILIO_SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def twilio_post(
    client: Client,
    fields: dict[str, str],
    *,
    name: str = "inbound:sms_twilio",
    query: str = "",
    signed_url: str | None = None,
    token: str = TWILIO_TOKEN,
    signature: str | None = None,
):
    path = reverse(name) + (f"?{query}" if query else "")
    url = signed_url if signed_url is not None else PUBLIC + path
    given = (
        twilio.signature_of(token=token, url=url, fields={k: [v] for k, v in fields.items()})
        if signature is None
        else signature
    )
    headers = {"X-Twilio-Signature": given} if given else {}
    return client.post(
        path, data=urlencode(fields), content_type="application/x-www-form-urlencoded", headers=headers
    )


# --- the signature ---------------------------------------------------------------------------------

# Twilio's documented example (docs "Webhooks security" and its helper libraries' validation page):
# auth token 12345, a POST to this URL with these parameters, signed RSOYDt4T1cUTdK1PDd93/VVr8B8=.
DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {  # in the order a form might bring them, not sorted: the signature sorts them
    "To": ["+18005551212"],
    "Digits": ["1234"],
    "From": ["+14158675309"],
    "CallSid": ["CA1234567890ABCDE"],
    "Caller": ["+14158675309"],
}
DOC_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_the_signature_matches_twilios_documented_example():
    assert twilio.signature_of(token=DOC_TOKEN, url=DOC_URL, fields=DOC_PARAMS) == DOC_SIGNATURE
    assert twilio.signature_valid(token=DOC_TOKEN, url=DOC_URL, fields=DOC_PARAMS, header=DOC_SIGNATURE)


@pytest.mark.parametrize(
    ("token", "url", "fields"),
    [
        ("54321", DOC_URL, DOC_PARAMS),
        (DOC_TOKEN, DOC_URL.replace("foo=1", "foo=2"), DOC_PARAMS),
        (DOC_TOKEN, DOC_URL.replace("https:", "http:"), DOC_PARAMS),
        (DOC_TOKEN, DOC_URL, {**DOC_PARAMS, "Digits": ["4321"]}),
        (DOC_TOKEN, DOC_URL, {**DOC_PARAMS, "Extra": [""]}),
        ("", DOC_URL, DOC_PARAMS),
    ],
)
def test_any_change_to_token_url_or_parameters_breaks_the_documented_signature(token, url, fields):
    assert not twilio.signature_valid(token=token, url=url, fields=fields, header=DOC_SIGNATURE)


def test_the_default_port_may_be_written_or_left_out():
    with_port = DOC_URL.replace(".com", ".com:443")
    assert twilio.signature_valid(token=DOC_TOKEN, url=with_port, fields=DOC_PARAMS, header=DOC_SIGNATURE)


# --- incoming SMS --------------------------------------------------------------------------------


def test_a_signed_sms_is_received_once_and_answered_with_empty_twiml(cast, client):
    fields = sms_fields(text="halo", sender=SITI_PHONE)

    response = twilio_post(client, fields)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content == TWIML
    message = InboundMessage.objects.get()
    assert (message.channel, message.gateway_id) == ("sms", fields["MessageSid"])
    assert message.sender == cast.siti.phone
    assert message.text == "halo"
    assert message.outcome == Outcome.HELP
    assert reply_of(message).channels == ["sms"]

    again = twilio_post(client, fields)  # Twilio retries the same MessageSid

    assert again.status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Message.objects.filter(event="inbound.help").count() == 1


def test_aduan_through_twilio_files_one_report_and_its_reply_goes_out_through_twilio(
    cast, client, fake_twilio
):
    categories(cast.world)
    kotabumi_udik(cast.world)
    fields = sms_fields(text="ADUAN Kotabumi Udik jalan berlubang di depan balai desa sudah sebulan")

    assert twilio_post(client, fields).status_code == 200
    assert twilio_post(client, fields).status_code == 200

    report = Report.objects.get()
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REPORT
    assert message.tracking_number == report.tracking_number
    reply = reply_of(message)
    assert message_send.call(reply.pk) == "sent"
    [request] = fake_twilio.requests
    assert request.field("To") == "+6281299998888"
    assert report.tracking_number in request.field("Body")


@pytest.mark.parametrize(
    "change",
    [
        {"signature": ""},
        {"token": "token-lain"},
        {"signed_url": "https://penyerang.example.com/webhook/sms/twilio/"},
    ],
    ids=["missing", "another-token", "another-url"],
)
def test_a_bad_signature_is_refused_and_nothing_stored(world, client, change):
    response = twilio_post(client, sms_fields(text="halo"), **change)

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Message.objects.exists()


def test_a_body_changed_after_signing_is_refused(world, client):
    fields = sms_fields(text="halo")
    signature = twilio.signature_of(
        token=TWILIO_TOKEN,
        url=PUBLIC + reverse("inbound:sms_twilio"),
        fields={k: [v] for k, v in fields.items()},
    )
    response = twilio_post(client, {**fields, "Body": "CEK orang lain"}, signature=signature)

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_the_webhook_is_closed_while_no_auth_token_is_configured(world, client, settings):
    settings.SMS_TWILIO_AUTH_TOKEN = ""

    response = twilio_post(client, sms_fields(text="halo"), token="")

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_an_oversized_body_is_refused_with_413(world, client, settings):
    settings.INBOUND_MAX_BODY_BYTES = 1024

    response = twilio_post(client, sms_fields(text="x" * 5000))

    assert response.status_code == 413
    assert not InboundMessage.objects.exists()


def test_a_signed_body_without_a_sender_is_refused_with_400(world, client):
    fields = sms_fields(text="halo")
    del fields["From"]

    assert twilio_post(client, fields).status_code == 400
    assert not InboundMessage.objects.exists()


def test_without_a_public_base_url_the_requests_own_address_is_signed(world, client, settings):
    settings.SMS_TWILIO_WEBHOOK_BASE_URL = ""
    fields = sms_fields(text="halo")

    behind_proxy = twilio_post(client, fields)  # signed for the public https address
    direct = twilio_post(client, fields, signed_url="http://testserver" + reverse("inbound:sms_twilio"))

    assert behind_proxy.status_code == 403
    assert direct.status_code == 200
    assert InboundMessage.objects.count() == 1


def test_a_foreign_number_is_refused_politely_as_on_the_generic_webhook(cast, client):
    application = application_submitted(dukcapil_service(cast.world), cast.siti)

    fields = sms_fields(text=f"CEK {application.tracking_number}", sender="+819012345678")

    response = twilio_post(client, fields)

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REFUSED
    assert reply_of(message).event == "inbound.foreign_sender"


def test_a_short_code_sender_is_recorded_invalid_and_not_answered(world, client):
    assert twilio_post(client, sms_fields(text="halo", sender="3636")).status_code == 200

    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.INVALID
    assert message.reply is None


def test_a_picture_without_words_gets_the_help(cast, client):
    fields = sms_fields(text="", sender=SITI_PHONE, NumMedia="1", MediaContentType0="image/jpeg")

    assert twilio_post(client, fields).status_code == 200

    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.HELP
    assert reply_of(message).event == "inbound.help"


@pytest.mark.parametrize("name", ["inbound:sms_twilio", "inbound:sms_twilio_status"])
def test_get_is_not_allowed(cast, client, name):
    assert client.get(reverse(name)).status_code == 405
    assert not InboundMessage.objects.exists()


# --- status callbacks ------------------------------------------------------------------------------


def sent_reply(client) -> Message:
    """A reply to Siti, sent through the fake Twilio."""
    twilio_post(client, sms_fields(text="halo", sender=SITI_PHONE))
    reply = reply_of(InboundMessage.objects.get())
    assert message_send.call(reply.pk) == "sent"
    reply.refresh_from_db()
    return reply


def status_fields(reply: Message, status: str, **extra: str) -> dict[str, str]:
    return {
        "AccountSid": TWILIO_SID,
        "From": "+15005550006",
        "To": SITI_PHONE,
        "MessageSid": reply.gateway_ref,
        "SmsSid": reply.gateway_ref,
        "MessageStatus": status,
        "SmsStatus": status,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def test_a_delivered_callback_marks_the_reply_delivered(cast, client):
    reply = sent_reply(client)

    response = twilio_post(
        client,
        status_fields(reply, "delivered"),
        name="inbound:sms_twilio_status",
        query=f"ref={reply.client_ref}",
    )

    assert response.status_code == 200
    assert response.json()["recorded"] == 1
    reply.refresh_from_db()
    assert reply.status == MessageStatus.DELIVERED


def test_an_undelivered_callback_fails_the_reply_with_twilios_error_code(cast, client):
    reply = sent_reply(client)

    response = twilio_post(
        client,
        status_fields(reply, "undelivered", ErrorCode="30003"),
        name="inbound:sms_twilio_status",
        query=f"ref={reply.client_ref}",
    )

    assert response.status_code == 200
    reply.refresh_from_db()
    assert reply.status == MessageStatus.FAILED
    assert reply.error_code == "twilio_30003"


def test_queued_and_sending_callbacks_change_nothing(cast, client):
    reply = sent_reply(client)

    for word in ("queued", "sending", "accepted"):
        response = twilio_post(client, status_fields(reply, word), name="inbound:sms_twilio_status")
        assert response.status_code == 200
        assert response.json()["recorded"] == 0
    reply.refresh_from_db()
    assert reply.status == MessageStatus.SENT


def test_a_callback_with_a_reference_changed_after_signing_is_refused(cast, client):
    reply = sent_reply(client)
    fields = status_fields(reply, "failed")
    signature = twilio.signature_of(
        token=TWILIO_TOKEN,
        url=f"{PUBLIC}{reverse('inbound:sms_twilio_status')}?ref=lp999-0",
        fields={k: [v] for k, v in fields.items()},
    )

    response = twilio_post(
        client,
        fields,
        name="inbound:sms_twilio_status",
        query=f"ref={reply.client_ref}",
        signature=signature,
    )

    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.status == MessageStatus.SENT
