"""The SMS webhook end to end: signature, body, CEK and ADUAN with the reply sent through the fake gateway."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from layanan.accounts.models import User
from layanan.complaints.models import Report
from layanan.complaints.tests.domain_builders import submitted as report_submitted
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import (
    SMS_SECRET,
    STRANGER,
    categories,
    kotabumi_udik,
    new_id,
    post_raw,
    post_sms,
    reply_of,
    sign,
)
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.tasks import message_send

pytestmark = pytest.mark.django_db

SITI_PHONE = "081200000001"


def sent_texts(fake_gateway):
    return [record.body["text"] for record in fake_gateway.of("sms")]


def test_a_signed_message_is_stored_sealed_and_answered(cast, client):
    response = post_sms(client, text="halo", sender=SITI_PHONE)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.channel == "sms"
    assert message.sender == cast.siti.phone
    assert message.text == "halo"
    assert message.outcome == Outcome.HELP
    assert reply_of(message).event == "inbound.help"
    assert reply_of(message).channels == ["sms"]
    assert reply_of(message).reply is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT sender, text FROM inbound_inboundmessage")
        sender, text = cursor.fetchone()
    assert sender.startswith("enc1:")
    assert text.startswith("enc1:")
    assert message.sender_hash
    assert cast.siti.phone not in message.sender_hash


@pytest.mark.parametrize("signature", ["", "00" * 32, "not-hex", "sha256=" + "ab" * 32])
def test_a_missing_or_wrong_signature_is_refused_and_nothing_stored(world, client, signature):
    body = json.dumps({"id": new_id(), "from": STRANGER, "text": "halo"}).encode()
    response = post_raw(client, body, signature=signature)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Message.objects.exists()


def test_a_signature_made_with_another_secret_is_refused(world, client):
    body = json.dumps({"id": new_id(), "from": STRANGER, "text": "halo"}).encode()
    assert post_raw(client, body, signature=sign("lain", body)).status_code == 403
    assert not InboundMessage.objects.exists()


def test_the_webhook_is_closed_while_no_secret_is_configured(world, client, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    body = json.dumps({"id": new_id(), "from": STRANGER, "text": "halo"}).encode()
    assert post_raw(client, body, signature=sign("", body)).status_code == 403
    assert not InboundMessage.objects.exists()


def test_a_form_encoded_message_with_a_prefixed_signature_is_accepted(world, client):
    body = f"id={new_id()}&from=%2B6281299998888&text=halo+juga".encode()
    response = post_raw(
        client,
        body,
        signature=f"sha256={sign(SMS_SECRET, body)}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert InboundMessage.objects.get().text == "halo juga"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"[]",
        b'"text"',
        b"{}",
        b'{"id": "x", "from": "0812", "text": 5}',
        b'{"id": "", "from": "0812", "text": "halo"}',
        b'{"id": {"a": 1}, "from": "0812", "text": "halo"}',
        json.dumps({"id": "x" * 200, "from": STRANGER, "text": "halo"}).encode(),
    ],
)
def test_a_malformed_body_is_refused_with_400_and_nothing_stored(world, client, body):
    response = post_raw(client, body, signature=sign(SMS_SECRET, body))
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    assert not Message.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(world, client, settings):
    settings.INBOUND_MAX_BODY_BYTES = 1024
    body = json.dumps({"id": new_id(), "from": STRANGER, "text": "x" * 5000}).encode()
    response = post_raw(client, body, signature=sign(SMS_SECRET, body))
    assert response.status_code == 413
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("url", ["inbound:sms", "inbound:sms_status"])
def test_get_is_not_allowed(cast, client, url):
    from django.urls import reverse

    assert client.get(reverse(url)).status_code == 405
    assert not InboundMessage.objects.exists()


def test_cek_by_sms_answers_the_reporters_own_status_through_the_gateway(cast, client, fake_gateway):
    report = report_submitted(cast)
    response = post_sms(client, text=f"cek {report.tracking_number.lower()}", sender=SITI_PHONE)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.STATUS
    assert message.tracking_number == report.tracking_number
    assert reply_of(message).event == "inbound.status"

    message_send.call(reply_of(message).pk)

    (text,) = sent_texts(fake_gateway)
    assert report.tracking_number in text
    assert "Diterima, menunggu verifikasi" in text
    assert fake_gateway.of("sms")[0].body["to"] == cast.siti.phone
    assert Message.objects.get(pk=reply_of(message).pk).status == MessageStatus.SENT


def test_someone_elses_tracking_number_gets_the_same_answer_as_an_unknown_one(cast, client, fake_gateway):
    report = report_submitted(cast)  # Siti's
    post_sms(client, text=f"CEK {report.tracking_number}", sender=STRANGER)
    unknown = report.tracking_number[:-1] + ("0" if report.tracking_number[-1] != "0" else "1")
    post_sms(client, text=f"CEK {unknown}", sender=STRANGER)
    refused, not_found = InboundMessage.objects.order_by("pk")
    assert refused.outcome == not_found.outcome == Outcome.REFUSED
    assert reply_of(refused).event == reply_of(not_found).event == "inbound.not_found"
    for message in (refused, not_found):
        message_send.call(reply_of(message).pk)
    first, second = sent_texts(fake_gateway)
    assert first.replace(report.tracking_number, "#") == second.replace(unknown, "#")
    assert "Diterima" not in first


def test_aduan_by_sms_files_a_report_in_the_desa_and_answers_its_number_once(cast, client, fake_gateway):
    udik = kotabumi_udik(cast.world)
    categories(cast.world)
    gateway_id = new_id()
    text = "ADUAN Kotabumi Udik jalan berlubang di depan SD"
    response = post_sms(client, text=text, sender=STRANGER, gateway_id=gateway_id)
    assert response.status_code == 200

    report = Report.objects.get()
    assert report.region == udik
    assert report.channel == "sms"
    assert report.text == "jalan berlubang di depan SD"
    assert report.category.slug == "lainnya"
    reporter = User.objects.get(phone="+6281299998888")
    assert report.reporter == reporter
    assert reporter.full_name == "Pelapor SMS"
    assert not reporter.has_usable_password()
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REPORT
    assert message.tracking_number == report.tracking_number

    again = post_sms(client, text=text, sender=STRANGER, gateway_id=gateway_id)  # the gateway retries
    assert again.status_code == 200
    assert again.json()["duplicate"] == 1
    assert Report.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert Message.objects.filter(event="inbound.report_received").count() == 1

    message_send.call(reply_of(message).pk)
    (sent,) = [t for t in sent_texts(fake_gateway) if report.tracking_number in t]
    assert "diterima" in sent.lower()


def test_the_new_reporter_can_follow_the_report_by_cek(cast, client, fake_gateway):
    kotabumi_udik(cast.world)
    categories(cast.world)
    post_sms(client, text="lapor: kotabumi udik lampu jalan mati sudah seminggu")
    report = Report.objects.get()
    post_sms(client, text=f"cek {report.tracking_number}")
    last = InboundMessage.objects.order_by("pk").last()
    assert last is not None
    assert last.outcome == Outcome.STATUS


def test_aduan_without_a_known_desa_files_nothing_and_answers_the_help(cast, client):
    categories(cast.world)
    response = post_sms(client, text="ADUAN jalan berlubang di depan SD", sender=STRANGER)
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert not User.objects.filter(phone="+6281299998888").exists()
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.HELP
    assert reply_of(message).event == "inbound.help"


def test_aduan_with_too_little_text_files_nothing(cast, client):
    kotabumi_udik(cast.world)
    categories(cast.world)
    post_sms(client, text="ADUAN Kotabumi Udik rusak", sender=STRANGER)
    assert not Report.objects.exists()
    assert not User.objects.filter(phone="+6281299998888").exists()
    assert InboundMessage.objects.get().outcome == Outcome.HELP


def test_aduan_from_a_registered_citizen_is_filed_under_their_account(cast, client):
    kotabumi_udik(cast.world)
    categories(cast.world)
    post_sms(client, text="aduan: jalan rusak parah di desa Kotabumi Udik", sender=SITI_PHONE)
    report = Report.objects.get()
    assert report.reporter == cast.siti
    assert report.text == "jalan rusak parah di desa Kotabumi Udik"
    assert User.objects.filter(full_name="Pelapor SMS").count() == 0


def test_a_deactivated_account_is_refused(cast, client):
    kotabumi_udik(cast.world)
    categories(cast.world)
    User.objects.filter(pk=cast.siti.pk).update(is_active=False)
    post_sms(client, text="ADUAN Kotabumi Udik jalan berlubang di depan SD", sender=SITI_PHONE)
    assert not Report.objects.exists()
    assert InboundMessage.objects.get().outcome == Outcome.REFUSED


def test_a_foreign_number_is_recorded_invalid_and_not_answered(world, client):
    response = post_sms(client, text="halo", sender="+447700900123")
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.INVALID
    assert message.reply is None
    assert not Message.objects.exists()


def test_a_delivery_report_updates_the_delivery_log(cast, client, fake_gateway):
    post_sms(client, text="halo", sender=SITI_PHONE)
    reply = reply_of(InboundMessage.objects.get())
    message_send.call(reply.pk)
    reply.refresh_from_db()
    assert reply.status == MessageStatus.SENT
    body = json.dumps({"id": reply.gateway_ref, "ref": reply.client_ref, "status": "DELIVERED"}).encode()
    response = post_raw(client, body, url="inbound:sms_status", signature=sign(SMS_SECRET, body))
    assert response.status_code == 200
    assert response.json()["recorded"] == 1
    reply.refresh_from_db()
    assert reply.status == MessageStatus.DELIVERED


def test_a_delivery_report_needs_the_signature_and_a_reference(cast, client):
    body = json.dumps({"id": "sms-1", "status": "delivered"}).encode()
    assert post_raw(client, body, url="inbound:sms_status", signature="00").status_code == 403
    empty = json.dumps({"status": "delivered"}).encode()
    assert (
        post_raw(client, empty, url="inbound:sms_status", signature=sign(SMS_SECRET, empty)).status_code
        == 400
    )


def test_an_unknown_delivery_word_or_reference_changes_nothing(cast, client):
    for fields in ({"id": "sms-404", "status": "delivered"}, {"id": "sms-1", "status": "kabur"}):
        body = json.dumps(fields).encode()
        response = post_raw(client, body, url="inbound:sms_status", signature=sign(SMS_SECRET, body))
        assert response.status_code == 200
        assert response.json()["recorded"] == 0
