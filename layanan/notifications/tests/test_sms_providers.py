"""Sending an SMS through Twilio or Zenziva (SMS_PROVIDER), each against a fake of its documented API.

The fakes (tests/providers.py) are real HTTP servers on 127.0.0.1; each test checks the exact
request the provider received and how its answer lands in the delivery log: accepted → sent,
5xx/429/timeout → retried, a refusal → the next channel or failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from layanan.notifications.backends import TwilioBackend, ZenzivaBackend, backend_for
from layanan.notifications.models import Message, MessageStatus
from layanan.notifications.services import message_status_record, notify
from layanan.notifications.tasks import message_send
from layanan.notifications.tests.providers import (
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
    ZENZIVA_PASSKEY,
    ZENZIVA_USERKEY,
)

pytestmark = pytest.mark.django_db

SITI = "+6281200000001"


def queued(cast, channels: list[str], key: str = "k") -> Message:
    message = notify(
        to=cast.siti,
        event="application.received",
        data={"tracking_number": "PMH-2026-000001-X"},
        key=key,
        channels=channels,
    )
    assert message is not None
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path=message_send.module_path, args_kwargs__args=[message.pk]).delete()
    return message


def fresh(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def due_now(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


# --- choosing the provider -----------------------------------------------------------------------


def test_the_sms_backend_follows_the_configured_provider(settings):
    settings.NOTIFY_BACKENDS = {"sms": "twilio"}
    assert isinstance(backend_for("sms"), TwilioBackend)
    settings.NOTIFY_BACKENDS = {"sms": "zenziva"}
    assert isinstance(backend_for("sms"), ZenzivaBackend)


ROOT = Path(__file__).resolve().parents[3]
PROVIDER_VARIABLES = (
    "SMS_PROVIDER",
    "NOTIFY_SMS_BACKEND",
    "SMS_GATEWAY_URL",
    "SMS_TWILIO_ACCOUNT_SID",
    "SMS_TWILIO_AUTH_TOKEN",
    "SMS_TWILIO_FROM",
    "SMS_TWILIO_MESSAGING_SERVICE_SID",
    "SMS_ZENZIVA_USERKEY",
    "SMS_ZENZIVA_PASSKEY",
)
TWILIO_READY = {
    "SMS_PROVIDER": "twilio",
    "SMS_TWILIO_ACCOUNT_SID": TWILIO_SID,
    "SMS_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
}


def sms_backend_at_start(tmp_path: Path, **variables: str) -> str:
    """The SMS backend a fresh process configures from these variables (or its start-up error)."""
    env = {key: value for key, value in os.environ.items() if key not in PROVIDER_VARIABLES}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="layanan.settings", **variables)
    result = subprocess.run(
        [sys.executable, "-c", "from layanan import settings; print(settings.NOTIFY_BACKENDS['sms'])"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("variables", "backend"),
    [
        ({}, "console"),
        ({"SMS_GATEWAY_URL": "https://sms.example.go.id/send"}, "http"),
        ({"SMS_PROVIDER": "twilio"}, "console"),  # no credentials yet: nothing sent
        ({**TWILIO_READY, "SMS_TWILIO_FROM": TWILIO_FROM}, "twilio"),
        ({**TWILIO_READY, "SMS_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32}, "twilio"),
        ({"SMS_PROVIDER": "zenziva", "SMS_ZENZIVA_USERKEY": "u", "SMS_ZENZIVA_PASSKEY": "p"}, "zenziva"),
    ],
)
def test_the_provider_picks_the_sms_backend_and_generic_stays_the_default(tmp_path, variables, backend):
    assert sms_backend_at_start(tmp_path, **variables) == backend


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        (TWILIO_READY, "SMS_TWILIO_FROM"),
        ({"NOTIFY_SMS_BACKEND": "twilio"}, "SMS_TWILIO_ACCOUNT_SID"),
        ({"NOTIFY_SMS_BACKEND": "zenziva", "SMS_ZENZIVA_USERKEY": "u"}, "SMS_ZENZIVA_PASSKEY"),
        ({"SMS_PROVIDER": "nexmo"}, "SMS_PROVIDER"),
    ],
)
def test_an_incomplete_provider_stops_the_start_naming_the_variable(tmp_path, variables, named):
    error = sms_backend_at_start(tmp_path, **variables)
    assert "ImproperlyConfigured" in error
    assert named in error


# --- Twilio ----------------------------------------------------------------------------------------


def test_twilio_gets_a_form_with_basic_auth_and_our_status_callback(cast, fake_twilio):
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "sent"

    [request] = fake_twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.basic == (TWILIO_SID, TWILIO_TOKEN)
    assert sorted(request.fields) == ["Body", "From", "StatusCallback", "To"]
    assert request.field("To") == SITI
    assert request.field("From") == TWILIO_FROM
    assert "PMH-2026-000001-X" in request.field("Body")
    assert request.field("StatusCallback") == (
        f"https://layanan.example.go.id/webhook/sms/twilio/status/?ref={message.client_ref}"
    )
    stored = fresh(message)
    assert stored.status == MessageStatus.SENT
    assert stored.gateway_ref.startswith("SM")


def test_a_messaging_service_replaces_the_from_number(cast, fake_twilio, settings):
    settings.SMS_TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    settings.SMS_TWILIO_STATUS_CALLBACK = False

    assert message_send.call(queued(cast, ["sms"]).pk) == "sent"

    [request] = fake_twilio.requests
    assert sorted(request.fields) == ["Body", "MessagingServiceSid", "To"]
    assert request.field("MessagingServiceSid") == "MG" + "1" * 32


@pytest.mark.parametrize(
    ("answer", "code"),
    [("temporary", "twilio_20503"), ("rate_limited", "twilio_20429"), ("garbage", "http_200")],
)
def test_twilio_5xx_429_and_unreadable_answers_are_retried(cast, fake_twilio, answer, code):
    fake_twilio.program(answer)
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "retry"

    stored = fresh(message)
    assert stored.status == MessageStatus.QUEUED
    assert stored.error_code == code
    due_now(message)
    assert message_send.call(message.pk) == "sent"
    assert len(fake_twilio.requests) == 2


def test_a_twilio_timeout_is_retried(cast, fake_twilio):
    fake_twilio.slow_seconds = 1.5
    fake_twilio.program("slow")
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "retry"
    assert fresh(message).error_code == "timeout"


def test_a_twilio_refusal_moves_on_to_the_next_channel_with_its_code_and_scrubbed_words(cast, fake_twilio):
    fake_twilio.program("permanent")
    message = queued(cast, ["sms", "whatsapp"])

    assert message_send.call(message.pk) == "fallback"

    stored = fresh(message)
    assert stored.channel == "whatsapp"
    assert stored.error_code == "twilio_21211"
    assert stored.error_detail == "The 'To' number [nomor] is not a valid phone number."


def test_wrong_twilio_credentials_are_a_permanent_failure(cast, fake_twilio, settings):
    settings.SMS_TWILIO_AUTH_TOKEN = "salah"
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "failed"
    assert fresh(message).error_code == "twilio_20003"


def test_an_interrupted_twilio_send_is_not_repeated_but_confirmed_by_its_status_callback(
    cast, fake_twilio, settings
):
    settings.NOTIFY_SENDING_STALE_SECONDS = 1
    message = queued(cast, ["sms", "whatsapp"])
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        channel_attempts=1,
        sending_since=timezone.now() - timedelta(minutes=5),
    )

    assert message_send.call(message.pk) == "unconfirmed"
    assert fake_twilio.requests == []  # Twilio drops nothing by our reference: never sent twice
    # The status callback names the message only by the reference in its signed URL.
    assert message_status_record(
        channel="sms", gateway_ref="SM" + "9" * 32, client_ref=message.client_ref, status="delivered"
    )

    stored = fresh(message)
    assert stored.status == MessageStatus.DELIVERED
    assert stored.gateway_ref == "SM" + "9" * 32
    assert stored.channel == "sms"


def test_a_reference_of_another_channel_or_message_matches_nothing(cast, fake_twilio):
    message = queued(cast, ["sms", "whatsapp"])
    message_send.call(message.pk)

    for ref in (f"lp{message.pk}-1", f"lp{message.pk + 1}-0", "lpX-0", ""):
        assert not message_status_record(channel="sms", client_ref=ref, status="failed")
    assert fresh(message).status == MessageStatus.SENT


# --- Zenziva ---------------------------------------------------------------------------------------


def test_zenziva_gets_its_keys_the_local_number_and_the_text(cast, fake_zenziva):
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "sent"

    [request] = fake_zenziva.requests
    assert request.method == "POST"
    assert request.path == "/reguler/api/sendsms/"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in request.headers
    assert sorted(request.fields) == ["message", "passkey", "to", "userkey"]
    assert request.field("userkey") == ZENZIVA_USERKEY
    assert request.field("passkey") == ZENZIVA_PASSKEY
    assert request.field("to") == "081200000001"
    assert "PMH-2026-000001-X" in request.field("message")
    stored = fresh(message)
    assert stored.status == MessageStatus.SENT
    assert stored.gateway_ref == "ZZ1"


@pytest.mark.parametrize(
    ("answer", "code"),
    [("temporary", "http_503"), ("rate_limited", "http_429"), ("garbage", "zenziva_no_answer")],
)
def test_zenziva_5xx_429_and_unreadable_answers_are_retried(cast, fake_zenziva, answer, code):
    fake_zenziva.program(answer)
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "retry"
    assert fresh(message).error_code == code
    due_now(message)
    assert message_send.call(message.pk) == "sent"


def test_a_zenziva_timeout_is_retried(cast, fake_zenziva):
    fake_zenziva.slow_seconds = 1.5
    fake_zenziva.program("slow")
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "retry"
    assert fresh(message).error_code == "timeout"


@pytest.mark.parametrize(("answer", "code"), [("refused", "zenziva_0"), ("permanent", "http_400")])
def test_a_zenziva_refusal_fails_the_channel_with_its_words(cast, fake_zenziva, answer, code):
    fake_zenziva.program(answer)
    message = queued(cast, ["sms"])

    assert message_send.call(message.pk) == "failed"

    stored = fresh(message)
    assert stored.status == MessageStatus.FAILED
    assert stored.error_code == code
    assert len(fake_zenziva.requests) == 1


def test_wrong_zenziva_keys_are_a_permanent_failure(cast, fake_zenziva, settings):
    settings.SMS_ZENZIVA_PASSKEY = "salah"
    message = queued(cast, ["sms", "whatsapp"])

    assert message_send.call(message.pk) == "fallback"
    assert fresh(message).error_code == "zenziva_0"
    assert fresh(message).error_detail == "Userkey / Passkey Salah"
