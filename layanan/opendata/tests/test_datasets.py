"""The data sets' rows come from the summary tables, for whole periods only, and hold no personal data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from layanan.applications.models import Status
from layanan.monitoring import services as monitoring
from layanan.monitoring.tests import builders as m
from layanan.opendata import datasets, services
from layanan.opendata.models import Snapshot
from layanan.opendata.registry import CODE, COUNT, DERIVED, KINDS, LABEL, PERIOD
from layanan.opendata.registry import datasets as registered
from layanan.opendata.tests import builders

pytestmark = pytest.mark.django_db

KOTABUMI = "18.03.02"


def test_applications_are_summed_per_month_service_office_and_kecamatan_over_their_desa(cast):
    office = cast.world.disdukcapil
    service = builders.service(office)
    for desa, received, completed, on_time in (("2001", 4, 3, 3), ("2002", 6, 5, 2)):
        builders.application_month(
            month=date(2026, 3, 1), service=service, office=office, kecamatan=KOTABUMI, desa=desa,
            received=received, completed=completed, on_time=on_time,
        )  # fmt: skip
    [row] = datasets.application_rows()
    assert row["bulan"] == "2026-03"
    assert row["kode_layanan"] == service.slug
    assert row["kode_kantor"] == office.code
    assert row["kode_kecamatan"] == KOTABUMI
    assert row["nama_kecamatan"] == cast.world.kotabumi.name
    assert (row["diterima"], row["selesai"], row["selesai_tepat_waktu"]) == (10, 8, 5)
    assert row["persen_tepat_waktu"] == 62.5
    assert row["median_hari_kerja"] == 3


def test_only_months_that_have_ended_are_published(cast):
    office = cast.world.disdukcapil
    service = builders.service(office)
    this_month = datasets.today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        builders.application_month(
            month=month, service=service, office=office, kecamatan=KOTABUMI, received=9
        )
    assert [row["bulan"] for row in datasets.application_rows()] == [last_month.strftime("%Y-%m")]


def test_cases_without_a_place_are_counted_under_tanpa_wilayah(cast):
    office = cast.world.pupr
    builders.application_month(
        month=date(2026, 3, 1), service=builders.service(office), office=office, kecamatan="", received=7
    )
    [row] = datasets.application_rows()
    assert (row["kode_kecamatan"], row["nama_kecamatan"], row["diterima"]) == ("", "Tanpa wilayah", 7)


def test_reports_carry_the_median_working_days_to_verify_and_to_answer(cast):
    category = builders.category(cast.world.pupr)
    builders.report_month(
        month=date(2026, 4, 1), category=category, kecamatan=KOTABUMI,
        received=12, verified=8, answered=6, on_time=3, answer_days=7,
    )  # fmt: skip
    [row] = datasets.report_rows()
    assert (row["kode_kategori"], row["diterima"], row["dijawab"]) == (category.slug, 12, 6)
    assert row["persen_dijawab_tepat_waktu"] == 50.0
    assert (row["median_hari_kerja_verifikasi"], row["median_hari_kerja_jawaban"]) == (1, 7)


def test_the_ikm_is_per_office_and_ended_quarter(cast):
    builders.survey_answers(office=cast.world.disdukcapil, period=date(2026, 5, 2), count=3, score=4)
    builders.survey_answers(office=cast.world.disdukcapil, period=date(2026, 6, 30), count=3, score=3)
    builders.survey_answers(office=cast.world.disdukcapil, period=datasets.today(), count=9)
    [row] = datasets.ikm_rows()
    assert (row["triwulan"], row["kode_kantor"], row["responden"]) == ("2026-Q2", "disdukcapil", 6)
    assert row["ikm"] == 87.5
    assert row["mutu"] == "B"


def test_quarters_and_months_end_where_the_calendar_says():
    assert datasets.ended_quarters(date(2025, 11, 5), now=date(2026, 4, 1)) == [
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ]
    assert datasets.ended_months(date(2026, 3, 9), now=date(2026, 3, 31)) is None
    period = datasets.ended_months(date(2026, 1, 9), now=date(2026, 3, 1))
    assert period is not None
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 2, 28))


def test_every_column_is_an_aggregate_or_a_reference_never_free_text():
    for dataset in registered():
        for column in dataset.columns:
            assert column.kind in KINDS
            if column.kind == LABEL:  # names of services, offices, categories and regions only
                assert column.name.startswith("nama_"), column.name
            if column.kind in (COUNT, DERIVED):
                assert column.datatype in ("integer", "decimal") or column.name == "mutu"
        assert {column.kind for column in dataset.columns} >= {PERIOD, CODE, COUNT}


def test_no_personal_data_reaches_a_published_copy(cast):
    """Real applications and reports of a citizen with a distinctive name, summed and published."""
    siti = cast.siti
    siti.full_name = "Sitinurbaya Kuswandari"
    siti.save(update_fields=["full_name"])
    office = cast.world.disdukcapil
    service = m.service(name="Akta Uji", office=office)
    moment = m.wib(2026, 3, 10, 9)
    built = [
        m.application(
            of=service,
            applicant=siti,
            office=office,
            submitted_at=moment,
            due_at=moment + timedelta(days=9),
            status=Status.COMPLETED,
            decided_at=moment + timedelta(days=2),
        )
        for _ in range(6)
    ]
    category = m.category(office)
    report = m.report(
        category=category, region=cast.world.kotabumi_pasar, received_at=moment, creator=siti,
        answered_at=moment + timedelta(days=3),
    )  # fmt: skip
    monitoring.facts_rebuild_range(first=date(2026, 3, 1), last=date(2026, 3, 31))
    services.snapshots_refresh()
    published = " ".join(copy.csv + copy.json for copy in Snapshot.objects.all())
    assert "Akta Uji" in published  # the figures are there
    secrets = [
        siti.full_name,
        siti.email,
        siti.phone,
        built[0].tracking_number,
        report.tracking_number,
        report.text,
    ]
    for secret in filter(None, secrets):
        assert secret not in published, secret
