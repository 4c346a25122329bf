"""The clock around Idul Fitri 2026 (with cuti bersama added here), auto-close and escalation."""

from __future__ import annotations

import pytest

from layanan.calendars.models import Holiday
from layanan.calendars.selectors import holidays_cache_clear
from layanan.complaints import services, tasks
from layanan.complaints.models import Disposition, ReportEvent, Status
from layanan.complaints.tests.domain_builders import Clock, reloaded, submitted, wib


@pytest.fixture
def lebaran(db):
    # The seeded cuti bersama (18, 20, 23, 24 March; Nyepi 19th, Idul Fitri 21-22 March), made sure
    # of here, and one more day off that this test adds: Monday 6 April.
    for day in ("2026-03-18", "2026-03-20", "2026-03-23", "2026-03-24", "2026-04-06"):
        Holiday.objects.get_or_create(date=day, kind="cuti_bersama", defaults={"name": "Cuti bersama"})
    holidays_cache_clear()


def test_the_full_clock_skips_nyepi_idul_fitri_cuti_bersama_and_good_friday(cast, lebaran, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 17, 10, 0))  # Tuesday
    report = submitted(cast)
    assert report.verify_due_at == wib(2026, 3, 27, 10, 0)
    clock.set(wib(2026, 3, 25, 9, 0))
    report = services.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    assert report.followup_due_at == wib(2026, 4, 1, 9, 0)
    assert Disposition.objects.get(report=report).due_at == wib(2026, 4, 1, 9, 0)
    clock.set(wib(2026, 4, 2, 14, 0))
    report = services.report_answer(
        report=report, actor=cast.budi, expected_version=report.version, answer="Beres."
    )
    assert reloaded(report).close_due_at == wib(2026, 4, 20, 14, 0)  # Good Friday and 6 April skipped


def test_it_auto_closes_ten_working_days_after_the_answer_and_not_before(cast, lebaran, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 25, 9, 0))
    report = submitted(cast)
    report = services.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    clock.set(wib(2026, 4, 2, 14, 0))
    services.report_answer(report=report, actor=cast.budi, expected_version=report.version, answer="Beres.")
    clock.set(wib(2026, 4, 20, 13, 59))
    assert tasks.reports_auto_close.call() == 0
    assert reloaded(report).status == Status.ANSWERED
    clock.set(wib(2026, 4, 20, 14, 0))
    assert tasks.reports_auto_close.call() == 1
    assert reloaded(report).status == Status.CLOSED
    assert ReportEvent.objects.filter(report=report, action="auto_close").get().message == (
        "Laporan ditutup tanpa balasan pelapor."
    )
    assert tasks.reports_auto_close.call() == 0


def test_escalation_happens_once_and_tells_the_head_and_the_admins(
    cast, lebaran, monkeypatch, django_capture_on_commit_callbacks
):
    from layanan.testing import make_user

    head = make_user(
        phone="081277700001", full_name="Kepala Dinas", role="leader", office=cast.world.disdukcapil
    )
    clock = Clock(monkeypatch, wib(2026, 3, 25, 9, 0))
    report = submitted(cast)
    report = services.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    clock.set(wib(2026, 4, 1, 8, 59))
    assert tasks.reports_escalate_breaches.call() == 0
    clock.set(wib(2026, 4, 1, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reports_escalate_breaches.call() == 1
        assert tasks.reports_escalate_breaches.call() == 0
    from layanan.notifications.models import Message

    told = Message.objects.filter(event="report.escalated", tracking_number=report.tracking_number)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([head.pk, cast.admin.pk])
    assert ReportEvent.objects.filter(report=report, action="escalate").count() == 1


def test_a_report_waiting_too_long_for_verification_is_escalated_to_the_admins(cast, lebaran, monkeypatch):
    clock = Clock(monkeypatch, wib(2026, 3, 17, 10, 0))
    report = submitted(cast)
    clock.set(wib(2026, 3, 27, 10, 1))
    assert tasks.reports_escalate_breaches.call() == 1
    assert reloaded(report).breach_notified_at is not None
