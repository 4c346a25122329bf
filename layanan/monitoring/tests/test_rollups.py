"""The monthly and yearly rollups: a period read from them gives the figures of the daily rows.

The data straddles month and year edges in WIB (a case at 23:30 on 31 December WIB is 16:30 UTC,
one at 00:30 on 1 January WIB is 17:30 UTC the day before), so a rollup that cut days in UTC,
or a cover that skipped or doubled an edge day, would change a figure.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model

from layanan.accounts.models import Role
from layanan.applications.models import Application, Status
from layanan.catalogue.models import Service
from layanan.complaints.models import Status as ReportStatus
from layanan.monitoring import selectors, services
from layanan.monitoring.models import (
    ROLLUPS,
    ApplicationDaily,
    ApplicationRollup,
    Dims,
    Grain,
    Kind,
    OfficerDaily,
    OpenItem,
    ReportLeadTimeRollup,
)
from layanan.monitoring.selectors import Filters, Period, cover
from layanan.monitoring.tests import builders as b
from layanan.testing import make_user

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 31)
NOW = b.wib(2025, 3, 31, 20)
PERIODS = [
    Period(date(2024, 12, 1), date(2025, 1, 31)),  # two whole months across the year's edge
    Period(date(2024, 12, 15), date(2025, 2, 10)),  # ragged at both ends, a whole month inside
    Period(date(2024, 12, 31), date(2025, 1, 1)),  # the two days of the edge
    Period(date(2024, 1, 1), date(2024, 12, 31)),  # one whole year (and its previous year)
    Period(date(2021, 4, 1), date(2026, 3, 31)),  # five years: whole years, months and days
    Period(date(2024, 11, 20), date(2025, 3, 31)),
]


def _days(period: Period) -> list[date]:
    return [period.start + timedelta(days=n) for n in range(period.days)]


def test_the_cover_of_a_period_holds_each_day_exactly_once():
    rng = random.Random(3)
    periods = [*PERIODS, Period(date(2024, 2, 1), date(2024, 2, 29))]
    for _ in range(300):
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(2500))
        periods.append(Period(start, start + timedelta(days=rng.randrange(1900))))
    for period in periods:
        for coarsest in (Grain.YEAR, Grain.MONTH, Grain.DAY):
            spans = cover(period, coarsest=coarsest)
            held: list[date] = []
            for first, last in spans.days:
                held += _days(Period(first, last))
            for first in spans.months:
                assert first.day == 1
                held += _days(Period(first, services.period_after(Grain.MONTH, first) - timedelta(days=1)))
            for first in spans.years:
                assert (first.month, first.day) == (1, 1)
                held += _days(Period(first, date(first.year, 12, 31)))
            assert sorted(held) == _days(period)
            if coarsest != Grain.YEAR:
                assert not spans.years
            if coarsest == Grain.DAY:
                assert not spans.months


def test_the_cover_takes_whole_years_then_months_then_days():
    spans = cover(Period(date(2023, 12, 15), date(2025, 2, 10)))
    assert spans.days == ((date(2023, 12, 15), date(2023, 12, 31)), (date(2025, 2, 1), date(2025, 2, 10)))
    assert spans.months == (date(2025, 1, 1),)
    assert spans.years == (date(2024, 1, 1),)


@pytest.fixture
def data(cast, settings):
    """Applications and reports from November 2023 to March 2025, dense around the edges."""
    settings.MONITORING_MIN_SAMPLE = 2
    w = cast.world
    rng = random.Random(11)
    ktp = b.service(name="KTP-el", office=w.disdukcapil, sla_working_days=5)
    jalan = b.service(name="Izin jalan", office=w.pupr, sla_working_days=5)
    camat = b.service(name="Surat camat", office=w.kec_tanjung_raja, sla_working_days=3)
    desa_applicant = make_user(phone="081299990011", full_name="Warga Desa", home_region=w.tanjung_raja_desa)
    nowhere = make_user(phone="081299990012", full_name="Warga Tanpa Wilayah")
    kinds = [(ktp, w.disdukcapil), (jalan, w.pupr), (camat, w.kec_tanjung_raja)]
    people = [cast.siti, desa_applicant, nowhere]
    edges = [b.wib(2024, 12, 31, 23, 30), b.wib(2025, 1, 1, 0, 30), b.wib(2024, 11, 30, 23, 59)]
    first = b.wib(2023, 11, 1, 8)
    span_hours = int((NOW - first).total_seconds() // 3600)
    for n in range(70):
        submitted = edges[n % 3] if n < 12 else first + timedelta(hours=rng.randrange(span_hours))
        of, office = kinds[n % 3]
        outcome = rng.random()
        decided = submitted + timedelta(hours=rng.choice([1, 20, 30, 26 * 7, 24 * 40]))
        if decided > NOW or outcome < 0.15:
            status, decided_at = Status.PROCESSING, None
        elif outcome < 0.75:
            status, decided_at = Status.COMPLETED, decided
        elif outcome < 0.9:
            status, decided_at = Status.REJECTED, decided
        else:
            status, decided_at = Status.WITHDRAWN, decided
        b.application(
            of=of,
            applicant=people[n % 3],
            office=office,
            submitted_at=submitted,
            due_at=submitted + timedelta(days=rng.choice([2, 6, 9])),
            status=status,
            decided_at=decided_at,
            assigned_to=cast.budi if of is ktp else None,
        )
    categories = [b.category(w.disdukcapil, "Blanko"), b.category(w.pupr, "Jalan rusak")]
    regions = [w.kotabumi_pasar, w.tanjung_raja_desa]
    for n in range(50):
        received = edges[n % 3] if n < 9 else first + timedelta(hours=rng.randrange(span_hours))
        category = categories[n % 2]
        verified = received + timedelta(hours=rng.choice([2, 20, 50]))
        answered = verified + timedelta(hours=rng.choice([3, 30, 24 * 12, 24 * 35]))
        answered_ok = answered <= NOW and rng.random() < 0.8
        b.report(
            category=category,
            region=regions[n % 2],
            received_at=received,
            office=category.default_office,
            creator=cast.admin,
            verified_at=verified if verified <= NOW else None,
            answered_at=answered if answered_ok else None,
            followup_due_at=received + timedelta(days=14),
            status=ReportStatus.ANSWERED if answered_ok else ReportStatus.VERIFIED,
            satisfied=rng.choice([True, False, None]) if answered_ok else None,
            reopened_count=int(rng.random() < 0.1),
        )
    services.facts_rebuild_all(today=TODAY)
    head = make_user(phone="081299990013", full_name="Kepala PUPR", role=Role.LEADER, office=w.pupr)
    return {"ktp": ktp, "head": head, "categories": categories}


def _daily_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the selectors read every period from the daily tables alone (the reference)."""
    whole = selectors.cover

    def days_only(period: Period, *, coarsest: str = Grain.YEAR) -> selectors.Cover:
        return whole(period, coarsest=Grain.DAY)

    monkeypatch.setattr(selectors, "cover", days_only)
    monkeypatch.setattr(selectors.Facts, "dims", lambda self, by: Dims.ALL)


def _figures(actor: Any, period: Period, filters: Filters, cast: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for group in selectors.APP_GROUPS:
        board = selectors.application_dashboard(
            actor=actor, period=period, group=group, filters=filters, now=NOW
        )
        found[f"apps.{group}"] = sorted((repr(r.key), asdict(r)) for r in board.rows)
        found[f"apps.{group}.total"] = asdict(board.total)
    for report_group in selectors.REPORT_GROUPS:
        reports = selectors.report_dashboard(
            actor=actor, period=period, group=report_group, filters=filters, now=NOW
        )
        found[f"reports.{report_group}"] = sorted((repr(r.key), asdict(r)) for r in reports.rows)
        found[f"reports.{report_group}.total"] = asdict(reports.total)
    found["grid"] = selectors.kecamatan_grid(actor=actor, period=period, filters=filters)
    found["top"] = selectors.top_services_by_kecamatan(actor=actor, period=period, filters=filters)
    found["series"] = selectors.received_series(actor=actor, period=period, filters=filters)
    found["daily"] = selectors.daily_series(actor=actor, period=period, filters=filters)
    if actor is cast.bupati and filters == Filters():
        public = selectors.public_figures(period=period)
        found["public"] = (
            [asdict(r) for r in public.services],
            [asdict(r) for r in public.offices],
            [asdict(r) for r in public.reports],
            asdict(public.report_total),
        )
    return found


def test_rollups_give_the_figures_of_the_daily_rows_across_month_and_year_edges(data, cast, monkeypatch):
    cases = [
        (cast.bupati, Filters()),
        (cast.bupati, Filters(service_id=data["ktp"].pk)),
        (cast.bupati, Filters(kecamatan_code="18.03.04")),
        (cast.bupati, Filters(office_id=cast.world.pupr.pk, category_id=data["categories"][1].pk)),
        (data["head"], Filters()),
    ]
    from_rollups = {
        (n, period): _figures(actor, period, filters, cast)
        for n, (actor, filters) in enumerate(cases)
        for period in PERIODS
    }
    total = from_rollups[(0, PERIODS[4])]["apps.service.total"]
    assert total["received"] == 70  # the five years hold every case: nothing lost at an edge
    assert total["median_days"] is not None
    assert total["p90_days"] is not None
    assert from_rollups[(0, PERIODS[4])]["reports.category.total"]["received"] == 50
    _daily_only(monkeypatch)
    for (n, period), figures in from_rollups.items():
        actor, filters = cases[n]
        assert figures == _figures(actor, period, filters, cast), (n, period)


def test_the_edge_cases_fall_on_their_wib_days(data):
    eve = ApplicationDaily.objects.filter(day=date(2024, 12, 31)).values_list("received", flat=True)
    new_year = ApplicationDaily.objects.filter(day=date(2025, 1, 1)).values_list("received", flat=True)
    assert sum(eve) >= 4
    assert sum(new_year) >= 4
    year_2025 = ApplicationRollup.objects.filter(grain=Grain.YEAR, day=date(2025, 1, 1), dims=Dims.SERVICE)
    assert sum(year_2025.values_list("received", flat=True)) == sum(
        ApplicationDaily.objects.filter(day__gte=date(2025, 1, 1)).values_list("received", flat=True)
    )


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    for _daily, rollup, _summed in ROLLUPS:
        names = [f.attname for f in rollup._meta.concrete_fields if f.attname != "id"]
        rows = [row for row in rollup._default_manager.values_list(*names) if any(row[-1:])]
        found[rollup.__name__] = sorted(rows, key=repr)
    return found


def test_item_refreshes_keep_the_rollups_equal_to_a_rebuild(data, cast):
    w = cast.world
    before = _snapshot()
    assert before["ApplicationRollup"]
    assert ReportLeadTimeRollup.objects.filter(grain=Grain.YEAR, dims=Dims.ALL).exists()
    # A new application decided across a month edge, and an old one decided now.
    late = b.application(
        of=data["ktp"],
        applicant=cast.siti,
        office=w.disdukcapil,
        submitted_at=b.wib(2025, 1, 31, 23, 50),
        due_at=b.wib(2025, 2, 5, 9),
        status=Status.COMPLETED,
        decided_at=b.wib(2025, 2, 1, 0, 10),
    )
    services.item_refresh(kind=Kind.APPLICATION, item_id=late.pk)
    report = b.report(
        category=data["categories"][0],
        region=w.kotabumi_pasar,
        received_at=b.wib(2024, 12, 31, 23, 45),
        office=w.disdukcapil,
        creator=cast.admin,
        verified_at=b.wib(2025, 1, 2, 9),
        answered_at=b.wib(2025, 3, 3, 9),
        followup_due_at=b.wib(2025, 1, 14, 9),
        status=ReportStatus.ANSWERED,
    )
    services.item_refresh(kind=Kind.REPORT, item_id=report.pk)
    refreshed = _snapshot()
    assert refreshed != before
    services.facts_rebuild_all(today=TODAY)
    assert _snapshot() == refreshed
    # And a rollup rebuilt from nothing (what the migration does) is the same again.
    for _daily, rollup, _summed in ROLLUPS:
        rollup._default_manager.all().delete()
    services.rollups_rebuild()
    assert _snapshot() == refreshed


def test_a_reconcile_keeps_the_rollups_of_the_days_it_rebuilds(data):
    before = _snapshot()
    services.facts_reconcile(days=40, today=TODAY)
    assert _snapshot() == before


class _Undo(Exception):
    """Raised to roll a block back to its savepoint."""


def _state() -> dict[str, list[tuple[Any, ...]]]:
    """Every summary row (daily tables, rollups, open items), without ids."""
    found = _snapshot()
    models: list[type[Model]] = [daily for daily, _, _ in ROLLUPS]
    models += [OfficerDaily, OpenItem]
    for model in models:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        found[model.__name__] = sorted(model._default_manager.values_list(*names), key=repr)
    return found


def test_a_batch_refresh_gives_the_figures_of_refreshing_item_by_item(data, cast):
    """Items of several services changed across day, month and year edges in WIB, refreshed at once."""
    w = cast.world
    jalan = Service.objects.get(name="Izin jalan")
    camat = Service.objects.get(name="Surat camat")
    made = [
        (data["ktp"], w.disdukcapil, b.wib(2024, 12, 31, 23, 30), b.wib(2025, 1, 1, 0, 30)),
        (jalan, w.pupr, b.wib(2024, 12, 31, 23, 55), b.wib(2025, 2, 1, 0, 5)),
        (camat, w.kec_tanjung_raja, b.wib(2025, 1, 31, 23, 59), None),  # still open
        (data["ktp"], w.disdukcapil, b.wib(2023, 12, 31, 23, 45), b.wib(2024, 1, 2, 9)),
    ]
    applications = [
        b.application(
            of=of,
            applicant=cast.siti,
            office=office,
            submitted_at=submitted,
            due_at=submitted + timedelta(days=3),
            status=Status.COMPLETED if decided else Status.PROCESSING,
            decided_at=decided,
            assigned_to=cast.budi if of == data["ktp"] else None,
        ).pk
        for of, office, submitted, decided in made
    ]
    # An old one decided now, across the year's edge from its submission.
    old = Application.objects.filter(status=Status.PROCESSING).order_by("submitted_at").first()
    assert old is not None
    Application.objects.filter(pk=old.pk).update(status=Status.COMPLETED, decided_at=b.wib(2025, 3, 1, 0, 15))
    applications.append(old.pk)
    reports = [
        b.report(
            category=category,
            region=region,
            received_at=received,
            office=category.default_office,
            creator=cast.admin,
            verified_at=received + timedelta(hours=2),
            answered_at=answered,
            followup_due_at=received + timedelta(days=14),
            status=ReportStatus.ANSWERED if answered else ReportStatus.VERIFIED,
        ).pk
        for category, region, received, answered in [
            (
                data["categories"][0],
                w.kotabumi_pasar,
                b.wib(2024, 12, 31, 23, 10),
                b.wib(2025, 1, 31, 23, 50),
            ),
            (data["categories"][1], w.tanjung_raja_desa, b.wib(2024, 12, 31, 22, 0), None),
            (data["categories"][1], w.kotabumi_pasar, b.wib(2025, 2, 28, 23, 59), b.wib(2025, 3, 1, 0, 1)),
        ]
    ]
    before = _state()
    try:
        with transaction.atomic():
            for pk in applications:
                services.item_refresh(kind=Kind.APPLICATION, item_id=pk)
            for pk in reports:
                services.item_refresh(kind=Kind.REPORT, item_id=pk)
            one_by_one = _state()
            figures = {p: _figures(cast.bupati, p, Filters(), cast) for p in PERIODS}
            raise _Undo
    except _Undo:
        pass
    assert _state() == before
    assert one_by_one != before

    assert services.items_refresh(kind=Kind.APPLICATION, ids=applications) >= 8
    assert services.items_refresh(kind=Kind.REPORT, ids=reports) == 5  # 31 Dec … 1 Mar

    assert _state() == one_by_one
    assert {p: _figures(cast.bupati, p, Filters(), cast) for p in PERIODS} == figures
    services.facts_rebuild_all(today=TODAY)
    assert _state() == one_by_one


def test_a_batch_of_nothing_or_of_gone_items_changes_nothing(data):
    before = _state()
    assert services.items_refresh(kind=Kind.APPLICATION, ids=[]) == 0
    assert services.items_refresh(kind=Kind.REPORT, ids=[10**9, 10**9 + 1]) == 0
    assert _state() == before
