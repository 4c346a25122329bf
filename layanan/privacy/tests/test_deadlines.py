"""The 3 x 24 hour deadline: an open request past it is escalated once, to the officers; a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.applications.tests.builders import Clock, wib
from layanan.audit.models import AuditEvent
from layanan.core.schedule import PERIODIC_TASKS
from layanan.notifications.models import Message
from layanan.privacy.models import PrivacyRequest, RequestStatus
from layanan.privacy.services import request_submit
from layanan.privacy.tasks import privacy_requests_escalate
from layanan.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_request_is_escalated_once_after_three_times_24_hours(cast, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 2, 9))
    second_admin = make_user(phone="081200000077", full_name="Petugas PDP", role="admin")
    record = request_submit(citizen=cast.siti, kind="deletion")
    assert record.due_at == wib(2026, 3, 5, 9)

    clock.advance(hours=71, minutes=59)
    assert privacy_requests_escalate.call() == 0

    clock.advance(minutes=1)
    assert privacy_requests_escalate.call() == 1
    assert privacy_requests_escalate.call() == 0

    record.refresh_from_db()
    assert record.escalated_at == wib(2026, 3, 5, 9)
    assert record.status == RequestStatus.RECEIVED
    told = Message.objects.filter(event="privacy.request_overdue")
    assert {m.recipient for m in told} == {cast.admin, second_admin}
    assert AuditEvent.objects.filter(action="privacy.request.escalate", object_id=str(record.pk)).count() == 1


def test_an_answered_request_is_never_escalated(cast, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 2, 9))
    record = request_submit(citizen=cast.siti, kind="correction", details="Email saya salah.")
    PrivacyRequest.objects.filter(pk=record.pk).update(status=RequestStatus.DONE)

    clock.advance(days=5)

    assert privacy_requests_escalate.call() == 0
    assert not Message.objects.filter(event="privacy.request_overdue").exists()


def test_the_deadline_is_configurable(cast, monkeypatch, settings):
    settings.PRIVACY_REQUEST_DEADLINE_HOURS = 24
    Clock(monkeypatch, wib(2026, 3, 2, 9))

    record = request_submit(citizen=cast.siti, kind="deletion")

    assert record.due_at - record.received_at == timedelta(hours=24)


def test_the_queue_marks_a_late_request_and_the_citizen_sees_the_deadline(cast, client, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 2, 9))
    record = request_submit(citizen=cast.siti, kind="deletion")
    sign_in(client, cast.siti)
    assert "dijawab paling lambat 5 Mar 2026 09:00" in client.get(reverse("privacy:my_data")).content.decode()
    clock.advance(days=4)
    sign_in(client, cast.admin)

    body = client.get(reverse("privacy:request_list")).content.decode()

    assert record.reference in body
    assert "terlambat" in body


def test_both_periodic_tasks_are_scheduled():
    paths = {entry.task for entry in PERIODIC_TASKS}

    assert "layanan.privacy.tasks.privacy_requests_escalate" in paths
    assert "layanan.privacy.tasks.privacy_retention_apply" in paths
