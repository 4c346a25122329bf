"""Builders for calendar tests."""

from __future__ import annotations

from datetime import date, datetime, time

from layanan.calendars.models import Holiday
from layanan.calendars.selectors import WIB
from layanan.calendars.services import HolidayLoadResult, HolidayRow, holiday_save, holidays_load

# The SKB 3 Menteri cuti bersama of 2026 and 2027, as data/cuti_bersama.csv has them.
SKB_CUTI_BERSAMA = [
    date(2026, 2, 16),
    date(2026, 3, 18),
    date(2026, 3, 20),
    date(2026, 3, 23),
    date(2026, 3, 24),
    date(2026, 5, 15),
    date(2026, 5, 28),
    date(2026, 12, 24),
    date(2027, 2, 5),
    date(2027, 3, 9),
    date(2027, 3, 12),
    date(2027, 3, 15),
    date(2027, 3, 25),
    date(2027, 5, 18),
    date(2027, 5, 19),
    date(2027, 12, 24),
]


def wib(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(date(year, month, day), time(hour, minute), tzinfo=WIB)


def load_skb_cuti_bersama() -> HolidayLoadResult:
    """The seeded rows, loaded again so a test does not depend on the data migration's rows surviving."""
    return holidays_load(
        actor=None, rows=[HolidayRow(date=day, name="Cuti bersama") for day in SKB_CUTI_BERSAMA]
    )


def make_holiday(day: date, *, kind: str = Holiday.Kind.LOCAL, name: str = "Libur daerah uji") -> Holiday:
    return holiday_save(actor=None, holiday=Holiday(date=day, kind=kind, name=name))
