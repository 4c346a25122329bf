"""Proven-only: SMS and WhatsApp notices reach a number only once its account has proven it (issue 13)."""

from __future__ import annotations

import pytest
from django.core import mail

from layanan.accounts.models import User
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import notify, notify_foreign_sender
from layanan.notifications.tasks import message_send
from layanan.testing.world import make_user

pytestmark = pytest.mark.django_db


def unproven(phone: str = "081277770042", email: str | None = None) -> User:
    return make_user(phone=phone, full_name="Belum Terbukti", email=email, phone_verified_at=None)


def test_a_proven_citizen_hears_by_whatsapp_and_sms(cast):
    assert cast.siti.phone_is_proven

    message = notify(to=cast.siti, event="application.received", data={"tracking_number": "P-1"}, key="p-1")

    assert message is not None
    assert message.channels == ["whatsapp", "sms"]


def test_an_unproven_account_gets_its_notices_by_email_only(db):
    user = unproven(email="warga.baru@example.com")

    message = notify(to=user, event="application.received", data={"tracking_number": "P-1"}, key="u-1")

    assert message is not None
    assert message.channels == ["email"]
    assert message.phone == ""
    assert message.recipient == user


def test_an_unproven_account_without_email_gets_nothing_by_phone(db):
    user = unproven()

    message = notify(to=user, event="application.received", data={"tracking_number": "P-1"}, key="u-2")

    assert message is None
    stored = Message.objects.get(key="u-2")
    assert stored.status == MessageStatus.SKIPPED
    assert stored.error_code == "phone_unproven"
    assert stored.channels == []
    assert stored.phone == ""


def test_a_notice_to_a_number_is_not_linked_to_an_unproven_account_that_claims_it(db):
    impostor = unproven(email="impostor@example.com")

    message = notify(to=impostor.phone, event="inbound.help", key="u-3", channels=["sms"], reply=True)

    assert message is not None
    assert message.recipient is None  # the answer goes to the number, not to the account
    assert message.email == ""  # nor to the impostor's email
    assert message.channels == ["sms"]


def test_a_notice_queued_before_the_number_changed_does_not_go_to_the_old_number(cast, fake_gateway):
    message = notify(to=cast.siti, event="application.approved", data={"tracking_number": "P-1"}, key="c")
    assert message is not None
    cast.siti.phone = "+6281277770099"
    cast.siti.phone_verified_at = None
    cast.siti.save(update_fields=["phone", "phone_verified_at"])

    outcomes = [message_send.call(message.pk), message_send.call(message.pk)]

    stored = Message.objects.get(pk=message.pk)
    assert outcomes == ["fallback", "failed"]  # WhatsApp, then SMS; Siti has no email
    assert stored.status == MessageStatus.FAILED
    assert stored.error_code == "phone_changed"
    assert not fake_gateway.of("whatsapp")
    assert not fake_gateway.of("sms")


def test_a_notice_queued_before_the_proof_was_withdrawn_is_held_back(cast, fake_gateway):
    cast.siti.email = "siti@example.com"
    cast.siti.save(update_fields=["email"])
    message = notify(to=cast.siti, event="application.approved", data={"tracking_number": "P-1"}, key="w")
    assert message is not None
    assert message.channels == ["whatsapp", "sms", "email"]
    User.objects.filter(pk=cast.siti.pk).update(phone_verified_at=None)

    outcome = message_send.call(message.pk)

    stored = Message.objects.get(pk=message.pk)
    assert outcome == "fallback"
    assert stored.channel == "sms"
    assert stored.history[-1]["code"] == "phone_unproven"
    assert message_send.call(message.pk) == "fallback"
    assert message_send.call(message.pk) == "sent"
    assert Message.objects.get(pk=message.pk).channel == "email"
    assert len(mail.outbox) == 1
    assert not fake_gateway.of("whatsapp")
    assert not fake_gateway.of("sms")


def test_the_foreign_sender_answer_goes_to_that_number_on_its_channel_only(db, fake_gateway):
    message = notify_foreign_sender(phone="+819012345678", channel="whatsapp", key="f-1")
    again = notify_foreign_sender(phone="+819012345678", channel="whatsapp", key="f-1")

    assert message is not None
    assert again is not None
    assert again.pk == message.pk
    assert (message.recipient, message.channels, message.reply) == (None, ["whatsapp"], True)
    assert message_send.call(message.pk) == "sent"
    [request] = fake_gateway.of("whatsapp")
    assert request.body["to"] == "819012345678"
    assert request.body["type"] == "text"
    assert "hanya untuk nomor HP Indonesia" in request.body["text"]["body"]
    assert "only for Indonesian" in request.body["text"]["body"]


@pytest.mark.parametrize("phone", ["+6281200000001", "081200000001", "819012345678", "+81abc"])
def test_the_foreign_sender_answer_refuses_an_indonesian_or_malformed_number(db, phone):
    from layanan.notifications.services import NotifyError

    with pytest.raises(NotifyError):
        notify_foreign_sender(phone=phone, channel="sms", key="f-2")
    assert not Message.objects.exists()
