"""The report lifecycle through the services: each kind end to end, and every refusal."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from layanan.audit.models import AuditEvent
from layanan.complaints import services
from layanan.complaints.models import Disposition, Kind, Report, ReportEvent, ReportPhoto, Status, Support
from layanan.complaints.services import ConcurrentChange, ReportError, TransitionNotAllowed
from layanan.complaints.tests.domain_builders import (
    answered,
    category,
    disposed,
    png_upload,
    reloaded,
    submitted,
)


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_goes_from_received_to_closed_by_the_reporter(cast, kind):
    report = submitted(cast, kind=kind)
    assert report.status == Status.RECEIVED
    assert report.tracking_number.startswith("A")
    report = disposed(cast, report)
    assert report.status == Status.DISPOSED
    assert list(report.dispositions.values_list("office", flat=True)) == [cast.world.disdukcapil.pk]
    report = services.report_start(report=report, actor=cast.budi, expected_version=report.version)
    assert report.status == Status.IN_PROGRESS
    report = services.report_answer(
        report=report, actor=cast.budi, expected_version=report.version, answer="Sudah diperbaiki."
    )
    assert report.status == Status.ANSWERED
    assert report.close_due_at is not None
    report = services.report_confirm(report=report, actor=cast.siti)
    fresh = reloaded(report)
    assert fresh.status == Status.CLOSED
    assert fresh.closed_at is not None
    actions = list(ReportEvent.objects.filter(report=fresh).values_list("action", flat=True))
    assert actions == ["submit", "verify", "dispose", "start", "answer", "confirm"]
    assert AuditEvent.objects.filter(action="complaints.confirm", object_id=str(fresh.pk)).exists()


def test_a_submit_sent_twice_creates_one_report(cast):
    key = uuid.uuid4()
    first = submitted(cast, submit_key=key)
    second = submitted(cast, submit_key=key)
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert ReportEvent.objects.filter(action="submit").count() == 1


def test_it_keeps_up_to_three_photos_and_refuses_a_fourth(cast):
    report = submitted(cast, photos=[png_upload(), png_upload()])
    assert ReportPhoto.objects.filter(report=report, is_evidence=False).count() == 2
    with pytest.raises(ReportError):
        submitted(cast, photos=[png_upload() for _ in range(4)])
    assert Report.objects.count() == 1


def test_it_refuses_a_region_outside_the_regency_a_short_text_and_an_inactive_category(cast):
    with pytest.raises(ReportError):
        submitted(cast, region=cast.world.kotabumi)  # a kecamatan, not a desa
    with pytest.raises(ReportError):
        submitted(cast, text="rusak")
    with pytest.raises(ReportError):
        submitted(cast, category=category(cast.world.pupr, active=False))
    assert Report.objects.count() == 0


def test_the_verifier_may_dispose_to_another_office_than_the_routed_one(cast):
    report = submitted(cast)
    report = services.report_verify(
        report=report, actor=cast.admin, expected_version=report.version, office=cast.world.pupr
    )
    assert Disposition.objects.get(report=report).office == cast.world.pupr
    with pytest.raises(PermissionDenied):
        services.report_start(report=report, actor=cast.budi, expected_version=report.version)
    assert services.report_start(report=report, actor=cast.andi, expected_version=report.version).status == (
        Status.IN_PROGRESS
    )


def test_postpone_then_verify_and_not_authority_with_where_to_go(cast):
    report = submitted(cast)
    report = services.report_postpone(
        report=report, actor=cast.admin, expected_version=report.version, reason="Lokasi?"
    )
    assert report.status == Status.POSTPONED
    report = disposed(cast, report)
    assert report.status == Status.DISPOSED
    other = submitted(cast)
    with pytest.raises(ReportError):
        services.report_not_authority(
            report=other,
            actor=cast.admin,
            expected_version=other.version,
            reason="Jalan nasional.",
            redirect_to="",
        )
    other = services.report_not_authority(
        report=other,
        actor=cast.admin,
        expected_version=other.version,
        reason="Jalan nasional.",
        redirect_to="BPJN Lampung",
    )
    assert reloaded(other).status == Status.NOT_AUTHORITY
    assert reloaded(other).redirect_to == "BPJN Lampung"


def test_archiving_a_duplicate_moves_its_supporters_and_reporter_to_the_original(cast):
    original = submitted(cast)
    from layanan.applications.tests.builders import citizen

    other_reporter, fan, both = citizen(), citizen(), citizen()
    duplicate = submitted(cast, reporter=other_reporter, category=original.category)
    services.report_support(report=duplicate, user=fan)
    services.report_support(report=duplicate, user=both)
    services.report_support(report=original, user=both)
    duplicate = services.report_archive(
        report=duplicate,
        actor=cast.admin,
        expected_version=duplicate.version,
        reason="Sama.",
        duplicate_of=original,
    )
    assert duplicate.status == Status.ARCHIVED
    assert reloaded(duplicate).duplicate_of_id == original.pk
    supporters = set(Support.objects.filter(report=original).values_list("user_id", flat=True))
    assert supporters == {other_reporter.pk, fan.pk, both.pk}
    assert not Support.objects.filter(report=duplicate).exists()


def test_support_is_once_per_person_and_never_for_ones_own_report(cast):
    from layanan.applications.tests.builders import citizen

    report = submitted(cast)
    neighbour = citizen()
    first = services.report_support(report=report, user=neighbour)
    assert services.report_support(report=report, user=neighbour).pk == first.pk
    assert Support.objects.filter(report=report).count() == 1
    with pytest.raises(ReportError):
        services.report_support(report=report, user=cast.siti)


def test_two_verifiers_with_the_same_version_make_one_change(cast):
    report = submitted(cast)
    seen = report.version
    services.report_verify(report=Report.objects.get(pk=report.pk), actor=cast.admin, expected_version=seen)
    with pytest.raises(ConcurrentChange):
        services.report_postpone(
            report=Report.objects.get(pk=report.pk), actor=cast.admin, expected_version=seen, reason="Tunda."
        )
    assert reloaded(report).status == Status.DISPOSED
    assert Disposition.objects.filter(report=report).count() == 1


def test_reopen_is_allowed_once_and_refused_the_second_time(cast):
    report = answered(cast)
    report = services.report_reopen(report=report, actor=cast.siti, reason="Masih berlubang.")
    assert report.status == Status.IN_PROGRESS
    assert reloaded(report).reopened_count == 1
    report = services.report_answer(
        report=report,
        actor=cast.budi,
        expected_version=reloaded(report).version,
        answer="Sudah ditambal ulang.",
    )
    assert report.status == Status.ANSWERED
    with pytest.raises(TransitionNotAllowed):
        services.report_reopen(report=report, actor=cast.siti, reason="Lagi.")
    assert reloaded(report).status == Status.ANSWERED


def test_a_not_satisfied_rating_can_be_followed_by_reopening(cast):
    report = answered(cast)
    report = services.report_confirm(report=report, actor=cast.siti)
    report = services.report_rate(report=report, actor=cast.siti, satisfied=False, comment="Belum rapi.")
    fresh = reloaded(report)
    assert fresh.satisfied is False
    assert fresh.status == Status.CLOSED
    report = services.report_reopen(report=report, actor=cast.siti, reason="Belum rapi.")
    assert reloaded(report).status == Status.IN_PROGRESS


def test_personas_without_a_part_are_refused_each_step(cast):
    report = submitted(cast)
    for persona in (cast.budi, cast.andi, cast.bupati, cast.auditor, cast.siti):
        with pytest.raises((PermissionDenied, TransitionNotAllowed)):
            services.report_verify(report=report, actor=persona, expected_version=report.version)
    report = disposed(cast, report)
    for persona in (cast.andi, cast.rini, cast.bupati, cast.siti, cast.sekar):
        with pytest.raises((PermissionDenied, TransitionNotAllowed)):
            services.report_start(report=report, actor=persona, expected_version=report.version)
    with pytest.raises(TransitionNotAllowed):
        services.report_confirm(report=report, actor=cast.siti)  # not answered yet
    with pytest.raises(PermissionDenied):
        services.report_note(report=report, actor=cast.andi, text="Bukan urusan saya.")
    assert reloaded(report).status == Status.DISPOSED


def test_redisposition_moves_the_work_to_the_other_office(cast):
    report = disposed(cast)
    report = services.report_redispose(
        report=report,
        actor=cast.admin,
        expected_version=report.version,
        from_office=cast.world.disdukcapil,
        to_office=cast.world.pupr,
        reason="Jalan, bukan dokumen.",
    )
    active = list(Disposition.objects.filter(report=report, is_active=True).values_list("office", flat=True))
    assert active == [cast.world.pupr.pk]
    with pytest.raises(PermissionDenied):
        services.report_start(report=report, actor=cast.budi, expected_version=report.version)


def test_a_handling_office_may_hand_on_its_own_disposition_but_not_anothers(cast):
    report = disposed(cast)  # to Disdukcapil
    with pytest.raises(ReportError):
        services.report_redispose(
            report=report,
            actor=cast.budi,
            expected_version=report.version,
            from_office=cast.world.pupr,
            to_office=cast.world.kec_kotabumi,
            reason="Bukan kami.",
        )
    moved = services.report_redispose(
        report=reloaded(report),
        actor=cast.budi,
        expected_version=reloaded(report).version,
        from_office=cast.world.disdukcapil,
        to_office=cast.world.pupr,
        reason="Ini soal jalan.",
    )
    active = set(Disposition.objects.filter(report=moved, is_active=True).values_list("office", flat=True))
    assert active == {cast.world.pupr.pk}


def test_the_coordinator_may_add_an_office_later_keeping_the_earliest_deadline(cast):
    report = disposed(cast)
    first_due = report.followup_due_at
    report = services.report_dispose(
        report=report,
        actor=cast.admin,
        expected_version=report.version,
        offices=[cast.world.pupr, cast.world.disdukcapil],
        instruction="Ikut periksa.",
    )
    assert report.status == Status.DISPOSED
    active = sorted(
        Disposition.objects.filter(report=report, is_active=True).values_list("office", flat=True)
    )
    assert active == sorted([cast.world.disdukcapil.pk, cast.world.pupr.pk])  # Disdukcapil not doubled
    assert report.followup_due_at == first_due


def test_with_two_offices_it_is_answered_when_both_have_answered(cast):
    report = submitted(cast)
    report = services.report_dispose(
        report=report,
        actor=cast.admin,
        expected_version=report.version,
        offices=[cast.world.disdukcapil, cast.world.pupr],
        instruction="Periksa bersama.",
    )
    assert report.status == Status.DISPOSED
    report = services.report_answer(
        report=report, actor=cast.budi, expected_version=report.version, answer="Bagian kami."
    )
    assert report.status == Status.IN_PROGRESS
    report = services.report_answer(
        report=report, actor=cast.andi, expected_version=report.version, answer="Bagian kami juga."
    )
    assert report.status == Status.ANSWERED
    assert cast.world.pupr.name in reloaded(report).public_answer


def test_a_submit_tells_the_reporter_it_was_given_without_reading_the_account_again(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from layanan.notifications.models import Message

    with CaptureQueriesContext(connection) as captured:
        report = submitted(cast)

    assert not [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and "accounts_user" in q["sql"]
    ]
    notice = Message.objects.get(event="report.received", tracking_number=report.tracking_number)
    assert notice.recipient_id == cast.siti.pk
