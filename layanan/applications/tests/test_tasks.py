"""Notifications after commit, and the SLA breach sweep that escalates each late application once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
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

pytestmark = pytest.mark.django_db


def overdue(application: Application, *, hours: int = 1) -> Application:
    Application.objects.filter(pk=application.pk).update(due_at=timezone.now() - timedelta(hours=hours))
    return reloaded(application)


def notify_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "layanan.notifications"]


def test_submitting_enqueues_the_received_notice_only_when_the_transaction_commits(
    cast, django_capture_on_commit_callbacks
):
    service = dukcapil_service(cast.world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = submitted(service, cast.siti)
    assert not DBTaskResult.objects.exists()  # nothing before the commit

    for callback in callbacks:
        callback()

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "layanan.applications.tasks.application_notify"
    assert queued.args_kwargs["args"] == [application.pk, "received"]


def test_the_notice_task_rereads_the_application_and_logs_one_console_line(cast, caplog):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    caplog.set_level(logging.INFO, logger="layanan.notifications")

    assert application_notify.call(application.pk, "received") is True

    lines = notify_lines(caplog)
    assert len(lines) == 1
    assert lines[0].startswith(f"notify {application.tracking_number} received via console")
    assert cast.siti.phone not in lines[0]
    assert cast.siti.full_name not in lines[0]


def test_the_notice_task_for_an_application_that_is_gone_does_nothing(caplog, db):
    caplog.set_level(logging.INFO, logger="layanan.notifications")
    assert application_notify.call(999_999, "received") is False
    assert notify_lines(caplog) == []


def test_a_late_application_is_escalated_to_the_head_of_its_office_once(
    cast, caplog, django_capture_on_commit_callbacks
):
    head = builders.staff(role=Role.LEADER, office=cast.world.disdukcapil)
    late = overdue(submitted(dukcapil_service(cast.world), cast.siti))
    on_time = submitted(dukcapil_service(cast.world), cast.siti)
    caplog.set_level(logging.INFO, logger="layanan.notifications")

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
    lines = notify_lines(caplog)
    assert lines == [
        f"notify {late.tracking_number} escalated via console (user {head.pk}): "
        "Permohonan melewati batas waktu layanan."
    ]


def test_without_a_head_of_office_the_administrators_hear_of_the_breach(
    cast, caplog, django_capture_on_commit_callbacks
):
    late = overdue(submitted(dukcapil_service(cast.world), cast.siti))
    caplog.set_level(logging.INFO, logger="layanan.notifications")

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_escalate_breaches.call() == 1

    assert notify_lines(caplog) == [
        f"notify {late.tracking_number} escalated via console (user {cast.admin.pk}): "
        "Permohonan melewati batas waktu layanan."
    ]


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
