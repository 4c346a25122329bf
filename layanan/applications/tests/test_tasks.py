"""Notices saved with each step and queued after commit; the sweep that escalates each late application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.accounts.models import Role
from layanan.applications import services
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.applications.tasks import applications_escalate_breaches
from layanan.applications.tests import builders
from layanan.applications.tests.builders import dukcapil_service, reloaded, submitted
from layanan.audit.models import AuditEvent
from layanan.core.schedule import PERIODIC_TASKS
from layanan.notifications.models import Message

pytestmark = pytest.mark.django_db


def overdue(application: Application, *, hours: int = 1) -> Application:
    Application.objects.filter(pk=application.pk).update(due_at=timezone.now() - timedelta(hours=hours))
    return reloaded(application)


def test_submitting_saves_the_received_notice_and_queues_it_only_when_the_transaction_commits(
    cast, django_capture_on_commit_callbacks
):
    service = dukcapil_service(cast.world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = submitted(service, cast.siti)
    message = Message.objects.get()  # saved with the step, in its transaction
    # The send is written in the step's own transaction (an outbox row): a worker sees it at the commit.
    queued = DBTaskResult.objects.get(task_path="layanan.notifications.tasks.message_send")
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.filter(task_path="layanan.notifications.tasks.message_send").count() == 1

    assert queued.args_kwargs["args"] == [message.pk]
    assert message.event == "application.received"
    assert message.recipient == cast.siti
    assert message.tracking_number == application.tracking_number
    assert message.key == f"application:{application.pk}:received:v{application.version}"


def test_a_failed_step_leaves_no_notice_behind(cast):
    application = builders.claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    Message.objects.all().delete()

    with pytest.raises(services.ApplicationError):
        services.application_reject(
            application=application, actor=cast.budi, expected_version=application.version, reason=" "
        )
    with pytest.raises(services.ConcurrentChange):
        services.application_reject(
            application=application, actor=cast.budi, expected_version=application.version - 1, reason="X"
        )

    assert not Message.objects.exists()
    assert reloaded(application).status == Status.VERIFYING


def test_each_step_is_told_once_and_a_second_event_of_the_same_kind_again(cast):
    service = dukcapil_service(cast.world)
    application = builders.claimed(submitted(service, cast.siti), cast.budi)
    services.application_request_revision(
        application=application, actor=cast.budi, expected_version=application.version, message="Foto buram."
    )
    application = builders.claimed(submitted(service, cast.siti), cast.budi)

    events = list(Message.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["application.received", "application.revision_needed", "application.received"]
    assert Message.objects.values("key").distinct().count() == 3


def test_a_late_application_is_escalated_to_the_head_of_its_office_once(
    cast, django_capture_on_commit_callbacks
):
    head = builders.staff(role=Role.LEADER, office=cast.world.disdukcapil)
    late = overdue(submitted(dukcapil_service(cast.world), cast.siti))
    on_time = submitted(dukcapil_service(cast.world), cast.siti)

    with django_capture_on_commit_callbacks(execute=True):
        first = applications_escalate_breaches.call()
    with django_capture_on_commit_callbacks(execute=True):
        second = applications_escalate_breaches.call()

    assert (first, second) == (1, 0)
    assert reloaded(late).breach_notified_at is not None
    assert reloaded(on_time).breach_notified_at is None
    event = TimelineEvent.objects.get(action="escalate")
    assert event.application_id == late.pk
    assert event.internal is True
    assert AuditEvent.objects.filter(action="applications.escalate", object_id=str(late.pk)).count() == 1
    told = Message.objects.filter(event="application.escalated")
    assert [(m.recipient_id, m.tracking_number) for m in told] == [(head.pk, late.tracking_number)]


def test_without_a_head_of_office_the_administrators_hear_of_the_breach(
    cast, django_capture_on_commit_callbacks
):
    late = overdue(submitted(dukcapil_service(cast.world), cast.siti))

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_escalate_breaches.call() == 1

    told = Message.objects.filter(event="application.escalated")
    assert [(m.recipient_id, m.tracking_number) for m in told] == [(cast.admin.pk, late.tracking_number)]


def test_an_application_waiting_for_the_citizen_or_closed_is_not_escalated(cast):
    service = dukcapil_service(cast.world)
    waiting = builders.claimed(submitted(service, cast.siti), cast.budi)
    services.application_request_revision(
        application=waiting, actor=cast.budi, expected_version=waiting.version, message="Lengkapi alamat."
    )
    overdue(waiting)
    withdrawn = submitted(service, cast.siti)
    services.application_withdraw(application=withdrawn, actor=cast.siti, expected_version=withdrawn.version)
    overdue(withdrawn)

    assert applications_escalate_breaches.call() == 0
    assert reloaded(waiting).status == Status.REVISION
    assert not Application.objects.filter(breach_notified_at__isnull=False).exists()


def test_the_breach_sweep_runs_every_fifteen_minutes():
    entry = next(p for p in PERIODIC_TASKS if p.task.endswith("applications_escalate_breaches"))
    assert entry.task == "layanan.applications.tasks.applications_escalate_breaches"
    assert entry.every == timedelta(minutes=15)
