"""SP4N-LAPOR!: a report marked "bukan kewenangan" goes to LAPOR! once, its status follows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.complaints import services
from layanan.complaints.models import Report
from layanan.complaints.tests.citizen_builders import other_citizen
from layanan.complaints.tests.domain_builders import submitted
from layanan.integrations import tasks
from layanan.integrations.models import Delivery, LaporForward
from layanan.integrations.services import lapor
from layanan.integrations.services.common import outbox_claim
from layanan.integrations.tests.fakes import FakeLapor

pytestmark = pytest.mark.django_db

SEND_TASK = "layanan.integrations.tasks.lapor_forward_send"


@pytest.fixture
def fake(settings) -> Iterator[FakeLapor]:
    with FakeLapor() as server:
        settings.LAPOR_ENABLED = True
        settings.LAPOR_URL = server.url
        settings.LAPOR_TOKEN = server.token
        settings.LAPOR_TIMEOUT_SECONDS = 2
        yield server


def not_ours(cast, report: Report) -> Report:
    return services.report_not_authority(
        report=report,
        actor=cast.admin,
        expected_version=report.version,
        reason="Jalan nasional, bukan jalan kabupaten.",
        redirect_to="BPJN Lampung",
    )


def due_now(forward: LaporForward) -> None:
    LaporForward.objects.filter(pk=forward.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def client_of(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


# --- off by default ------------------------------------------------------------------------------


def test_nothing_is_forwarded_while_the_adapter_is_off(cast, settings):
    assert settings.LAPOR_ENABLED is False
    not_ours(cast, submitted(cast))

    assert not LaporForward.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=SEND_TASK).exists()


# --- the round trip ------------------------------------------------------------------------------


def test_a_report_marked_not_ours_is_sent_to_lapor_with_the_reporter_and_its_reference_kept(cast, fake):
    report = not_ours(cast, submitted(cast))

    forward = LaporForward.objects.get(report=report)
    assert forward.delivery == Delivery.PENDING
    queued = DBTaskResult.objects.get(task_path=SEND_TASK)
    assert queued.args_kwargs["args"] == [forward.pk]

    assert tasks.lapor_forward_send.call(forward.pk) is True

    forward.refresh_from_db()
    assert forward.delivery == Delivery.SENT
    assert forward.lapor_id == "LAPOR-1001"
    assert forward.lapor_status == "Belum Terverifikasi"
    assert forward.attempts == 1
    sent = fake.reports["LAPOR-1001"]
    assert sent["id_eksternal"] == str(report.public_id)
    assert sent["nomor_pelacakan"] == report.tracking_number
    assert sent["isi"] == report.text
    assert sent["alasan_diteruskan"] == "Jalan nasional, bukan jalan kabupaten."
    assert sent["pelapor"] == {
        "nama": cast.siti.full_name,
        "telepon": cast.siti.phone,
        "email": cast.siti.email or "",
    }
    assert sent["publik"] is True
    assert sent["rahasia"] is False
    assert sent["anonim"] is False
    assert fake.requests[-1]["headers"]["Idempotency-Key"] == str(report.public_id)
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert "integrations.lapor_open" in actions
    assert "integrations.lapor_sent" in actions
    # The audit rows say what happened, never the text or the reporter.
    details = json.dumps(
        list(AuditEvent.objects.filter(action__startswith="integrations.").values_list("details", flat=True))
    )
    assert cast.siti.phone not in details
    assert "Jalan desa" not in details


def test_an_anonymous_report_goes_without_any_identity(cast, fake):
    report = not_ours(cast, submitted(cast, anonymous=True))
    lapor.lapor_forward_send(forward_id=LaporForward.objects.get(report=report).pk)

    sent = fake.reports["LAPOR-1001"]
    raw = fake.raw["LAPOR-1001"].decode()
    assert sent["anonim"] is True
    assert "pelapor" not in sent
    assert cast.siti.full_name not in raw
    assert cast.siti.phone not in raw


def test_a_confidential_report_goes_without_the_public_flag(cast, fake):
    report = not_ours(cast, submitted(cast, confidential=True))
    lapor.lapor_forward_send(forward_id=LaporForward.objects.get(report=report).pk)

    sent = fake.reports["LAPOR-1001"]
    assert sent["rahasia"] is True
    assert "publik" not in sent


def test_a_practice_report_is_never_forwarded(cast, fake):
    report = not_ours(cast, submitted(cast))
    LaporForward.objects.all().delete()
    Report.objects.filter(pk=report.pk).update(practice=True)
    report.refresh_from_db()

    assert lapor.lapor_forward_open(report=report) is None
    assert not LaporForward.objects.exists()


# --- never twice, retried when LAPOR! is down -------------------------------------------------------


def test_sending_twice_sends_once(cast, fake):
    report = not_ours(cast, submitted(cast))
    forward = LaporForward.objects.get(report=report)

    assert lapor.lapor_forward_send(forward_id=forward.pk) is not None
    assert lapor.lapor_forward_send(forward_id=forward.pk) is None  # already sent
    assert tasks.lapor_forwards_send_due.call() == 0
    assert lapor.lapor_forward_open(report=report) == forward  # the same report again: the same row

    assert len(fake.reports) == 1
    assert len([r for r in fake.requests if r["method"] == "POST"]) == 1
    assert LaporForward.objects.count() == 1


def test_a_forward_another_worker_is_sending_is_not_taken_again(cast, fake):
    report = not_ours(cast, submitted(cast))
    forward = LaporForward.objects.get(report=report)
    assert outbox_claim(LaporForward, forward.pk, timeout=2) is not None  # the other worker's claim

    assert lapor.lapor_forward_send(forward_id=forward.pk) is None
    assert tasks.lapor_forwards_send_due.call() == 0
    assert fake.reports == {}
    assert LaporForward.objects.get(pk=forward.pk).attempts == 1


def test_lapor_down_is_retried_with_backoff_and_sent_once_it_is_back(cast, fake):
    report = not_ours(cast, submitted(cast))
    forward = LaporForward.objects.get(report=report)
    fake.down = 2

    before = timezone.now()
    lapor.lapor_forward_send(forward_id=forward.pk)
    forward.refresh_from_db()
    assert forward.delivery == Delivery.PENDING
    assert forward.last_error == "http_503"
    assert forward.attempts == 1
    assert forward.next_attempt_at is not None
    assert forward.next_attempt_at >= before + timedelta(minutes=1)
    assert tasks.lapor_forwards_send_due.call() == 0  # not due yet: nothing tried

    due_now(forward)
    assert tasks.lapor_forwards_send_due.call() == 1
    forward.refresh_from_db()
    assert (forward.delivery, forward.attempts, forward.last_error) == (Delivery.PENDING, 2, "http_503")
    assert forward.next_attempt_at is not None
    assert forward.next_attempt_at >= timezone.now() + timedelta(minutes=1, seconds=50)  # twice as long

    due_now(forward)
    assert tasks.lapor_forwards_send_due.call() == 1
    forward.refresh_from_db()
    assert forward.delivery == Delivery.SENT
    assert forward.lapor_id == "LAPOR-1001"
    assert forward.last_error == ""
    assert len(fake.reports) == 1


def test_an_answer_lost_on_the_way_is_retried_and_lapor_keeps_one_report(cast, fake):
    report = not_ours(cast, submitted(cast))
    forward = LaporForward.objects.get(report=report)
    fake.lose_answers = 1  # LAPOR! takes it, the answer never arrives

    lapor.lapor_forward_send(forward_id=forward.pk)
    forward.refresh_from_db()
    assert forward.delivery == Delivery.PENDING
    assert forward.lapor_id == ""

    due_now(forward)
    lapor.lapor_forward_send(forward_id=forward.pk)
    forward.refresh_from_db()
    assert forward.delivery == Delivery.SENT
    assert forward.lapor_id == "LAPOR-1001"
    assert len(fake.reports) == 1  # the same Idempotency-Key: the first report's id came back


def test_lapor_unreachable_is_retried(cast, fake, settings):
    report = not_ours(cast, submitted(cast))
    forward = LaporForward.objects.get(report=report)
    settings.LAPOR_URL = "http://127.0.0.1:9"  # nothing listens there

    lapor.lapor_forward_send(forward_id=forward.pk)
    forward.refresh_from_db()
    assert forward.delivery == Delivery.PENDING
    assert forward.last_error == "unreachable"


def test_too_many_attempts_or_a_refusal_stop_the_retries_until_an_administrator_retries(cast, fake, settings):
    settings.LAPOR_MAX_ATTEMPTS = 2
    first = LaporForward.objects.get(report=not_ours(cast, submitted(cast)))
    fake.down = 5
    lapor.lapor_forward_send(forward_id=first.pk)
    due_now(first)
    lapor.lapor_forward_send(forward_id=first.pk)
    first.refresh_from_db()
    assert (first.delivery, first.attempts, first.next_attempt_at) == (Delivery.FAILED, 2, None)

    fake.down = 0
    fake.refuse = True
    second = LaporForward.objects.get(report=not_ours(cast, submitted(cast)))
    lapor.lapor_forward_send(forward_id=second.pk)
    second.refresh_from_db()
    assert (second.delivery, second.last_error) == (Delivery.FAILED, "http_400")
    assert tasks.lapor_forwards_send_due.call() == 0

    fake.refuse = False
    assert lapor.lapor_forward_retry(forward=second, actor=cast.admin) is True
    assert lapor.lapor_forward_retry(forward=second, actor=cast.admin) is False  # not failed any more
    assert tasks.lapor_forwards_send_due.call() == 1
    second.refresh_from_db()
    assert second.delivery == Delivery.SENT
    assert AuditEvent.objects.filter(action="integrations.lapor_retry", actor=cast.admin).count() == 1


def test_the_administrators_retry_action_in_the_admin_sends_a_failed_forward_again(cast, fake):
    forward = LaporForward.objects.get(report=not_ours(cast, submitted(cast)))
    LaporForward.objects.filter(pk=forward.pk).update(delivery=Delivery.FAILED, next_attempt_at=None)
    url = reverse("admin:integrations_laporforward_changelist")
    data = {"action": "retry", "_selected_action": [forward.pk]}

    refused = client_of(cast.budi).post(url, data)
    assert refused.status_code == 302
    assert "/admin/login/" in refused["Location"]
    assert LaporForward.objects.get(pk=forward.pk).delivery == Delivery.FAILED

    response = client_of(cast.admin).post(url, data)
    assert response.status_code == 302
    assert LaporForward.objects.get(pk=forward.pk).delivery == Delivery.PENDING


# --- the status, kept in sync -----------------------------------------------------------------------


def test_the_status_is_polled_until_lapor_says_it_is_final(cast, fake):
    forward = LaporForward.objects.get(report=not_ours(cast, submitted(cast)))
    lapor.lapor_forward_send(forward_id=forward.pk)
    assert tasks.lapor_statuses_sync.call() == 0  # just sent: asked within the hour already

    LaporForward.objects.filter(pk=forward.pk).update(status_checked_at=timezone.now() - timedelta(hours=2))
    fake.statuses["LAPOR-1001"] = "Ditindaklanjuti"
    assert tasks.lapor_statuses_sync.call() == 1
    forward.refresh_from_db()
    assert forward.lapor_status == "Ditindaklanjuti"
    assert AuditEvent.objects.filter(action="integrations.lapor_status").count() == 1

    LaporForward.objects.filter(pk=forward.pk).update(status_checked_at=timezone.now() - timedelta(hours=2))
    fake.statuses["LAPOR-1001"] = "Selesai"
    assert tasks.lapor_statuses_sync.call() == 1
    LaporForward.objects.filter(pk=forward.pk).update(status_checked_at=timezone.now() - timedelta(hours=2))
    asked = len(fake.requests)
    assert tasks.lapor_statuses_sync.call() == 0
    assert len(fake.requests) == asked  # a final status is not asked again


def test_lapor_down_while_polling_changes_nothing(cast, fake):
    forward = LaporForward.objects.get(report=not_ours(cast, submitted(cast)))
    lapor.lapor_forward_send(forward_id=forward.pk)
    fake.down = 1

    assert lapor.lapor_status_sync(forward_id=forward.pk) is False
    forward.refresh_from_db()
    assert forward.lapor_status == "Belum Terverifikasi"


def test_the_periodic_tasks_are_scheduled():
    from layanan.core.schedule import PERIODIC_TASKS

    paths = {entry.task for entry in PERIODIC_TASKS}
    assert "layanan.integrations.tasks.lapor_forwards_send_due" in paths
    assert "layanan.integrations.tasks.lapor_statuses_sync" in paths


# --- shown to the reporter and the coordinator -------------------------------------------------------


def test_the_reporter_and_the_coordinator_see_the_lapor_reference_and_status(cast, fake):
    report = not_ours(cast, submitted(cast))
    lapor.lapor_forward_send(forward_id=LaporForward.objects.get(report=report).pk)

    mine = client_of(cast.siti).get(reverse("complaints:detail", kwargs={"public_id": report.public_id}))
    assert mine.status_code == 200
    assert "LAPOR-1001" in mine.text
    assert '<h2 id="lapor-title">' in mine.text  # the panel's HTML, not escaped text
    assert "Belum Terverifikasi" in mine.text

    desk = client_of(cast.admin).get(
        reverse("complaints:staff_report", kwargs={"public_id": report.public_id})
    )
    assert desk.status_code == 200
    assert "LAPOR-1001" in desk.text

    # Someone else's report is missing for another citizen; an officer outside it never reaches it.
    other = client_of(cast.andi).get(
        reverse("complaints:staff_report", kwargs={"public_id": report.public_id})
    )
    assert other.status_code == 404
    stranger = client_of(other_citizen()).get(
        reverse("complaints:detail", kwargs={"public_id": report.public_id})
    )
    assert stranger.status_code == 404
    assert "LAPOR-1001" not in stranger.text
    assert LaporForward.objects.get(report=report).lapor_id == "LAPOR-1001"  # reading changed nothing


def test_the_reporter_is_told_it_is_on_its_way_before_lapor_answers(cast, fake):
    report = not_ours(cast, submitted(cast))

    page = client_of(cast.siti).get(reverse("complaints:detail", kwargs={"public_id": report.public_id}))
    assert page.status_code == 200
    assert "sedang diteruskan ke SP4N-LAPOR!" in page.text


def test_a_failure_shows_to_the_coordinator_but_not_to_the_reporter(cast, fake):
    report = not_ours(cast, submitted(cast))
    fake.refuse = True
    lapor.lapor_forward_send(forward_id=LaporForward.objects.get(report=report).pk)

    desk = client_of(cast.admin).get(
        reverse("complaints:staff_report", kwargs={"public_id": report.public_id})
    )
    mine = client_of(cast.siti).get(reverse("complaints:detail", kwargs={"public_id": report.public_id}))
    assert "http_400" in desk.text
    assert "http_400" not in mine.text


def test_the_admin_never_shows_an_anonymous_reporters_identity(cast, fake):
    report = not_ours(cast, submitted(cast, anonymous=True))
    forward = LaporForward.objects.get(report=report)
    admin_client = client_of(cast.admin)

    listing = admin_client.get(reverse("admin:integrations_laporforward_changelist"))
    page = admin_client.get(reverse("admin:integrations_laporforward_change", args=[forward.pk]))
    assert listing.status_code == 200
    assert page.status_code == 200
    for shown in (listing.text, page.text):
        assert report.tracking_number in shown
        assert cast.siti.full_name not in shown
        assert cast.siti.phone not in shown
    assert site.is_registered(LaporForward)
