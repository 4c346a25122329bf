"""Each process keeps the days off it read, and sees an administrator's change in time."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layanan.calendars import selectors
from layanan.calendars.models import Holiday
from layanan.calendars.selectors import WIB, add_working_days, holidays_cache_clear, is_working_day

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:00 WIB; Tuesday 3 March becomes a local holiday in these tests.
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=WIB)
TUESDAY = date(2026, 3, 3)


class _CountingCache:
    """The cache, counting the reads the calendar makes."""

    def __init__(self) -> None:
        self.reads = 0

    def get(self, *args: object, **kwargs: object) -> object:
        self.reads += 1
        return cache.get(*args, **kwargs)  # type: ignore[arg-type]

    def get_many(self, *args: object, **kwargs: object) -> object:
        self.reads += 1
        return cache.get_many(*args, **kwargs)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(cache, name)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> _CountingCache:
    counted = _CountingCache()
    monkeypatch.setattr(selectors, "cache", counted)
    holidays_cache_clear()
    return counted


def _another_process_saves_a_holiday() -> None:
    """What a Holiday saved by another process leaves here: the row, and a new shared token."""
    Holiday.objects.bulk_create([Holiday(date=TUESDAY, name="Hari jadi", kind=Holiday.Kind.LOCAL)])
    cache.set(selectors._GENERATION_KEY, secrets.token_hex(8), None)


def test_within_the_interval_the_calendar_reads_neither_the_cache_nor_the_database(
    settings: LazySettings, counting: _CountingCache
) -> None:
    settings.CALENDAR_CHECK_SECONDS = 60
    first = add_working_days(MONDAY, 3)
    reads = counting.reads
    assert reads > 0
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert add_working_days(MONDAY, 3) == first
    assert counting.reads == reads
    assert len(queries) == 0


def test_with_no_interval_every_call_looks_at_the_shared_token_and_sees_another_process_change(
    settings: LazySettings, counting: _CountingCache
) -> None:
    settings.CALENDAR_CHECK_SECONDS = 0
    assert is_working_day(TUESDAY)
    _another_process_saves_a_holiday()
    assert not is_working_day(TUESDAY)
    assert add_working_days(MONDAY, 1) == datetime(2026, 3, 4, 10, 0, tzinfo=WIB)


def test_another_process_change_is_seen_once_the_interval_has_passed(
    settings: LazySettings, counting: _CountingCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CALENDAR_CHECK_SECONDS = 10
    now = [1000.0]
    monkeypatch.setattr(selectors.clock, "monotonic", lambda: now[0])
    assert is_working_day(TUESDAY)
    _another_process_saves_a_holiday()
    now[0] += 5
    assert is_working_day(TUESDAY)  # the copy is at most CALENDAR_CHECK_SECONDS old
    now[0] += 6
    assert not is_working_day(TUESDAY)


def test_a_holiday_saved_in_this_process_is_seen_at_once_whatever_the_interval(
    settings: LazySettings, counting: _CountingCache
) -> None:
    settings.CALENDAR_CHECK_SECONDS = 3600
    assert add_working_days(MONDAY, 1) == datetime(2026, 3, 3, 10, 0, tzinfo=WIB)
    Holiday.objects.create(date=TUESDAY, name="Hari jadi", kind=Holiday.Kind.LOCAL)
    assert add_working_days(MONDAY, 1) == datetime(2026, 3, 4, 10, 0, tzinfo=WIB)
    Holiday.objects.filter(date=TUESDAY).delete()
    assert add_working_days(MONDAY, 1) == datetime(2026, 3, 3, 10, 0, tzinfo=WIB)
