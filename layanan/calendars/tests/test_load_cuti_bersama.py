"""The cuti bersama file and its loader."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import holidays
import pytest
from django.core.management import CommandError, call_command

from layanan.calendars.models import Holiday
from layanan.calendars.selectors import is_working_day
from layanan.calendars.tests.builders import SKB_CUTI_BERSAMA

pytestmark = pytest.mark.django_db


def test_it_loads_the_skb_cuti_bersama_and_a_second_run_changes_nothing() -> None:
    Holiday.objects.all().delete()
    out = StringIO()

    call_command("load_cuti_bersama", stdout=out)
    call_command("load_cuti_bersama", stdout=out)

    loaded = sorted(Holiday.objects.filter(kind=Holiday.Kind.CUTI_BERSAMA).values_list("date", flat=True))
    assert loaded == SKB_CUTI_BERSAMA
    assert f"{len(SKB_CUTI_BERSAMA)} created" in out.getvalue()
    assert f"0 created, 0 updated, {len(SKB_CUTI_BERSAMA)} unchanged" in out.getvalue()
    assert not is_working_day(date(2026, 3, 23))


def test_the_file_agrees_with_the_government_days_the_holidays_package_lists() -> None:
    government = holidays.country_holidays("ID", years=[2026, 2027], categories=("government",))
    assert sorted(government) == SKB_CUTI_BERSAMA


def test_with_national_it_copies_the_national_holidays_as_information_only() -> None:
    call_command("load_cuti_bersama", "--with-national", stdout=StringIO())

    national = Holiday.objects.filter(kind=Holiday.Kind.NATIONAL)
    assert national.filter(date=date(2026, 8, 17)).exists()
    assert national.count() == len(holidays.country_holidays("ID", years=[2026, 2027]))


def test_it_loads_a_local_holiday_from_a_fourth_column(tmp_path: Path) -> None:
    path = tmp_path / "libur.csv"
    path.write_text("# comment\ndate,name,basis,kind\n2026-09-07,Libur daerah,Keputusan Bupati,local\n")

    call_command("load_cuti_bersama", "--file", str(path), stdout=StringIO())

    assert Holiday.objects.get(date=date(2026, 9, 7)).kind == Holiday.Kind.LOCAL
    assert not is_working_day(date(2026, 9, 7))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("07-09-2026,Libur,x", "YYYY-MM-DD"),
        ("2026-09-07,,x", "name is empty"),
        ("2026-09-07,Libur,x,national", "kind must be"),
    ],
)
def test_it_refuses_a_malformed_row_and_loads_nothing(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "libur.csv"
    path.write_text(f"date,name,basis,kind\n2026-09-08,Baik,x,local\n{line}\n")

    with pytest.raises(CommandError, match=message):
        call_command("load_cuti_bersama", "--file", str(path), stdout=StringIO())

    assert not Holiday.objects.filter(date=date(2026, 9, 8)).exists()
