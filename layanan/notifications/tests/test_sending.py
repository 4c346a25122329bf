"""Sending through the fake gateway over real HTTP: fallback, retries, permanent failures, reports."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from layanan.notifications.delivery import message_deliver
from layanan.notifications.models import ContactPreference, Message, MessageStatus
from layanan.notifications.services import message_status_record, notify
from layanan.notifications.tasks import message_send, notifications_send_due

pytestmark = pytest.mark.django_db


def queued(cast, key: str = "k", event: str = "application.received", **kwargs) -> Message:
    message = notify(
        to=cast.siti, event=event, data={"tracking_number": "PMH-2026-000001-X"}, key=key, **kwargs
    )
    assert message is not None
    # notify() queued the send with the message; the tests run it by hand (message_send.call), so
    # they take it off the queue as a worker claiming it would, and see only what the send queues.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path=message_send.module_path, args_kwargs__args=[message.pk]).delete()
    return message


def due_now(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def fresh(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def test_a_message_goes_out_on_whatsapp_as_an_approved_template_with_our_key(cast, fake_gateway):
    message = queued(cast)

    assert message_send.call(message.pk) == "sent"

    stored = fresh(message)
    assert stored.status == MessageStatus.SENT
    assert stored.channel == "whatsapp"
    assert stored.gateway_ref.startswith("wamid.")
    assert stored.attempts == 1
    [request] = fake_gateway.of("whatsapp")
    assert request.body["to"] == "6281200000001"
    assert request.body["type"] == "template"
    assert request.body["template"]["name"] == "layanan_application_received"
    assert request.body["template"]["language"] == {"code": "id"}
    parameters = request.body["template"]["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == ["Siti", "PMH-2026-000001-X"]
    assert request.body["biz_opaque_callback_data"] == "k"


def test_a_reply_within_the_window_is_free_text(cast, fake_gateway):
    message = notify(to=cast.siti.phone, event="inbound.help", key="r", channels=["whatsapp"], reply=True)
    assert message is not None

    message_send.call(message.pk)

    [request] = fake_gateway.of("whatsapp")
    assert request.body["type"] == "text"
    assert request.body["text"]["body"].startswith("Layanan Lampura. Kirim CEK")


def test_a_permanent_whatsapp_failure_falls_back_to_sms_at_once(cast, fake_gateway):
    fake_gateway.program("whatsapp", "permanent")
    message = queued(cast)

    assert message_send.call(message.pk) == "fallback"
    assert fresh(message).channel == "sms"
    assert message_send.call(message.pk) == "sent"

    stored = fresh(message)
    assert stored.status == MessageStatus.SENT
    assert stored.channel == "sms"
    assert stored.gateway_ref == "sms-1"
    assert [h["outcome"] for h in stored.history] == ["fallback", "sent"]
    assert stored.history[0]["code"] == "wa_131026"
    [sms] = fake_gateway.of("sms")
    assert sms.body["to"] == "+6281200000001"
    assert sms.body["ref"] == stored.client_ref
    assert sms.body["text"] == (
        "Halo Siti, permohonan PMH-2026-000001-X diterima dan akan diperiksa petugas."
    )


def test_the_order_follows_the_preference_down_to_email(cast, fake_gateway):
    cast.siti.email = "siti@example.com"
    cast.siti.save(update_fields=["email"])
    ContactPreference.objects.create(user=cast.siti, order=["sms", "whatsapp", "email"])
    fake_gateway.program("sms", "permanent")
    fake_gateway.program("whatsapp", "permanent")
    message = queued(cast)

    results = [message_send.call(message.pk) for _ in range(3)]

    assert results == ["fallback", "fallback", "sent"]
    assert fresh(message).channel == "email"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.com"]
    assert mail.outbox[0].subject == "Permohonan Lampura PMH-2026-000001-X"


def test_every_channel_failing_permanently_fails_the_message(cast, fake_gateway):
    fake_gateway.program("whatsapp", "permanent")
    fake_gateway.program("sms", "permanent")
    message = queued(cast)

    assert [message_send.call(message.pk) for _ in range(2)] == ["fallback", "failed"]

    stored = fresh(message)
    assert stored.status == MessageStatus.FAILED
    assert stored.error_code == "http_400_invalid_number"
    assert stored.failed_at is not None
    assert message_send.call(message.pk) == "settled"


def test_a_temporary_failure_is_retried_later_with_backoff_on_the_same_channel(cast, fake_gateway, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    fake_gateway.program("whatsapp", "temporary", "rate_limited")
    message = queued(cast)
    before = timezone.now()

    assert message_send.call(message.pk) == "retry"
    first = fresh(message)
    assert first.status == MessageStatus.QUEUED
    assert first.error_code == "wa_131000"
    assert first.next_attempt_at is not None
    assert before + timedelta(seconds=29) < first.next_attempt_at < before + timedelta(seconds=61)
    assert message_send.call(message.pk) == "later"  # not due yet: nothing sent

    due_now(message)
    before = timezone.now()
    assert message_send.call(message.pk) == "retry"
    second = fresh(message)
    assert second.error_code == "wa_130429"
    assert second.next_attempt_at is not None
    assert before + timedelta(seconds=59) < second.next_attempt_at < before + timedelta(seconds=121)

    due_now(message)
    assert message_send.call(message.pk) == "sent"
    assert fresh(message).attempts == 3
    assert fresh(message).channel == "whatsapp"
    assert len(fake_gateway.received) == 3
    assert len(fake_gateway.delivered) == 1


def test_a_retry_is_enqueued_to_run_after_the_backoff(cast, fake_gateway, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    fake_gateway.program("sms", "temporary")
    message = queued(cast, channels=["sms"])

    with django_capture_on_commit_callbacks(execute=True):
        message_send.call(message.pk)

    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [message.pk]
    assert task.run_after == fresh(message).next_attempt_at


def test_a_move_to_the_next_channel_is_enqueued_to_run_at_once(
    cast, fake_gateway, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    fake_gateway.program("whatsapp", "permanent")
    message = queued(cast)

    with django_capture_on_commit_callbacks(execute=True):
        assert message_send.call(message.pk) == "fallback"

    task = DBTaskResult.objects.ready().get()  # ready to run now, not deferred
    assert task.args_kwargs["args"] == [message.pk]


def test_a_message_settled_by_its_worker_is_not_enqueued_again(
    cast, fake_gateway, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    message = queued(cast)

    with django_capture_on_commit_callbacks(execute=True):
        assert message_send.call(message.pk) == "sent"

    assert not DBTaskResult.objects.exists()


def test_a_timeout_is_temporary_and_after_max_attempts_the_next_channel_is_tried(
    cast, fake_gateway, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    fake_gateway.slow_seconds = 1.5
    fake_gateway.program("whatsapp", "slow", "temporary")
    message = queued(cast)

    assert message_send.call(message.pk) == "retry"
    assert fresh(message).error_code == "timeout"
    due_now(message)
    assert message_send.call(message.pk) == "fallback"
    assert fresh(message).error_code == "wa_131000_max_attempts"
    assert message_send.call(message.pk) == "sent"
    assert fresh(message).channel == "sms"


def test_a_gateway_that_is_down_is_a_temporary_connection_error(cast, settings, db):
    settings.NOTIFY_BACKENDS = {"whatsapp": "cloudapi", "sms": "http", "email": "mail"}
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    message = queued(cast, channels=["sms"])

    assert message_send.call(message.pk) == "retry"
    assert fresh(message).error_code == "connection_error"


def test_the_sms_gateway_drops_a_resend_with_the_same_reference(cast, fake_gateway, settings):
    settings.NOTIFY_SENDING_STALE_SECONDS = 1
    message = queued(cast, channels=["sms"])
    # An earlier run claimed it and sent it, then died before recording the answer.
    fake_gateway.program("sms", "ok")
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        channel_attempts=1,
        sending_since=timezone.now() - timedelta(minutes=5),
    )
    from layanan.notifications.backends import backend_for
    from layanan.notifications.delivery import _outgoing

    backend_for("sms").send(_outgoing(fresh(message)))

    assert message_send.call(message.pk) == "sent"

    assert len(fake_gateway.received) == 2
    assert len(fake_gateway.delivered) == 1
    assert fresh(message).gateway_ref == "sms-1"
    assert fresh(message).attempts == 2


def test_an_interrupted_whatsapp_send_is_not_repeated_but_confirmed_by_its_status_report(
    cast, fake_gateway, settings
):
    message = queued(cast)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        channel_attempts=1,
        sending_since=timezone.now() - timedelta(hours=1),
    )

    assert message_send.call(message.pk) == "unconfirmed"
    assert fresh(message).status == MessageStatus.QUEUED
    assert fresh(message).unconfirmed is True
    assert message_send.call(message.pk) == "later"

    assert message_status_record(channel="whatsapp", key="k", gateway_ref="wamid.X", status="delivered")

    stored = fresh(message)
    assert stored.status == MessageStatus.DELIVERED
    assert stored.gateway_ref == "wamid.X"
    due_now(message)
    assert message_send.call(message.pk) == "settled"
    assert fake_gateway.received == []


def test_an_unconfirmed_whatsapp_send_falls_back_to_sms_after_the_wait(cast, fake_gateway, settings):
    settings.NOTIFY_UNCONFIRMED_WAIT_SECONDS = 0
    message = queued(cast)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        channel_attempts=1,
        sending_since=timezone.now() - timedelta(hours=1),
    )

    assert message_send.call(message.pk) == "unconfirmed"
    due_now(message)
    assert message_send.call(message.pk) == "fallback"
    assert message_send.call(message.pk) == "sent"

    assert fresh(message).channel == "sms"
    assert [r.channel for r in fake_gateway.received] == ["sms"]


def test_a_message_being_sent_right_now_is_left_to_its_worker(cast, fake_gateway):
    message = queued(cast)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, attempts=1, sending_since=timezone.now()
    )

    assert message_send.call(message.pk) == "busy"
    assert fake_gateway.received == []


def test_delivery_reports_move_forward_only_and_by_gateway_reference(cast, fake_gateway):
    message = queued(cast, channels=["sms"])
    message_send.call(message.pk)

    assert message_status_record(channel="sms", gateway_ref="sms-1", status="DELIVERED")
    assert message_status_record(channel="sms", gateway_ref="sms-1", status="sent")
    assert not message_status_record(channel="sms", gateway_ref="sms-404", status="delivered")
    assert not message_status_record(channel="whatsapp", gateway_ref="sms-1", status="delivered")
    assert not message_status_record(channel="sms", gateway_ref="sms-1", status="exploded")

    stored = fresh(message)
    assert stored.status == MessageStatus.DELIVERED
    assert stored.delivered_at is not None


def test_a_failure_report_after_sending_moves_to_the_next_channel(cast, fake_gateway):
    message = queued(cast)
    message_send.call(message.pk)
    wamid = fresh(message).gateway_ref

    assert message_status_record(channel="whatsapp", gateway_ref=wamid, status="failed")

    assert fresh(message).status == MessageStatus.QUEUED
    assert fresh(message).channel == "sms"
    assert message_send.call(message.pk) == "sent"


def test_a_failure_report_enqueues_the_send_on_the_next_channel(
    cast, fake_gateway, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    message = queued(cast)
    message_send.call(message.pk)
    wamid = fresh(message).gateway_ref

    with django_capture_on_commit_callbacks(execute=True):
        assert message_status_record(channel="whatsapp", gateway_ref=wamid, status="failed")

    assert DBTaskResult.objects.ready().get().args_kwargs["args"] == [message.pk]


def test_a_delivered_report_enqueues_nothing(cast, fake_gateway, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    message = queued(cast, channels=["sms"])
    message_send.call(message.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert message_status_record(channel="sms", gateway_ref="sms-1", status="delivered")

    assert not DBTaskResult.objects.exists()


def test_the_sweep_re_enqueues_messages_whose_task_was_lost(cast, db):
    from django_tasks_db.models import DBTaskResult

    message = queued(cast)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    DBTaskResult.objects.all().delete()

    assert notifications_send_due.call() == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [message.pk]


def test_the_console_backend_logs_event_and_tracking_but_no_phone_name_or_text(cast, caplog):
    caplog.set_level(logging.DEBUG, logger="layanan")
    message = queued(cast)

    assert message_send.call(message.pk) == "sent"

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert (
        f"notify PMH-2026-000001-X application.received via console whatsapp (message {message.pk})" in logged
    )
    for secret in (cast.siti.phone, "081200000001", "6281200000001", "Siti", "diperiksa petugas"):
        assert secret not in logged


def test_sending_through_the_gateway_logs_no_phone_or_text(cast, fake_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    fake_gateway.program("whatsapp", "permanent")
    message = queued(cast)

    message_send.call(message.pk)
    message_send.call(message.pk)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "PMH-2026-000001-X" in logged
    for secret in ("081200000001", "6281200000001", "Siti", "diperiksa petugas"):
        assert secret not in logged


def test_the_delivered_message_is_counted_once_when_run_twice(cast, fake_gateway):
    message = queued(cast)

    assert message_deliver(message_id=message.pk) == "sent"
    assert message_deliver(message_id=message.pk) == "settled"
    assert message_deliver(message_id=999_999) == "gone"
    assert len(fake_gateway.delivered) == 1
