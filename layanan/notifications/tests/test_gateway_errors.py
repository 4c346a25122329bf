"""A gateway's refusal at sending keeps its own code and words; only the code is ever shown."""

from __future__ import annotations

import pytest

from layanan.notifications.admin import MessageAdmin
from layanan.notifications.delivery import gateway_words
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import notify
from layanan.notifications.tasks import message_send

pytestmark = pytest.mark.django_db


def queued(cast, channels: list[str]) -> Message:
    message = notify(
        to=cast.siti,
        event="application.received",
        data={"tracking_number": "P-1"},
        key="k",
        channels=channels,
    )
    assert message is not None
    return message


def test_a_whatsapp_refusal_keeps_metas_code_and_message(cast, fake_gateway):
    fake_gateway.program("whatsapp", "permanent")
    message = queued(cast, ["whatsapp"])

    assert message_send.call(message.pk) == "failed"

    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.FAILED
    assert stored.error_code == "wa_131026"
    assert stored.error_detail == "Message undeliverable"


def test_a_temporary_refusal_keeps_its_words_until_the_send_succeeds(cast, fake_gateway):
    fake_gateway.program("whatsapp", "temporary")
    message = queued(cast, ["whatsapp"])

    assert message_send.call(message.pk) == "retry"
    assert Message.objects.get(pk=message.pk).error_detail == "Something went wrong"
    Message.objects.filter(pk=message.pk).update(next_attempt_at=None)
    assert message_send.call(message.pk) == "sent"

    stored = Message.objects.get(pk=message.pk)
    assert (stored.error_code, stored.error_detail) == ("", "")


def test_an_sms_refusal_keeps_the_gateways_code(cast, fake_gateway):
    fake_gateway.program("sms", "permanent")
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "failed"

    assert Message.objects.get(pk=message.pk).error_code == "http_400_invalid_number"


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("(#131026) Message undeliverable", "(#131026) Message undeliverable"),
        ("Recipient +62 812-0000-0001 not in allowed list", "Recipient [nomor] not in allowed list"),
        ("Recipient 6281200000001 blocked", "Recipient [nomor] blocked"),
        ("Bounce from siti@example.com", "Bounce from [alamat]"),
        ("x" * 400, "x" * 300),
    ],
)
def test_the_gateways_words_lose_numbers_and_addresses(said, kept):
    assert gateway_words(said) == kept


def test_the_admin_shows_the_code_and_not_the_gateways_words():
    assert "error_code" in MessageAdmin.fields
    assert "error_detail" not in MessageAdmin.fields
    assert "error_detail" not in MessageAdmin.list_display
