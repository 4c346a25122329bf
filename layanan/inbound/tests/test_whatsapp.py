"""The WhatsApp webhook: Meta's verification, signatures, messages and statuses, end to end."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from layanan.applications.tests.builders import dukcapil_service
from layanan.applications.tests.builders import submitted as application_submitted
from layanan.complaints.models import Report
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import (
    WA_SECRET,
    WA_VERIFY,
    categories,
    kotabumi_udik,
    new_id,
    post_raw,
    post_whatsapp,
    reply_of,
    sign,
    wa_message,
    wa_payload,
)
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.tasks import message_send

pytestmark = pytest.mark.django_db

SITI_WA = "6281200000001"


def test_meta_verification_echoes_the_challenge_for_our_token(world, client):
    url = reverse("inbound:whatsapp")
    response = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1158201444"}
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY},
    ],
)
def test_meta_verification_is_refused_otherwise(world, client, params):
    response = client.get(reverse("inbound:whatsapp"), params)
    assert response.status_code == 403
    assert response.content == b"Forbidden"


def test_verification_is_refused_while_no_token_is_configured(world, client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""
    response = client.get(
        reverse("inbound:whatsapp"), {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("signature", ["", "sha256=" + "00" * 32, "sha1=abc", "garbage"])
def test_a_missing_or_wrong_signature_is_refused_and_nothing_stored(world, client, signature):
    response = post_whatsapp(client, wa_payload(messages=[wa_message(text="halo")]), signature=signature)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_a_signature_with_another_secret_is_refused(world, client):
    response = post_whatsapp(client, wa_payload(messages=[wa_message(text="halo")]), secret="rahasia-lain")
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"object": "x"},
        {"entry": {}},
        {"entry": [1]},
        {"entry": [{"changes": [{"value": []}]}]},
        {"entry": [{"changes": [{"value": {"messages": {"a": 1}}}]}]},
    ],
)
def test_a_wrong_envelope_is_refused_with_400(world, client, payload):
    assert post_whatsapp(client, payload).status_code == 400
    assert not InboundMessage.objects.exists()


def test_a_body_that_is_not_json_is_refused_with_400(world, client):
    body = b"<xml/>"
    response = post_raw(
        client,
        body,
        url="inbound:whatsapp",
        signature=f"sha256={sign(WA_SECRET, body)}",
        header="X-Hub-Signature-256",
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_one_bad_message_does_not_stop_the_others(cast, client):
    payload = wa_payload(messages=[{"type": "text"}, "x", wa_message(text="halo", sender=SITI_WA)])
    response = post_whatsapp(client, payload)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "messages": 1, "statuses": 0, "skipped": 2}
    message = InboundMessage.objects.get()
    assert message.channel == "whatsapp"
    assert message.sender == cast.siti.phone
    assert message.outcome == Outcome.HELP


def test_a_photo_or_voice_note_gets_the_help(cast, client):
    photo = {"from": SITI_WA, "id": new_id("wamid.IN"), "type": "image", "image": {"id": "MEDIA-1"}}
    assert post_whatsapp(client, wa_payload(messages=[photo])).status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.HELP
    assert reply_of(message).event == "inbound.help"


def test_cek_by_whatsapp_answers_the_applicants_status_as_free_text(cast, client, fake_gateway):
    application = application_submitted(dukcapil_service(cast.world), cast.siti)
    payload = wa_payload(messages=[wa_message(text=f"Cek: {application.tracking_number}", sender=SITI_WA)])
    assert post_whatsapp(client, payload).status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.STATUS
    assert message.tracking_number == application.tracking_number
    assert reply_of(message).channels == ["whatsapp"]

    message_send.call(reply_of(message).pk)

    (sent,) = fake_gateway.of("whatsapp")
    assert sent.body["type"] == "text"
    assert sent.body["to"] == SITI_WA
    assert application.tracking_number in sent.body["text"]["body"]
    assert "Diterima, menunggu diperiksa" in sent.body["text"]["body"]


def test_cek_of_someone_elses_application_is_refused(cast, client):
    application = application_submitted(dukcapil_service(cast.world), cast.siti)
    payload = wa_payload(
        messages=[wa_message(text=f"CEK {application.tracking_number}", sender="6281200000002")]
    )
    post_whatsapp(client, payload)
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REFUSED
    assert reply_of(message).event == "inbound.not_found"


def test_aduan_by_whatsapp_files_one_report_however_often_meta_retries(cast, client, fake_gateway):
    udik = kotabumi_udik(cast.world)
    categories(cast.world)
    payload = wa_payload(messages=[wa_message(text="aduan kotabumi udik jalan berlubang di depan SD")])
    for _attempt in range(3):
        assert post_whatsapp(client, payload).status_code == 200
    report = Report.objects.get()
    assert report.region == udik
    assert report.channel == "whatsapp"
    assert report.reporter is not None
    assert report.reporter.full_name == "Pelapor WhatsApp"
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REPORT
    assert Message.objects.filter(event="inbound.report_received").count() == 1

    message_send.call(reply_of(message).pk)
    (sent,) = fake_gateway.of("whatsapp")
    assert report.tracking_number in sent.body["text"]["body"]


def test_statuses_update_the_delivery_log_by_our_key(cast, client, fake_gateway):
    post_whatsapp(client, wa_payload(messages=[wa_message(text="halo", sender=SITI_WA)]))
    reply = reply_of(InboundMessage.objects.get())
    message_send.call(reply.pk)
    reply.refresh_from_db()
    assert reply.status == MessageStatus.SENT
    status = {
        "id": reply.gateway_ref,
        "status": "read",
        "timestamp": "1767225600",
        "recipient_id": SITI_WA,
        "biz_opaque_callback_data": reply.key,
    }
    response = post_whatsapp(client, wa_payload(statuses=[status, {"id": "x"}]))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "messages": 0, "statuses": 1, "skipped": 1}
    reply.refresh_from_db()
    assert reply.status == MessageStatus.DELIVERED
    assert InboundMessage.objects.count() == 1


def test_post_needs_the_secret_configured(world, client, settings):
    settings.WHATSAPP_APP_SECRET = ""
    body = json.dumps(wa_payload(messages=[wa_message(text="halo")])).encode()
    response = post_raw(
        client,
        body,
        url="inbound:whatsapp",
        signature=f"sha256={sign('', body)}",
        header="X-Hub-Signature-256",
    )
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
