"""Practice cases (practice mode, docs/practice-mode.md) count in no summary, open-item table or
public figure; their real twins do."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from layanan.applications.models import Application
from layanan.complaints.models import Report
from layanan.monitoring import services
from layanan.monitoring.models import ApplicationDaily, Kind, OpenItem, ReportDaily
from layanan.monitoring.tests import builders as b
from layanan.monitoring.tests.test_transparency import _received
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def _twins(cast: Cast) -> tuple[Application, Application, Report, Report]:
    now = timezone.now()
    roads = b.service(name="Izin jalan", office=cast.world.pupr)
    real_app, practice_app = (
        b.application(of=roads, applicant=cast.siti, office=cast.world.pupr, submitted_at=now, due_at=now)
        for _ in range(2)
    )
    Application.objects.filter(pk=practice_app.pk).update(practice=True)
    category = b.category(cast.world.pupr)
    real_report, practice_report = (
        b.report(category=category, region=cast.world.kotabumi_pasar, received_at=now) for _ in range(2)
    )
    Report.objects.filter(pk=practice_report.pk).update(practice=True)
    return real_app, practice_app, real_report, practice_report


def test_the_reconciled_summaries_and_open_items_leave_practice_cases_out(cast: Cast) -> None:
    real_app, _practice_app, real_report, _practice_report = _twins(cast)
    services.facts_reconcile()
    assert ApplicationDaily.objects.aggregate(n=Sum("received"))["n"] == 1
    assert ReportDaily.objects.aggregate(n=Sum("received"))["n"] == 1
    open_items = set(OpenItem.objects.values_list("kind", "item_id"))
    assert open_items == {(Kind.APPLICATION, real_app.pk), (Kind.REPORT, real_report.pk)}


def test_refreshing_one_practice_case_counts_nothing_and_one_real_case_counts_once(cast: Cast) -> None:
    real_app, practice_app, real_report, practice_report = _twins(cast)
    services.items_refresh(kind=Kind.APPLICATION, ids=[practice_app.pk])
    services.items_refresh(kind=Kind.REPORT, ids=[practice_report.pk])
    assert not ApplicationDaily.objects.exists()
    assert not ReportDaily.objects.exists()
    assert not OpenItem.objects.exists()
    services.items_refresh(kind=Kind.APPLICATION, ids=[real_app.pk, practice_app.pk])
    services.items_refresh(kind=Kind.REPORT, ids=[real_report.pk, practice_report.pk])
    assert ApplicationDaily.objects.aggregate(n=Sum("received"))["n"] == 1
    assert ReportDaily.objects.aggregate(n=Sum("received"))["n"] == 1
    assert OpenItem.objects.count() == 2


def test_the_transparency_page_counts_the_real_case_only(client, cast: Cast) -> None:
    cache.clear()
    _twins(cast)
    services.facts_reconcile()
    assert _received(client.get("/transparansi/").content.decode(), "Izin jalan") == 1
    cache.clear()
    Application.objects.update(practice=False)  # both counted: the page would say 2
    services.facts_reconcile()
    assert _received(client.get("/transparansi/").content.decode(), "Izin jalan") == 2
