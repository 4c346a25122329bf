"""Notifications after commit, and the SLA breach sweep that escalates each late application once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.accounts.models import Role
from layanan.applications import services
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.applications.tasks import application_notify, applications_escalate_breaches
from layanan.applications.tests import builders
from layanan.applications.tests.builders import dukcapil_service, reloaded, submitted
from layanan.audit.models import AuditEvent
from layanan.core.schedule import PERIODIC_TASKS
from layanan.notifications.models import Message

pytestmark = pytest.mark.django_db


def overdue(application: Application, *, hours: int = 1) -> Application:
    Application.objects.filter(pk=application.pk).update(due_at=timezone.now() - timedelta(hours=hours))
    return reloaded(application)


def call_in_context(result: Any, application_id: int, event: str) -> bool:
    """Run application_notify as the worker runs the task ``result`` (with its context)."""
    task: Any = application_notify  # the stubs type call() without the context argument
    return bool(task.call(TaskContext(task_result=result), application_id, event))


def run_notify(application_id: int, event: str) -> tuple[bool, str]:
    """Enqueue and run application_notify once; also return the task id."""
    result = application_notify.enqueue(application_id, event)
    return call_in_context(result, application_id, event), str(result.id)


def test_submitting_enqueues_the_received_notice_only_when_the_transaction_commits(
    cast, django_capture_on_commit_callbacks
):
    service = dukcapil_service(cast.world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = submitted(service, cast.siti)
    assert not DBTaskResult.objects.exists()  # nothing before the commit

    for callback in callbacks:
        callback()

    queued = DBTaskResult.objects.get(task_path="layanan.applications.tasks.application_notify")
    assert queued.args_kwargs["args"] == [application.pk, "received"]


def test_the_notice_task_rereads_the_application_and_records_one_message(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    done, task_id = run_notify(application.pk, "received")
    assert done is True

    message = Message.objects.get()
    assert message.event == "application.received"
    assert message.recipient == cast.siti
    assert message.tracking_number == application.tracking_number
    assert message.key == f"application:{application.pk}:received:t{task_id}"


def test_the_notice_task_run_twice_records_one_message_but_a_second_event_another(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    result = application_notify.enqueue(application.pk, "received")

    call_in_context(result, application.pk, "received")
    call_in_context(result, application.pk, "received")
    assert Message.objects.count() == 1

    run_notify(application.pk, "received")
    assert Message.objects.count() == 2


def test_the_notice_task_for_an_application_that_is_gone_does_nothing(db):
    assert run_notify(999_999, "received")[0] is False
    assert not Message.objects.exists()


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
    assert AuditEvent.objects.filter(action="application.escalate", object_id=str(late.pk)).count() == 1
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
