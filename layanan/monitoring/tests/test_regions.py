"""Where an application is counted: its desa answer, else the applicant's home desa, else its office's region.

Citizens who registered themselves may have no home desa; their applications must still reach the
per-kecamatan figures (or "Tanpa wilayah"), and the grid, the kecamatan table and the CSV must agree.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.applications.tests.builders import citizen, village_letter
from layanan.monitoring import selectors, services
from layanan.monitoring.models import OpenItem
from layanan.monitoring.selectors import Period
from layanan.monitoring.services import application_place, wib_day
from layanan.monitoring.tests import builders as b

pytestmark = pytest.mark.django_db

TANJUNG_RAJA_DESA = "18.03.04.2009"


def test_the_place_is_the_desa_answer_then_the_home_desa_then_a_desa_or_kecamatan_office():
    answers = '{"desa": "18.03.04.2009", "nama": "Putri"}'
    assert application_place(answers=answers, home_region="18.03.02.1005", office_region="18.03") == (
        TANJUNG_RAJA_DESA
    )
    assert application_place(answers="", home_region="18.03.02.1005", office_region="18.03.04.2009") == (
        "18.03.02.1005"
    )
    assert (
        application_place(answers="{}", home_region=None, office_region="18.03.04.2009") == TANJUNG_RAJA_DESA
    )
    assert application_place(answers="", home_region=None, office_region="18.03.04") == "18.03.04"
    # An agency's region is the regency: it names no kecamatan, so the case has no place.
    assert application_place(answers="", home_region=None, office_region="18.03") == ""
    # A malformed or non-desa answer is ignored, never trusted.
    assert application_place(answers='{"desa": "18.03"}', home_region=None, office_region=None) == ""
    assert application_place(answers="not json", home_region=None, office_region=None) == ""


@pytest.fixture
def placed(cast):
    """Five applications of yesterday: a self-registered citizen (no home desa) and Siti (Kotabumi)."""
    now = timezone.now()
    newcomer = citizen(name="Warga Baru")  # registered herself: no home desa
    letter = village_letter(desa_field=True)
    ktp = b.service(name="KTP-el", office=cast.world.disdukcapil)

    def made(of, applicant, office, answers=None):
        application = b.application(
            of=of, applicant=applicant, office=office, submitted_at=now - timedelta(days=1), due_at=now
        )
        if answers is not None:
            application.answers = answers
            application.save(update_fields=["answers_sealed"])
        return application

    # The letter is about Tanjung Raja desa: counted there, whoever asks.
    made(letter, newcomer, cast.world.desa_tanjung_raja, {"desa": TANJUNG_RAJA_DESA})
    made(letter, cast.siti, cast.world.desa_tanjung_raja, {"desa": TANJUNG_RAJA_DESA})
    # No desa answer and no home desa, but a desa office: that desa.
    made(letter, newcomer, cast.world.desa_tanjung_raja, {})
    # A Dukcapil document: the home desa (Siti: Kotabumi) or nothing (the newcomer).
    made(ktp, cast.siti, cast.world.disdukcapil)
    made(ktp, newcomer, cast.world.disdukcapil)
    services.facts_reconcile()
    day = wib_day(now - timedelta(days=1))
    return Period(day, wib_day(now))


def test_self_registered_citizens_are_counted_in_the_kecamatan_of_their_application(cast, placed):
    grid = {cell.name: cell.value for cell in selectors.kecamatan_grid(actor=cast.bupati, period=placed)}

    assert grid["Tanjung Raja"] == 3
    assert grid["Kotabumi"] == 1
    assert grid["Tanpa wilayah"] == 1  # the newcomer's KTP-el: shown, not dropped
    assert sum(grid.values()) == 5
    # The open items (backlog, breaches) use the same places.
    assert sorted(OpenItem.objects.values_list("kecamatan_code", flat=True)) == [
        "",
        "18.03.02",
        "18.03.04",
        "18.03.04",
        "18.03.04",
    ]


def test_the_grid_the_kecamatan_table_and_the_csv_export_agree(client, cast, placed):
    sign_in(client, cast.bupati)
    query = {"dari": placed.start.isoformat(), "sampai": placed.end.isoformat()}

    regions_page = client.get(reverse("monitoring:regions"), query)
    table = client.get(reverse("monitoring:applications"), {**query, "kelompok": "kecamatan"})
    exported = client.get(reverse("monitoring:export", args=["wilayah", "csv"]), query)
    by_kecamatan = client.get(
        reverse("monitoring:export", args=["layanan", "csv"]), {**query, "kelompok": "kecamatan"}
    )

    assert regions_page.status_code == table.status_code == exported.status_code == 200
    assert "Tanpa wilayah" in regions_page.content.decode()
    assert "Tanpa wilayah" in table.content.decode()
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[1:]
    per_kecamatan: dict[str, int] = {}
    for name, _service, received in rows:
        per_kecamatan[name] = per_kecamatan.get(name, 0) + int(received)
    assert per_kecamatan == {"Kotabumi": 1, "Tanjung Raja": 3, "Tanpa wilayah": 1}
    assert rows[-1][0] == "Tanpa wilayah"  # listed after the named kecamatan
    board = list(csv.reader(io.StringIO(by_kecamatan.content.decode("utf-8-sig"))))[1:]
    assert {row[0]: int(row[1]) for row in board} == per_kecamatan
    grid = {cell.name: cell.value for cell in selectors.kecamatan_grid(actor=cast.bupati, period=placed)}
    assert {name: n for name, n in grid.items() if n} == per_kecamatan


def test_a_citizen_is_refused_the_region_export(client, cast, placed):
    sign_in(client, cast.siti)
    assert client.get(reverse("monitoring:export", args=["wilayah", "csv"])).status_code == 403
    assert client.get(reverse("monitoring:regions")).status_code == 403
