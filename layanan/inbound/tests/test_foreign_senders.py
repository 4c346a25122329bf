"""Senders outside Indonesia (issue 13): a ``wa_id`` is international, a foreign number is refused politely.

Before, the WhatsApp ``wa_id`` ``819012345678`` (Japan) was read as ``+62 819 0123 45678``: the
stranger's CEK answered that citizen's case and their ADUAN was filed in that citizen's account.
"""

from __future__ import annotations

import logging

import pytest

from layanan.accounts.models import User
from layanan.applications.tests.builders import dukcapil_service
from layanan.applications.tests.builders import submitted as application_submitted
from layanan.audit.models import AuditEvent
from layanan.complaints.models import Report
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import (
    categories,
    kotabumi_udik,
    new_id,
    post_sms,
    post_whatsapp,
    reply_of,
    wa_message,
    wa_payload,
)
from layanan.notifications.models import Message
from layanan.notifications.tasks import message_send
from layanan.testing.world import make_user

pytestmark = pytest.mark.django_db

JAPAN_WA = "819012345678"  # a Japanese mobile, as WhatsApp writes it
LOOKALIKE = "+62819012345678"  # the Indonesian number it was mistaken for
FOREIGN_TEXT = "hanya untuk nomor HP Indonesia"


@pytest.fixture
def lookalike(cast) -> User:
    """A citizen whose Indonesian number has the same digits as the Japanese wa_id after +62."""
    return make_user(phone=LOOKALIKE, full_name="Dewi Lestari", home_region=cast.world.kotabumi_pasar)


def audit_of(message: InboundMessage) -> AuditEvent:
    return AuditEvent.objects.get(object_type="inbound.inboundmessage", object_id=str(message.pk))


def test_cek_from_a_japanese_wa_id_does_not_answer_the_lookalike_citizens_case(
    cast, client, lookalike, fake_gateway
):
    application = application_submitted(dukcapil_service(cast.world), lookalike)
    payload = wa_payload(messages=[wa_message(text=f"CEK {application.tracking_number}", sender=JAPAN_WA)])

    response = post_whatsapp(client, payload)

    assert response.status_code == 200
    assert response.json()["messages"] == 1
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REFUSED
    assert message.tracking_number == ""
    assert message.text == ""  # nothing in it is acted on, so it is not kept
    assert message.sender == "+" + JAPAN_WA
    reply = reply_of(message)
    assert reply.event == "inbound.foreign_sender"
    assert reply.recipient is None
    assert reply.phone == "+" + JAPAN_WA
    assert reply.channels == ["whatsapp"]
    assert not Message.objects.filter(event="inbound.status").exists()
    assert message_send.call(reply.pk) == "sent"
    (sent,) = fake_gateway.of("whatsapp")
    assert sent.body["to"] == JAPAN_WA
    assert FOREIGN_TEXT in sent.body["text"]["body"]
    assert "only for Indonesian" in sent.body["text"]["body"]
    assert application.tracking_number not in sent.body["text"]["body"]


def test_aduan_from_a_foreign_number_files_nothing_and_makes_no_account(cast, client, lookalike):
    kotabumi_udik(cast.world)
    categories(cast.world)
    users = User.objects.count()
    text = "aduan kotabumi udik jalan berlubang di depan SD"

    post_whatsapp(client, wa_payload(messages=[wa_message(text=text, sender=JAPAN_WA)]))
    post_whatsapp(client, wa_payload(messages=[wa_message(text=text, sender="12025550123")]))

    assert not Report.objects.exists()
    assert User.objects.count() == users
    assert set(InboundMessage.objects.values_list("outcome", flat=True)) == {Outcome.REFUSED}


def test_the_refusal_is_audited_with_channel_and_country_but_never_the_number(cast, client, caplog):
    caplog.set_level(logging.INFO)

    post_whatsapp(client, wa_payload(messages=[wa_message(text="halo", sender=JAPAN_WA)]))

    message = InboundMessage.objects.get()
    event = audit_of(message)
    assert event.action == "inbound.foreign_sender"
    assert event.details == {"channel": "whatsapp", "country": "JP", "answered": True}
    assert event.actor is None
    assert JAPAN_WA not in str(event.details)
    assert JAPAN_WA not in caplog.text
    assert "9012345678" not in caplog.text
    assert "JP" in caplog.text


def test_a_foreign_sender_is_answered_once_a_day_and_a_retry_changes_nothing(cast, client):
    first = wa_message(text="halo", sender=JAPAN_WA)
    post_whatsapp(client, wa_payload(messages=[first]))
    post_whatsapp(client, wa_payload(messages=[first]))  # Meta retries the same message
    post_whatsapp(client, wa_payload(messages=[wa_message(text="halo lagi", sender=JAPAN_WA)]))

    outcomes = list(InboundMessage.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [Outcome.REFUSED, Outcome.LIMITED]
    assert Message.objects.filter(event="inbound.foreign_sender").count() == 1
    last = InboundMessage.objects.order_by("pk").last()
    assert last is not None
    assert last.reply is None
    assert AuditEvent.objects.filter(action="inbound.foreign_sender").count() == 2


def test_the_platform_cap_stops_answers_to_foreign_numbers(cast, client, settings):
    settings.INBOUND_FOREIGN_REPLIES_PER_DAY = 1
    post_whatsapp(client, wa_payload(messages=[wa_message(text="halo", sender=JAPAN_WA)]))
    post_whatsapp(client, wa_payload(messages=[wa_message(text="halo", sender="12025550123")]))

    outcomes = list(InboundMessage.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [Outcome.REFUSED, Outcome.LIMITED]
    assert Message.objects.count() == 1


def test_an_indonesian_wa_id_is_still_served(cast, client):
    application = application_submitted(dukcapil_service(cast.world), cast.siti)

    post_whatsapp(
        client,
        wa_payload(messages=[wa_message(text=f"CEK {application.tracking_number}", sender="6281200000001")]),
    )

    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.STATUS
    assert message.sender == cast.siti.phone


def test_an_indonesian_landline_wa_id_is_recorded_invalid_and_not_answered(cast, client):
    post_whatsapp(client, wa_payload(messages=[wa_message(text="halo", sender="62215551234")]))

    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.INVALID
    assert message.reply is None
    assert not Message.objects.exists()


def test_an_sms_from_a_foreign_number_is_refused_politely(cast, client, lookalike):
    application = application_submitted(dukcapil_service(cast.world), lookalike)

    response = post_sms(client, text=f"CEK {application.tracking_number}", sender="+81 90-1234-5678")

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REFUSED
    assert reply_of(message).event == "inbound.foreign_sender"
    assert reply_of(message).channels == ["sms"]
    assert audit_of(message).details["country"] == "JP"


@pytest.mark.parametrize("sender", ["081200000001", "6281200000001", "+62 812-0000-0001"])
def test_an_sms_from_an_indonesian_number_in_its_usual_forms_is_served(cast, client, sender):
    application = application_submitted(dukcapil_service(cast.world), cast.siti)

    post_sms(client, text=f"CEK {application.tracking_number}", sender=sender)

    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.STATUS
    assert message.sender == cast.siti.phone


@pytest.mark.parametrize("sender", ["819012345678", "TELKOMSEL", "3636", "0215551234"])
def test_an_sms_sender_we_cannot_read_as_a_mobile_number_is_recorded_invalid_and_not_answered(
    cast, client, lookalike, sender
):
    application = application_submitted(dukcapil_service(cast.world), lookalike)

    response = post_sms(client, text=f"CEK {application.tracking_number}", sender=sender, gateway_id=new_id())

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.INVALID
    assert message.reply is None
    assert not Message.objects.filter(event__startswith="inbound.").exists()
    assert not AuditEvent.objects.filter(action="inbound.foreign_sender").exists()
