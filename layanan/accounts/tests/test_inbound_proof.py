"""A message sent from a number proves it: an unproven holder neither hears nor receives what it sends."""

from __future__ import annotations

import pytest
from django.test import Client

from layanan.accounts import services
from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events
from layanan.complaints.models import Report
from layanan.complaints.tests.domain_builders import submitted as report_submitted
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tests.builders import (
    SMS_SECRET,
    WA_SECRET,
    WA_VERIFY,
    categories,
    kotabumi_udik,
    post_sms,
    reply_of,
)
from layanan.testing import make_user

pytestmark = pytest.mark.django_db

HOLDER_PHONE = "081311112222"


@pytest.fixture(autouse=True)
def _webhook_secrets(settings):
    settings.SMS_WEBHOOK_SECRET = SMS_SECRET
    settings.WHATSAPP_APP_SECRET = WA_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = WA_VERIFY
    settings.NOTIFY_CHANNELS = ["whatsapp", "sms", "email"]


def _unproven() -> User:
    user = make_user(phone=HOLDER_PHONE, full_name="Penyerobot Nomor")
    User.objects.filter(pk=user.pk).update(phone_verified_at=None)
    user.refresh_from_db()
    return user


def test_a_report_from_a_number_an_unproven_account_holds_takes_the_number_back(
    cast, client, django_capture_on_commit_callbacks
):
    holder = _unproven()
    holder_client = Client()
    sign_in(holder_client, holder)
    kotabumi_udik(cast.world)
    categories(cast.world)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(
            client, text="ADUAN Kotabumi Udik jalan berlubang di depan SD", sender=HOLDER_PHONE
        )
    assert response.status_code == 200
    report = Report.objects.get()
    sender = User.objects.get(phone="+6281311112222")
    assert report.reporter == sender
    assert sender.pk != holder.pk
    assert sender.phone_is_proven
    holder.refresh_from_db()
    assert holder.phone.startswith(services.RELEASED_PHONE_PREFIX)
    assert not Report.objects.filter(reporter=holder).exists()
    assert holder_client.get("/akun/").status_code == 302
    assert [e.object_id for e in audit_events("accounts.phone_taken_back")] == [str(holder.pk)]
    assert audit_events("inbound.account_create")[0].details == {"channel": "sms", "took_back": True}


def test_a_report_from_a_proven_number_lands_in_its_account(cast, client):
    kotabumi_udik(cast.world)
    categories(cast.world)
    post_sms(client, text="ADUAN Kotabumi Udik lampu jalan mati sudah seminggu", sender="081200000001")
    assert Report.objects.get().reporter == cast.siti
    assert not audit_events("accounts.phone_taken_back")


def test_cek_answers_an_unproven_holder_as_if_the_case_were_unknown(cast, client):
    report = report_submitted(cast)
    User.objects.filter(pk=cast.siti.pk).update(phone_verified_at=None)
    post_sms(client, text=f"cek {report.tracking_number}", sender="081200000001")
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.REFUSED
    assert reply_of(message).event == "inbound.not_found"
    assert User.objects.get(pk=cast.siti.pk).phone == "+6281200000001"  # a question takes nothing back


def test_cek_answers_a_proven_holder(cast, client):
    report = report_submitted(cast)
    post_sms(client, text=f"cek {report.tracking_number}", sender="081200000001")
    message = InboundMessage.objects.get()
    assert message.outcome == Outcome.STATUS
    assert reply_of(message).event == "inbound.status"
