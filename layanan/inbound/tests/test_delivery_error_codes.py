"""Delivery reports keep the gateway's own error code and words (issue 13: ``report_failed`` replaced them).

The code (``wa_131047``, ``sms_EC_ABSENT_SUBSCRIBER``) goes in ``error_code`` and the history,
which the log pages show; the words go, scrubbed of numbers and addresses and sealed, in
``error_detail``, which no page shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from django.db import connection
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.inbound.models import InboundMessage
from layanan.inbound.tests.builders import SMS_SECRET, post_raw, post_whatsapp, sign, wa_payload
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import notify
from layanan.notifications.tasks import message_send

pytestmark = pytest.mark.django_db


def sent(cast, *, channels: list[str], key: str = "k") -> Message:
    message = notify(
        to=cast.siti,
        event="application.received",
        data={"tracking_number": "P-1"},
        key=key,
        channels=channels,
    )
    assert message is not None
    assert message_send.call(message.pk) == "sent"
    return Message.objects.get(pk=message.pk)


def wa_failed(message: Message, *, errors: list[object] | None) -> dict[str, object]:
    status: dict[str, object] = {
        "id": message.gateway_ref,
        "status": "failed",
        "timestamp": "1767225600",
        "recipient_id": "6281200000001",
        "biz_opaque_callback_data": message.key,
    }
    if errors is not None:
        status["errors"] = errors
    return status


def post_sms_status(client, payload: Mapping[str, object]):
    body = json.dumps(payload).encode()
    return post_raw(client, body, url="inbound:sms_status", signature=sign(SMS_SECRET, body))


def test_a_whatsapp_failure_report_keeps_metas_code_and_words(cast, client, fake_gateway):
    message = sent(cast, channels=["whatsapp", "sms"])
    error = {
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {"details": "More than 24 hours have passed since +6281200000001 last replied."},
    }

    response = post_whatsapp(client, wa_payload(statuses=[wa_failed(message, errors=[error])]))

    assert response.status_code == 200
    assert response.json()["statuses"] == 1
    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.QUEUED  # on to SMS
    assert stored.channel == "sms"
    assert stored.error_code == "wa_131047"
    assert stored.history[-1]["code"] == "wa_131047"
    assert stored.error_detail.startswith("Re-engagement message — More than 24 hours")
    assert "6281200000001" not in stored.error_detail
    assert "[nomor]" in stored.error_detail
    with connection.cursor() as cursor:
        cursor.execute("SELECT error_detail FROM notifications_message WHERE id = %s", [message.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:")
    assert not InboundMessage.objects.exists()


def test_a_whatsapp_failure_without_errors_is_still_report_failed(cast, client, fake_gateway):
    message = sent(cast, channels=["whatsapp"])

    post_whatsapp(client, wa_payload(statuses=[wa_failed(message, errors=None)]))

    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.FAILED
    assert stored.error_code == "report_failed"
    assert stored.error_detail == ""


def test_an_sms_failure_report_keeps_the_gateways_code_and_words(cast, client, fake_gateway):
    message = sent(cast, channels=["sms"])
    payload = {
        "id": message.gateway_ref,
        "status": "undelivered",
        "error_code": "EC ABSENT/SUBSCRIBER",
        "error_message": "Absent subscriber siti@example.com",
    }

    response = post_sms_status(client, payload)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "recorded": 1}
    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.FAILED
    assert stored.error_code == "sms_EC_ABSENT_SUBSCRIBER"
    assert stored.error_detail == "Absent subscriber [alamat]"


def test_a_delivered_report_clears_nothing_it_should_not_and_takes_no_code(cast, client, fake_gateway):
    message = sent(cast, channels=["sms"])

    post_sms_status(client, {"id": message.gateway_ref, "status": "delivered", "error_code": "X1"})

    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.DELIVERED
    assert stored.error_code == ""


def test_the_delivery_log_shows_the_code_but_never_the_gateways_words(cast, client, fake_gateway):
    message = sent(cast, channels=["whatsapp"])
    error = {"code": 131026, "title": "Message undeliverable", "error_data": {"details": "Rahasia gateway"}}
    post_whatsapp(client, wa_payload(statuses=[wa_failed(message, errors=[error])]))

    sign_in(client, cast.auditor)
    page = client.get(reverse("notifications:message_list"))
    sign_in(client, cast.siti)
    refused = client.get(reverse("notifications:message_list"))

    assert page.status_code == 200
    assert "wa_131026" in page.content.decode()
    assert "Rahasia gateway" not in page.content.decode()
    assert "undeliverable" not in page.content.decode()
    assert refused.status_code == 403
