"""``WorkingDayCounter`` (one calendar for many pairs) gives exactly what ``working_days_between`` gives."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from layanan.calendars.models import Holiday
from layanan.calendars.selectors import WIB, WorkingDayCounter, holidays_cache_clear, working_days_between

pytestmark = pytest.mark.django_db


def test_the_counter_counts_the_same_working_days_as_the_calendar_across_holidays_and_year_ends() -> None:
    Holiday.objects.create(date=date(2025, 12, 24), name="Cuti bersama Natal", kind=Holiday.Kind.CUTI_BERSAMA)
    Holiday.objects.create(date=date(2026, 3, 3), name="Hari jadi kabupaten", kind=Holiday.Kind.LOCAL)
    holidays_cache_clear()
    counter = WorkingDayCounter()
    rng = random.Random(7)
    origin = datetime(2025, 11, 1, tzinfo=WIB)
    for _ in range(400):
        start = origin + timedelta(minutes=rng.randrange(0, 200 * 24 * 60))
        end = start + timedelta(minutes=rng.randrange(-3 * 24 * 60, 60 * 24 * 60))
        assert counter(start, end) == working_days_between(start, end), (start, end)


def test_the_counter_counts_a_whole_working_week_from_a_monday_morning_as_five_days() -> None:
    monday = datetime(2026, 2, 2, 9, 0, tzinfo=WIB)
    assert WorkingDayCounter()(monday, monday + timedelta(days=7)) == 5
