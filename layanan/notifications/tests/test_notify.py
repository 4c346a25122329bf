"""notify(): one message per key, the person's channels and language, and nothing personal."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from layanan.notifications import services
from layanan.notifications.models import ContactPreference, Message, MessageStatus
from layanan.notifications.services import NotifyError, notify

pytestmark = pytest.mark.django_db


def test_notify_records_a_queued_message_and_enqueues_its_send_in_the_same_transaction(cast):
    with transaction.atomic():
        message = notify(
            to=cast.siti, event="application.received", data={"tracking_number": "PMH-1"}, key="k-1"
        )
        # Written with the message (an outbox row): the worker sees both at the commit, or neither.
        queued = DBTaskResult.objects.get()

    assert message is not None
    assert queued.task_path == "layanan.notifications.tasks.message_send"
    assert queued.args_kwargs["args"] == [message.pk]
    stored = Message.objects.get()
    assert stored.status == MessageStatus.QUEUED
    assert stored.channels == ["whatsapp", "sms"]  # Siti has no email
    assert stored.channel == "whatsapp"
    assert stored.recipient == cast.siti
    assert stored.phone == cast.siti.phone
    assert json.loads(stored.data) == {"tracking_number": "PMH-1", "first_name": "Siti"}


def test_a_rolled_back_notify_leaves_no_message_and_no_send_behind(cast):
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        notify(to=cast.siti, event="application.received", data={"tracking_number": "PMH-1"}, key="k-1")
        raise RuntimeError("the change failed")

    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_with_a_task_broker_the_send_is_enqueued_only_after_the_commit(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = notify(to=cast.siti, event="report.received", data={"tracking_number": "LAP-1"}, key="k")
    assert message is not None
    assert default_task_backend.results == []  # type: ignore[attr-defined]
    for callback in callbacks:
        callback()

    sent = default_task_backend.results  # type: ignore[attr-defined]
    assert [(result.task.name, result.args) for result in sent] == [("message_send", [message.pk])]


def test_notify_takes_two_queries_for_a_person_read_with_their_preference_and_three_without(
    cast, django_assert_num_queries
):
    from layanan.accounts.models import User

    siti = User.objects.select_related("contact_preference").get(pk=cast.siti.pk)
    with django_assert_num_queries(2):  # the message (INSERT ... ON CONFLICT DO NOTHING) and its send
        first = notify(to=siti, event="report.received", data={"tracking_number": "LAP-1"}, key="k-2")
    with django_assert_num_queries(3):  # the preference, the message and its send
        notify(to=cast.siti, event="report.received", data={"tracking_number": "LAP-2"}, key="k-3")
    with django_assert_num_queries(2):  # the same key again: the INSERT does nothing; the first message
        again = notify(to=siti, event="report.received", data={"tracking_number": "LAP-1"}, key="k-2")
    assert first is not None
    assert again == first
    assert DBTaskResult.objects.count() == 2


def test_the_same_key_twice_returns_the_first_message_and_queues_nothing_more(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(to=cast.siti, event="report.received", data={"tracking_number": "LAP-1"}, key="k")
        second = notify(to=cast.siti, event="report.received", data={"tracking_number": "LAP-1"}, key="k")

    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_unknown_placeholders_and_nik_shaped_values_are_refused(cast):
    with pytest.raises(NotifyError):
        notify(to=cast.siti, event="report.received", data={"nik": "1803040101900001"}, key="a")
    with pytest.raises(NotifyError):
        notify(to=cast.siti, event="report.received", data={"status": "1803040101900001"}, key="b")
    with pytest.raises(KeyError):
        notify(to=cast.siti, event="no.such.event", key="c")
    assert not Message.objects.exists()


def test_a_phone_number_in_any_spelling_reaches_the_registered_person(cast):
    message = notify(to="0812-0000-0001", event="inbound.help", key="in-1", channels=["sms"], reply=True)

    assert message is not None
    assert message.recipient == cast.siti
    assert message.phone == "+6281200000001"
    assert message.phone_hash == services.phone_hash("+6281200000001")
    assert message.channels == ["sms"]
    assert message.reply is True


def test_an_unknown_phone_number_still_gets_a_reply_on_its_channel(db):
    message = notify(to="+62 813 9999 0000", event="inbound.refused", key="in-2", channels=["whatsapp"])

    assert message is not None
    assert message.recipient is None
    assert message.channels == ["whatsapp"]
    assert message.language == "id"


def test_an_email_address_is_reached_by_email_only(db):
    message = notify(to="warga@example.com", event="inbound.help", key="in-3")

    assert message is not None
    assert message.channels == ["email"]
    assert message.email == "warga@example.com"


def test_a_person_who_stopped_optional_messages_gets_no_survey_but_still_hears_of_their_case(cast):
    ContactPreference.objects.create(user=cast.siti, optional_messages=False)

    survey = notify(
        to=cast.siti,
        event="survey.invite",
        data={"tracking_number": "PMH-1", "link": "https://x.test/s/1"},
        key="survey-1",
    )
    case = notify(to=cast.siti, event="application.approved", data={"tracking_number": "PMH-1"}, key="c-1")

    assert survey is None
    assert Message.objects.get(key="survey-1").status == MessageStatus.SKIPPED
    assert Message.objects.get(key="survey-1").error_code == "opted_out"
    assert case is not None
    assert case.status == MessageStatus.QUEUED


def test_the_channel_order_and_the_channels_in_use_follow_the_preference(cast):
    cast.siti.email = "siti@example.com"
    cast.siti.save(update_fields=["email"])
    ContactPreference.objects.create(user=cast.siti, order=["email", "sms", "whatsapp"], whatsapp=False)

    message = notify(to=cast.siti, event="report.closed", data={"tracking_number": "LAP-1"}, key="o-1")

    assert message is not None
    assert message.channels == ["email", "sms"]


def test_nothing_reachable_is_recorded_as_skipped_and_returns_none(cast, settings):
    settings.NOTIFY_CHANNELS = ["email"]

    assert notify(to=cast.siti, event="report.closed", data={"tracking_number": "L"}, key="n-1") is None
    assert Message.objects.get(key="n-1").error_code == "no_channel"


def test_the_language_is_the_persons_unless_given(cast):
    cast.siti.preferred_language = "en"
    cast.siti.save(update_fields=["preferred_language"])

    english = notify(to=cast.siti, event="report.closed", data={"tracking_number": "L"}, key="l-1")
    forced = notify(
        to=cast.siti, event="report.closed", data={"tracking_number": "L"}, key="l-2", language="id"
    )

    assert english is not None
    assert english.language == "en"
    assert forced is not None
    assert forced.language == "id"
