"""Deliveries over real HTTP to a receiver on 127.0.0.1: signed, retried, given up, replayed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from layanan.audit.models import AuditEvent
from layanan.complaints.models import Status
from layanan.complaints.tests.domain_builders import disposed, submitted
from layanan.webhooks import services
from layanan.webhooks.delivery import delivery_send
from layanan.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Event, Subscription
from layanan.webhooks.signing import verify
from layanan.webhooks.tasks import webhook_deliver, webhook_event_dispatch, webhooks_prune, webhooks_send_due
from layanan.webhooks.tests.helpers import body, dispatch_all, run_all, send_due, subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhooks_on")]


def test_a_subscriber_receives_a_signed_event_it_can_verify(cast, receiver):
    subscription, secret = subscribe(cast.admin, receiver.url, ["report.received"])

    report = submitted(cast)
    assert run_all() == ["delivered"]

    [request] = receiver.requests
    assert request.path == "/hook"
    assert verify(secret, request.headers["Layanan-Signature"], request.body)
    event = Event.objects.get()
    delivery = Delivery.objects.get()
    assert request.headers["Layanan-Event"] == str(event.id)
    assert request.headers["Layanan-Delivery"] == str(delivery.id)
    assert request.headers["Layanan-Event-Type"] == "report.received"
    payload = body(request)
    assert payload["type"] == "report.received"
    assert payload["id"] == str(event.id)
    assert payload["data"]["tracking_number"] == report.tracking_number
    assert payload["data"]["status"] == Status.RECEIVED
    assert payload["data"]["url"].endswith(f"/api/v1/reports/{report.tracking_number}")
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.subscription == subscription
    [attempt] = DeliveryAttempt.objects.all()
    assert (attempt.status_code, attempt.outcome, attempt.error) == (200, "delivered", "")


def test_a_tampered_body_or_a_replayed_old_request_fails_verification(cast, receiver):
    _subscription, secret = subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    run_all()
    [request] = receiver.requests

    assert not verify(
        secret, request.headers["Layanan-Signature"], request.body.replace(b"report", b"rep0rt")
    )
    assert not verify(secret, request.headers["Layanan-Signature"], request.body, now=time.time() + 301)


def test_each_step_sends_its_event_to_those_who_asked_for_it(cast, receiver):
    subscribe(cast.admin, receiver.url, ["report.status_changed"])

    disposed(cast)  # received (nobody asked), verified, disposed
    run_all()

    assert [body(r)["data"]["status"] for r in receiver.requests] == [Status.VERIFIED, Status.DISPOSED]
    assert {body(r)["type"] for r in receiver.requests} == {"report.status_changed"}
    assert body(receiver.requests[1])["data"]["offices"] == [cast.world.disdukcapil.code]


def test_a_subscriber_who_may_not_read_the_case_receives_nothing_for_it(cast, receiver):
    refused, _secret = subscribe(cast.andi, receiver.url, ["report.status_changed"], actor=cast.admin)
    allowed, _secret = subscribe(cast.budi, receiver.url, ["report.status_changed"], actor=cast.admin)

    disposed(cast)  # to Disdukcapil: Budi's office, not Andi's (PUPR)
    run_all()

    assert not Delivery.objects.filter(subscription=refused).exists()
    assert Delivery.objects.filter(subscription=allowed, status=DeliveryStatus.DELIVERED).count() == 2
    assert len(receiver.requests) == 2


def test_a_confidential_report_reaches_only_subscribers_allowed_to_read_it(cast, receiver):
    refused, _secret = subscribe(cast.rini, receiver.url, ["report.received"], actor=cast.admin)
    allowed, _secret = subscribe(cast.admin, receiver.url, ["report.received"])

    submitted(cast, confidential=True)
    run_all()

    assert not Delivery.objects.filter(subscription=refused).exists()
    assert Delivery.objects.filter(subscription=allowed).count() == 1


def test_an_anonymous_reports_event_carries_no_identity(cast, receiver):
    subscribe(cast.admin, receiver.url, ["report.received"])

    report = submitted(cast, anonymous=True)
    run_all()

    [request] = receiver.requests
    payload = body(request)
    assert set(payload) == {"id", "type", "occurred_at", "data"}
    assert set(payload["data"]) == {"kind", "tracking_number", "status", "offices", "url"}
    raw = request.body.decode()
    for personal in (cast.siti.full_name, cast.siti.phone, cast.siti.phone.lstrip("+"), report.text[:20]):
        assert personal not in raw
    assert "reporter" not in raw
    assert "anonymous" not in raw


def test_practice_cases_emit_nothing(cast, receiver):
    subscribe(cast.admin, receiver.url, ["report.received", "report.status_changed"])

    submitted(cast, practice=True)

    assert not Event.objects.exists()
    assert run_all() == []
    assert receiver.requests == []


def test_a_step_rolled_back_leaves_no_event(cast, receiver):
    from django.db import transaction

    subscribe(cast.admin, receiver.url, ["report.received"])

    def submit_then_fail() -> None:
        with transaction.atomic():
            submitted(cast)
            assert Event.objects.count() == 1
            raise RuntimeError("gagal")

    with pytest.raises(RuntimeError):
        submit_then_fail()

    assert not Event.objects.exists()


def test_a_server_error_and_a_timeout_are_retried_with_backoff_until_success(cast, receiver, settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 60
    receiver.program(500, "slow", 200)
    subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    dispatch_all()
    delivery = Delivery.objects.get()

    before = timezone.now()
    assert webhook_deliver.call(str(delivery.pk)) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    due = delivery.next_attempt_at
    assert due is not None
    assert before + timedelta(seconds=29) <= due <= timezone.now() + timedelta(seconds=60)
    assert webhook_deliver.call(str(delivery.pk)) == "later"  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert webhook_deliver.call(str(delivery.pk)) == "retry"  # the receiver was too slow
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - timezone.now() >= timedelta(seconds=59)  # 120 s times 0.5 to 1

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert webhook_deliver.call(str(delivery.pk)) == "delivered"

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    attempts = list(delivery.attempt_log.values_list("number", "status_code", "outcome", "error"))
    assert attempts == [
        (1, 500, "retry", "http_500"),
        (2, None, "retry", "timeout"),
        (3, 200, "delivered", ""),
    ]
    ids = {r.headers["Layanan-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery.pk)}  # the same id on every try: the receiver can drop repeats


def test_a_delivery_is_given_up_after_the_last_attempt_and_a_failing_subscriber_is_paused(
    cast, receiver, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_PAUSE_AFTER_FAILURES = 2
    receiver.program(*([503] * 6))
    subscription, _secret = subscribe(cast.admin, receiver.url, ["report.received"])

    submitted(cast)
    dispatch_all()
    assert send_due() == ["retry"]
    assert send_due() == ["retry"]
    assert send_due() == ["failed"]
    assert send_due() == []
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1
    assert subscription.paused_at is None

    submitted(cast)
    dispatch_all()
    while send_due():
        pass

    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 2
    assert len(receiver.requests) == 6
    subscription.refresh_from_db()
    assert subscription.paused_at is not None
    assert AuditEvent.objects.filter(
        action="webhooks.subscription_pause", object_id=str(subscription.pk)
    ).exists()

    submitted(cast)  # paused: no more events for it
    dispatch_all()
    assert Delivery.objects.count() == 2

    services.subscription_resume(actor=cast.admin, subscription=subscription)
    subscription.refresh_from_db()
    assert (subscription.paused_at, subscription.consecutive_failures) == (None, 0)


def test_replay_by_an_administrator_sends_again_with_a_new_timestamp_and_is_audited(cast, receiver):
    _subscription, secret = subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    run_all()
    first = Delivery.objects.get()
    time.sleep(1.05)  # a second later: the timestamp must differ

    replay = services.delivery_replay(actor=cast.admin, delivery=first)
    assert send_due() == ["delivered"]

    original, again = receiver.requests
    assert again.headers["Layanan-Event"] == original.headers["Layanan-Event"]
    assert again.headers["Layanan-Delivery"] == str(replay.pk) != str(first.pk)
    assert again.body == original.body
    assert verify(secret, again.headers["Layanan-Signature"], again.body)
    stamp = dict(p.split("=", 1) for p in again.headers["Layanan-Signature"].split(","))["t"]
    first_stamp = dict(p.split("=", 1) for p in original.headers["Layanan-Signature"].split(","))["t"]
    assert int(stamp) > int(first_stamp)
    assert replay.replay == 1
    audit = AuditEvent.objects.get(action="webhooks.delivery_replay")
    assert audit.actor == cast.admin
    assert audit.details["replay_of"] == str(first.pk)
    assert receiver.url not in str(audit.details)


def test_replay_to_an_owner_who_may_no_longer_read_the_case_is_refused(cast, receiver):
    subscription, _secret = subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    run_all()
    Subscription.objects.filter(pk=subscription.pk).update(owner=cast.andi)

    with pytest.raises(PermissionDenied):
        services.delivery_replay(actor=cast.admin, delivery=Delivery.objects.get())

    assert Delivery.objects.count() == 1
    assert not AuditEvent.objects.filter(action="webhooks.delivery_replay").exists()


def test_a_private_address_is_refused_unless_allowed(cast, receiver, settings):
    settings.WEBHOOKS_ALLOWED_PRIVATE_NETWORKS = []
    subscribe(cast.admin, receiver.url, ["report.received"])

    submitted(cast)
    assert run_all() == ["failed"]

    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.last_error == "private_address"
    assert delivery.attempts == 1


def test_tasks_run_twice_send_once(cast, receiver):
    subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    event = Event.objects.get()

    assert webhook_event_dispatch.call(str(event.id)) == 1
    assert webhook_event_dispatch.call(str(event.id)) == 0
    delivery = Delivery.objects.get()
    assert webhook_deliver.call(str(delivery.pk)) == "delivered"
    assert webhook_deliver.call(str(delivery.pk)) == "settled"

    assert len(receiver.requests) == 1


def test_a_send_cut_off_by_a_killed_worker_is_sent_again_with_the_same_delivery_id(cast, receiver, settings):
    subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    dispatch_all()
    delivery = Delivery.objects.get()
    # The worker claimed it and died before it heard back.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, sending_since=timezone.now()
    )
    assert delivery_send(delivery_id=str(delivery.pk)) == "busy"  # maybe still at it

    stale = timezone.now() - timedelta(seconds=settings.WEBHOOKS_SENDING_STALE_SECONDS + 1)
    Delivery.objects.filter(pk=delivery.pk).update(sending_since=stale)
    assert webhooks_send_due.call() == 1
    assert delivery_send(delivery_id=str(delivery.pk)) == "delivered"

    [request] = receiver.requests
    assert request.headers["Layanan-Delivery"] == str(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_old_settled_events_are_pruned_and_unsettled_ones_kept(cast, receiver, settings):
    settings.WEBHOOKS_RETENTION_DAYS = 30
    subscribe(cast.admin, receiver.url, ["report.received"])
    submitted(cast)
    submitted(cast)
    dispatch_all()
    settled, waiting = Delivery.objects.order_by("created_at")
    webhook_deliver.call(str(settled.pk))
    Event.objects.update(occurred_at=timezone.now() - timedelta(days=31))

    assert webhooks_prune.call() == 1
    assert webhooks_prune.call() == 0

    assert list(Delivery.objects.all()) == [waiting]
    assert not DeliveryAttempt.objects.exists()
