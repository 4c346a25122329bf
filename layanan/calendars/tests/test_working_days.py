"""Working-day arithmetic on the 2026 and 2027 calendars (national holidays from the
``holidays`` package, cuti bersama from the SKB 3 Menteri)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from layanan.calendars.models import Holiday
from layanan.calendars.selectors import (
    WIB,
    add_working_days,
    effective_start,
    holiday_dates,
    is_working_day,
    working_days_between,
)
from layanan.calendars.tests.builders import SKB_CUTI_BERSAMA, load_skb_cuti_bersama, make_holiday, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def skb() -> None:
    load_skb_cuti_bersama()


@pytest.fixture
def no_cuti_bersama() -> None:
    Holiday.objects.all().delete()


def test_the_holidays_package_gives_the_dates_these_tests_rely_on() -> None:
    national = holidays.country_holidays("ID", years=[2026, 2027])
    assert national.get(date(2026, 3, 21)) == "Hari Raya Idul Fitri"
    assert national.get(date(2026, 3, 22)) == "Hari kedua dari Hari Raya Idul Fitri"
    assert national.get(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert national.get(date(2026, 12, 25)) == "Hari Raya Natal"
    assert national.get(date(2027, 3, 10)) == "Hari Raya Idul Fitri (perkiraan)"
    assert national.get(date(2027, 3, 11)) == "Hari kedua dari Hari Raya Idul Fitri (perkiraan)"
    assert national.get(date(2027, 3, 8)) == "Hari Suci Nyepi"
    assert date(2026, 3, 20) not in national  # a cuti bersama day, not a national holiday


def test_every_national_holiday_of_2026_and_2027_is_a_day_off(no_cuti_bersama: None) -> None:
    for day in holidays.country_holidays("ID", years=[2026, 2027]):
        assert not is_working_day(day), day
        assert day in holiday_dates(day.year)


def test_weekdays_are_working_days_and_weekends_are_not(no_cuti_bersama: None) -> None:
    assert is_working_day(date(2026, 6, 8))  # Monday
    assert is_working_day(date(2026, 6, 12))  # Friday
    assert not is_working_day(date(2026, 6, 13))  # Saturday
    assert not is_working_day(date(2026, 6, 14))  # Sunday


def test_independence_day_2026_is_a_monday_off() -> None:
    assert date(2026, 8, 17).weekday() == 0
    assert not is_working_day(date(2026, 8, 17))
    assert add_working_days(wib(2026, 8, 14), 1) == wib(2026, 8, 18)


def test_a_friday_plus_one_working_day_is_the_monday() -> None:
    assert add_working_days(wib(2026, 6, 5, 10, 30), 1) == wib(2026, 6, 8, 10, 30)


def test_a_tuesday_plus_three_working_days_is_the_friday_at_the_same_time() -> None:
    assert add_working_days(wib(2026, 6, 9, 10, 15), 3) == wib(2026, 6, 12, 10, 15)


def test_the_cuti_bersama_days_of_the_skb_are_days_off(skb: None) -> None:
    for day in SKB_CUTI_BERSAMA:
        assert not is_working_day(day), day


def test_idul_fitri_2026_with_its_cuti_bersama_is_one_long_break(skb: None) -> None:
    # Wed 18 cuti bersama, Thu 19 Nyepi, Fri 20 cuti bersama, Sat 21 and Sun 22 Idul Fitri,
    # Mon 23 and Tue 24 cuti bersama: Tuesday 17 + 1 working day is Wednesday 25.
    assert add_working_days(wib(2026, 3, 17), 1) == wib(2026, 3, 25)
    assert working_days_between(wib(2026, 3, 17), wib(2026, 3, 25)) == 1


def test_without_the_cuti_bersama_only_nyepi_and_the_weekend_are_off(no_cuti_bersama: None) -> None:
    assert add_working_days(wib(2026, 3, 17), 1) == wib(2026, 3, 18)
    assert add_working_days(wib(2026, 3, 18), 1) == wib(2026, 3, 20)
    assert add_working_days(wib(2026, 3, 20), 1) == wib(2026, 3, 23)


def test_idul_fitri_2027_with_its_cuti_bersama(skb: None) -> None:
    # Mon 8 Nyepi, Tue 9 cuti bersama, Wed 10 and Thu 11 Idul Fitri, Fri 12 and Mon 15 cuti bersama.
    assert add_working_days(wib(2027, 3, 5), 1) == wib(2027, 3, 16)
    assert add_working_days(wib(2027, 3, 5), 2) == wib(2027, 3, 17)


def test_christmas_2026_and_2027(skb: None) -> None:
    # 2026: Thu 24 cuti bersama, Fri 25 Christmas.
    assert add_working_days(wib(2026, 12, 23), 1) == wib(2026, 12, 28)
    # 2027: Fri 24 cuti bersama, Sat 25 Christmas.
    assert add_working_days(wib(2027, 12, 23), 1) == wib(2027, 12, 27)


def test_counting_crosses_the_new_year() -> None:
    # Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 is New Year's Day.
    assert add_working_days(wib(2026, 12, 31), 1) == wib(2027, 1, 4)
    assert working_days_between(wib(2026, 12, 31), wib(2027, 1, 4)) == 1


def test_sixty_working_days_across_idul_fitri_2026(skb: None) -> None:
    # Count by hand from the package's holidays and the SKB rows, independently of the code.
    off = set(holidays.country_holidays("ID", years=[2026])) | set(SKB_CUTI_BERSAMA)
    day, left = date(2026, 2, 2), 60
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    assert add_working_days(wib(2026, 2, 2), 60) == wib(day.year, day.month, day.day)
    assert working_days_between(wib(2026, 2, 2), wib(day.year, day.month, day.day)) == 60


def test_a_submission_on_saturday_counts_from_monday_at_opening() -> None:
    assert effective_start(wib(2026, 6, 6, 10)) == wib(2026, 6, 8, 8)
    assert add_working_days(wib(2026, 6, 6, 10), 0) == wib(2026, 6, 8, 8)
    assert add_working_days(wib(2026, 6, 6, 10), 1) == wib(2026, 6, 9, 8)


def test_a_submission_after_office_hours_counts_from_the_next_working_day() -> None:
    # Thursday 17:30 starts Friday 08:00; + 1 is Monday 08:00.
    assert add_working_days(wib(2026, 6, 4, 17, 30), 1) == wib(2026, 6, 8, 8)
    # 16:00 sharp is already closed, 15:59 is not.
    assert add_working_days(wib(2026, 6, 9, 16, 0), 1) == wib(2026, 6, 11, 8)
    assert add_working_days(wib(2026, 6, 9, 15, 59), 1) == wib(2026, 6, 10, 15, 59)


def test_a_submission_before_opening_counts_from_opening_that_day() -> None:
    assert add_working_days(wib(2026, 6, 9, 6, 0), 1) == wib(2026, 6, 10, 8)


def test_a_submission_on_a_holiday_counts_from_the_next_working_day() -> None:
    assert add_working_days(wib(2026, 8, 17, 9), 1) == wib(2026, 8, 19, 8)


def test_instants_in_utc_are_taken_in_wib() -> None:
    # 20:00 UTC on Thursday 4 June is 03:00 WIB on Friday 5 June: before opening on Friday.
    result = add_working_days(datetime(2026, 6, 4, 20, 0, tzinfo=UTC), 1)
    assert result == wib(2026, 6, 8, 8)
    assert result.tzinfo == WIB
    # 09:00 WIB on Friday given as 02:00 UTC.
    assert add_working_days(datetime(2026, 6, 5, 2, 0, tzinfo=UTC), 1) == wib(2026, 6, 8, 9)


def test_a_naive_instant_or_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_days(datetime(2026, 6, 5, 10, 0), 1)
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(wib(2026, 6, 5), -1)


def test_working_days_between_counts_whole_days_only() -> None:
    start = wib(2026, 6, 9, 10)  # Tuesday
    assert working_days_between(start, wib(2026, 6, 10, 9, 59)) == 0
    assert working_days_between(start, wib(2026, 6, 10, 10)) == 1
    assert working_days_between(start, wib(2026, 6, 13, 12)) == 3  # Saturday counts Wed, Thu, Fri
    assert working_days_between(start, wib(2026, 6, 1)) == 0  # an earlier end is no time


def test_working_days_between_undoes_add_working_days_on_many_instants(skb: None) -> None:
    rng = random.Random(20260317)  # fixed seed: the same instants every run
    origin = datetime(2025, 12, 1, tzinfo=UTC)
    for _ in range(250):
        start = origin + timedelta(minutes=rng.randrange(0, 60 * 24 * 700))
        n = rng.randrange(0, 70)
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n, (start, n)
        if n:
            assert working_days_between(start, end - timedelta(microseconds=1)) == n - 1, (start, n)
        assert is_working_day(end.date())


def test_a_local_holiday_moves_a_deadline_and_deleting_it_moves_it_back() -> None:
    start = wib(2026, 9, 3)  # Thursday
    assert add_working_days(start, 2) == wib(2026, 9, 7)
    holiday = make_holiday(date(2026, 9, 7))
    assert add_working_days(start, 2) == wib(2026, 9, 8)
    holiday.delete()
    assert add_working_days(start, 2) == wib(2026, 9, 7)


def test_a_national_row_is_only_informational(no_cuti_bersama: None) -> None:
    make_holiday(date(2026, 9, 7), kind=Holiday.Kind.NATIONAL, name="Salinan")
    assert is_working_day(date(2026, 9, 7))


def test_a_long_period_reads_the_database_once_and_then_not_at_all(
    skb: None, django_assert_num_queries: object
) -> None:
    start = wib(2026, 1, 5)
    with django_assert_num_queries(1):  # type: ignore[operator]
        end = add_working_days(start, 400)
    assert end.year == 2027
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert working_days_between(start, end) == 400
