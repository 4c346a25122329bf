"""Which steps save an event, and what a step costs when nobody subscribes."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layanan.applications import services as application_services
from layanan.applications.tests.builders import claimed, dukcapil_service
from layanan.applications.tests.builders import submitted as application_submitted
from layanan.complaints import services as complaint_services
from layanan.complaints.models import Kind
from layanan.complaints.tests.domain_builders import TEXT, category
from layanan.webhooks.events import EVENT_TYPES, event_type_for
from layanan.webhooks.models import Event, Subscription
from layanan.webhooks.outbox import subscribed_types
from layanan.webhooks.tests.helpers import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhooks_on")]


def _submit(cast, chosen) -> None:
    complaint_services.report_submit(
        reporter=cast.siti,
        kind=Kind.COMPLAINT,
        category=chosen,
        text=TEXT,
        region=cast.world.kotabumi_pasar,
        submit_key=uuid.uuid4(),
    )


def _statements_of_a_submit(cast, chosen) -> int:
    with CaptureQueriesContext(connection) as captured:
        _submit(cast, chosen)
    return len(captured.captured_queries)


def _without_the_hook(monkeypatch) -> None:
    monkeypatch.setattr("layanan.cases.workflow.webhook_event_record", lambda *args, **kwargs: None)


def test_a_submit_nobody_subscribes_to_costs_no_statement_more_than_without_webhooks(cast, monkeypatch):
    chosen = category(cast.world.disdukcapil)
    _submit(cast, chosen)  # warm: prebuilt statements, this process's copies (the subscribed types too)
    with_hook = _statements_of_a_submit(cast, chosen)

    _without_the_hook(monkeypatch)
    without_hook = _statements_of_a_submit(cast, chosen)

    assert with_hook == without_hook
    assert not Event.objects.exists()


def test_a_subscription_to_other_events_costs_a_submit_nothing_either(cast, receiver, monkeypatch):
    subscribe(cast.admin, receiver.url, ["application.submitted", "report.closed"])
    chosen = category(cast.world.disdukcapil)
    _submit(cast, chosen)
    with_hook = _statements_of_a_submit(cast, chosen)

    _without_the_hook(monkeypatch)
    without_hook = _statements_of_a_submit(cast, chosen)

    assert with_hook == without_hook
    assert not Event.objects.exists()


def test_with_webhooks_off_nothing_is_read_or_saved(cast, receiver, settings):
    subscribe(cast.admin, receiver.url, ["report.received"])
    settings.WEBHOOKS_ENABLED = False

    _submit(cast, category(cast.world.disdukcapil))

    assert not Event.objects.exists()


def test_a_subscription_saved_elsewhere_counts_after_the_re_check(cast, receiver, settings):
    settings.WEBHOOKS_SUBSCRIPTION_CHECK_SECONDS = 30
    assert subscribed_types() == frozenset()
    # Another host saved it: no signal reaches this process.
    Subscription.objects.bulk_create(
        [
            Subscription(
                owner=cast.admin, description="x", url=receiver.url, events=["report.received"], secret="s"
            )
        ]
    )
    assert subscribed_types() == frozenset()

    settings.WEBHOOKS_SUBSCRIPTION_CHECK_SECONDS = 0  # as if the interval had passed
    assert subscribed_types() == frozenset({"report.received"})


def test_the_steps_of_an_application_send_their_events(cast, receiver):
    subscribe(cast.admin, receiver.url, sorted(EVENT_TYPES))
    built = dukcapil_service(cast.world)

    application = application_submitted(built, cast.siti)
    application = claimed(application, cast.budi)
    application_services.application_reject(
        application=application,
        actor=cast.budi,
        expected_version=application.version,
        reason="Berkas tidak sah.",
    )

    events = list(Event.objects.order_by("occurred_at"))
    assert [e.type for e in events] == [
        "application.submitted",
        "application.status_changed",
        "application.rejected",
    ]
    assert [e.status for e in events] == ["submitted", "verifying", "rejected"]
    assert {e.tracking_number for e in events} == {application.tracking_number}


def test_a_note_or_a_draft_saves_no_event(cast, receiver):
    subscribe(cast.admin, receiver.url, sorted(EVENT_TYPES))
    built = dukcapil_service(cast.world)
    application = application_services.application_start(service=built, applicant=cast.siti, actor=cast.siti)

    assert not Event.objects.exists()
    assert application.status == "draft"


@pytest.mark.parametrize(
    ("kind", "action", "before", "after", "expected"),
    [
        ("report", "submit", "", "received", "report.received"),
        ("report", "verify", "received", "verified", "report.status_changed"),
        ("report", "answer", "in_progress", "answered", "report.answered"),
        ("report", "auto_close", "answered", "closed", "report.closed"),
        ("report", "note", "disposed", "disposed", None),
        ("report", "dispose", "disposed", "disposed", "report.status_changed"),
        ("application", "forward", "submitted", "submitted", "application.status_changed"),
        ("application", "submit", "draft", "submitted", "application.submitted"),
        ("application", "sign", "signing", "completed", "application.issued"),
        ("application", "approve", "processing", "completed", "application.completed"),
        ("application", "assign", "verifying", "verifying", None),
        ("survey", "anything", "a", "b", None),
    ],
)
def test_each_step_maps_to_at_most_one_event_of_the_fixed_list(kind, action, before, after, expected):
    name = event_type_for(kind, action, before, after)

    assert name == expected
    assert name is None or name in EVENT_TYPES
