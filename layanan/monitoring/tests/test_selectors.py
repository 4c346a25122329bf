"""Every dashboard figure against a small data set worked out by hand (3-14 Feb 2025: no holiday)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from layanan.accounts.models import Role
from layanan.applications.models import Status
from layanan.complaints.models import Status as ReportStatus
from layanan.monitoring import selectors, services
from layanan.monitoring.selectors import Filters, Period, percentile
from layanan.monitoring.tests import builders as b
from layanan.testing import make_user

pytestmark = pytest.mark.django_db

FEB = Period(date(2025, 2, 3), date(2025, 2, 14))
NOW = b.wib(2025, 2, 12, 12)


@pytest.fixture
def data(cast, settings):
    settings.MONITORING_MIN_SAMPLE = 3
    w = cast.world
    ktp = b.service(name="KTP-el", office=w.disdukcapil, sla_working_days=5)
    jalan = b.service(name="Izin jalan", office=w.pupr, sla_working_days=5)
    mon = b.wib(2025, 2, 3, 9)

    def done(of, submitted, decided, due, status=Status.COMPLETED):
        return b.application(
            of=of,
            applicant=cast.siti,
            office=of.office,
            submitted_at=submitted,
            due_at=due,
            status=status,
            decided_at=decided,
            assigned_to=cast.budi if of is ktp else None,
        )

    due = b.wib(2025, 2, 10, 9)
    done(ktp, mon, b.wib(2025, 2, 5, 10), due)  # 2 working days, on time
    done(ktp, mon, b.wib(2025, 2, 7, 8), due)  # 3, on time
    done(ktp, mon, b.wib(2025, 2, 11, 10), due)  # 6, late
    done(ktp, mon, b.wib(2025, 2, 3, 15), due)  # 0, on time
    b.application(
        of=ktp, applicant=cast.siti, office=w.disdukcapil, submitted_at=mon, due_at=b.wib(2025, 2, 7, 9)
    )
    done(ktp, b.wib(2025, 1, 23, 9), b.wib(2025, 1, 24, 9), b.wib(2025, 1, 30, 9))  # the previous period
    done(jalan, mon, b.wib(2025, 2, 4, 9), due)  # one case only: no rank
    category = b.category(w.disdukcapil, "Blanko KTP")
    r1 = b.report(
        category=category,
        region=w.kotabumi_pasar,
        received_at=mon,
        office=w.disdukcapil,
        creator=cast.admin,
        verified_at=b.wib(2025, 2, 4, 10),
        answered_at=b.wib(2025, 2, 6, 10),
        followup_due_at=b.wib(2025, 2, 7, 9),
        status=ReportStatus.ANSWERED,
        satisfied=True,
    )
    r2 = b.report(
        category=category,
        region=w.kotabumi_pasar,
        received_at=mon,
        office=w.disdukcapil,
        creator=cast.admin,
        verified_at=b.wib(2025, 2, 6, 10),
        answered_at=b.wib(2025, 2, 12, 10),
        followup_due_at=b.wib(2025, 2, 10, 9),
        status=ReportStatus.ANSWERED,
        reopened_count=1,
    )
    b.report(
        category=category,
        region=w.tanjung_raja_desa,
        received_at=b.wib(2025, 2, 4, 9),
        office=w.disdukcapil,
        creator=cast.admin,
    )
    services.facts_rebuild_all(today=date(2025, 2, 14))
    return {"ktp": ktp, "jalan": jalan, "reports": (r1, r2)}


def test_percentiles_come_from_the_histogram_by_nearest_rank():
    assert percentile({0: 1, 2: 1, 3: 1, 6: 1}, 0.5) == 2
    assert percentile({0: 1, 2: 1, 3: 1, 6: 1}, 0.9) == 6
    assert percentile({1: 10}, 0.9) == 1
    assert percentile({}, 0.5) is None


def test_the_application_figures_match_the_hand_computed_ones(data, cast):
    board = selectors.application_dashboard(actor=cast.bupati, period=FEB, group="service", now=NOW)
    ktp = next(row for row in board.rows if row.key == data["ktp"].pk)
    assert (ktp.received, ktp.completed, ktp.completed_on_time) == (5, 4, 3)
    assert ktp.on_time_share == 0.75
    assert (ktp.median_days, ktp.p90_days) == (2, 6)
    assert (ktp.open, ktp.breaches) == (1, 1)
    assert (ktp.previous_received, ktp.previous_completed) == (1, 1)
    assert ktp.received_change == 4.0
    assert ktp.rank == 1
    jalan = next(row for row in board.rows if row.key == data["jalan"].pk)
    assert (jalan.completed, jalan.rank) == (1, None)  # below the minimum sample
    assert board.total.received == 6
    assert board.total.completed == 5
    assert board.backlog == {Status.SUBMITTED: 1}
    assert board.breaches == 1


def test_applications_group_by_kecamatan_and_desa_of_the_applicant(data, cast):
    board = selectors.application_dashboard(actor=cast.bupati, period=FEB, group="kecamatan", now=NOW)
    assert [(row.key, row.label, row.received) for row in board.rows] == [("18.03.02", "Kotabumi", 6)]
    board = selectors.application_dashboard(actor=cast.bupati, period=FEB, group="desa", now=NOW)
    assert [(row.label, row.received) for row in board.rows] == [("Kotabumi Pasar", 6)]


def test_the_report_figures_match_the_hand_computed_ones(data, cast):
    board = selectors.report_dashboard(actor=cast.bupati, period=FEB, group="category", now=NOW)
    (row,) = board.rows
    assert (row.received, row.verified, row.answered, row.answered_on_time) == (3, 2, 2, 1)
    assert row.answered_on_time_share == 0.5
    assert (row.median_verify_days, row.median_answer_days, row.p90_answer_days) == (1, 3, 7)
    assert row.reopen_rate == 0.5
    assert row.satisfaction == 1.0
    assert board.backlog == {ReportStatus.ANSWERED: 2, ReportStatus.RECEIVED: 1}
    by_place = selectors.report_dashboard(actor=cast.bupati, period=FEB, group="kecamatan", now=NOW)
    assert sorted((r.label, r.received) for r in by_place.rows) == [("Kotabumi", 2), ("Tanjung Raja", 1)]


def test_an_agency_head_sees_only_their_agency_and_a_filter_narrows_further(data, cast):
    head = make_user(
        phone="081299990001", full_name="Kepala Dinas PUPR", role=Role.LEADER, office=cast.world.pupr
    )
    board = selectors.application_dashboard(actor=head, period=FEB, group="service", now=NOW)
    assert [row.key for row in board.rows] == [data["jalan"].pk]
    assert board.total.received == 1
    assert board.backlog == {}
    assert selectors.report_dashboard(actor=head, period=FEB, now=NOW).total.received == 0
    narrowed = selectors.application_dashboard(
        actor=cast.bupati, period=FEB, filters=Filters(office_id=cast.world.pupr.pk), now=NOW
    )
    assert narrowed.total.received == 1


@pytest.mark.parametrize("persona", ["siti", "budi", "andi", "rini", "auditor", "sekar"])
def test_people_without_dashboard_access_are_refused(data, cast, persona):
    with pytest.raises(PermissionDenied):
        selectors.application_dashboard(actor=cast.all()[persona], period=FEB)
    with pytest.raises(PermissionDenied):
        selectors.report_dashboard(actor=cast.all()[persona], period=FEB)


def test_the_workload_sets_open_items_against_weekly_throughput(data, cast):
    offices, officers = selectors.workload(actor=cast.bupati, weeks=2, today=date(2025, 2, 14))
    dukcapil = next(w for w in offices if w.key == cast.world.disdukcapil.pk)
    # open: 1 application + 3 reports (two answered, one received); done in 2 weeks: 4 completed + 2 answered
    assert (dukcapil.open_applications, dukcapil.open_reports, dukcapil.completed_per_week) == (1, 3, 3.0)
    assert dukcapil.weeks_to_clear == pytest.approx(4 / 3)
    budi = next(w for w in officers if w.key == cast.budi.pk)
    assert budi.completed_per_week == 2.0  # 4 completed in the last two weeks


def test_top_services_and_the_kecamatan_grid(data, cast):
    top = selectors.top_services_by_kecamatan(actor=cast.bupati, period=FEB)
    assert top == [("18.03.02", "Kotabumi", [("KTP-el", 5), ("Izin jalan", 1)])]
    grid = {cell.code: cell for cell in selectors.kecamatan_grid(actor=cast.bupati, period=FEB)}
    assert grid["18.03.02"].value == 6
    assert grid["18.03.02"].shade >= 1
    assert grid["18.03.04"].value == 0
    assert grid["18.03.04"].shade == 0


def test_the_anomaly_rule_needs_a_minimum_and_a_clear_rise():
    assert selectors.emerging_rule_flags(6, [1] * 12)
    assert not selectors.emerging_rule_flags(4, [0] * 12)  # below the minimum count
    assert not selectors.emerging_rule_flags(12, [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 12, 10])


def test_a_category_rising_well_above_its_usual_level_is_flagged_with_its_reports(cast):
    w = cast.world
    category = b.category(w.disdukcapil, "Air bersih")
    today = date(2025, 2, 14)
    made = [
        b.report(
            category=category,
            region=w.kotabumi_pasar,
            received_at=b.wib(2025, 2, 12, 9) + timedelta(minutes=n),
            office=w.disdukcapil,
            creator=cast.admin,
        )
        for n in range(6)
    ]
    b.report(category=category, region=w.kotabumi_pasar, received_at=b.wib(2025, 1, 6, 9))
    services.facts_rebuild_all(today=today)
    flagged = selectors.emerging_problems(actor=cast.bupati, today=today)
    by_category = next(item for item in flagged if item.group == "category")
    assert (by_category.key, by_category.count) == (category.pk, 6)
    assert {r.pk for r in by_category.reports} == {r.pk for r in made}
    assert any(item.group == "kecamatan" and item.key == "18.03.02" for item in flagged)
