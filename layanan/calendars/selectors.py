"""Working days in WIB: Monday to Friday, less holidays and cuti bersama.

A day is a *working day* when it is Monday to Friday and none of these:

- a national holiday (``hari libur nasional``) as the ``holidays`` package
  gives it for Indonesia (``holidays.country_holidays("ID")``, public
  category);
- a :class:`~layanan.calendars.models.Holiday` row of kind ``cuti_bersama``
  or ``local`` that the administrator keeps. Rows of kind ``national`` are an
  informational copy and change nothing.

All arithmetic happens on the calendar of Asia/Jakarta (WIB), whatever the
time zone of the instants given. Results are aware datetimes in WIB.

**The clock's starting point.** A period counted in working days starts at
the *effective start* of an instant:

- on a working day during service hours (``OFFICE_OPENS`` 08:00 to
  ``OFFICE_CLOSES`` 16:00 WIB): the instant itself;
- on a working day before 08:00: that day at 08:00;
- on a working day from 16:00 on, or on any non-working day: the next working
  day at 08:00.

So a submission on Saturday (or on Friday evening) counts from Monday 08:00,
and a submission on Tuesday at 10:15 with 3 working days is due on Friday at
10:15. The holiday sets are cached per year, in the shared cache and in each
process (see :class:`_Local`); a call never queries the database per day.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time as clock
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import cache

from layanan.calendars.models import DAY_OFF_KINDS, Holiday

WIB = ZoneInfo("Asia/Jakarta")  # the regency's clock; the one definition, imported everywhere
OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(16, 0)

# Cache layout: a generation token, and one entry per (generation, year) with
# the administrator's days off. Saving or deleting a Holiday replaces the
# token, which retires every year entry at once in every process.
_GENERATION_KEY = "calendars:holidays:generation"
_YEAR_TIMEOUT = 24 * 60 * 60


@functools.lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[date, str]:
    """Indonesia's national holidays of ``year`` from the ``holidays`` package (fixed per process)."""
    return dict(holidays.country_holidays("ID", years=year).items())


def _shared_generation() -> str:
    token = cache.get(_GENERATION_KEY)
    if token is None:
        cache.add(_GENERATION_KEY, secrets.token_hex(8), None)
        token = cache.get(_GENERATION_KEY)
    return str(token)


class _Local:
    """This process's copy of the days off, per year, under the generation token it was read with.

    Every deadline of every submission reads the calendar: the shared token is looked at again
    at most every ``CALENDAR_CHECK_SECONDS`` (0: on every call), and the years are kept here
    until it changes. A change made in this process is seen at once (:func:`holidays_cache_clear`);
    one made in another process within that many seconds.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = ""
        self.checked_at = float("-inf")
        self.years: dict[int, frozenset[date]] = {}

    def generation_now(self) -> str:
        interval = float(getattr(settings, "CALENDAR_CHECK_SECONDS", 0))
        now = clock.monotonic()
        if interval > 0 and self.generation and now - self.checked_at < interval:
            return self.generation
        generation = _shared_generation()
        with self.lock:
            if generation != self.generation:
                self.generation, self.years = generation, {}
            self.checked_at = now
        return generation

    def forget(self) -> None:
        with self.lock:
            self.generation, self.checked_at, self.years = "", float("-inf"), {}


_local = _Local()


def holidays_cache_clear() -> None:
    """Forget the cached days off everywhere (every process reads the new generation token)."""
    _local.forget()
    cache.set(_GENERATION_KEY, secrets.token_hex(8), None)


def _admin_days_off(years: Iterable[int]) -> dict[int, frozenset[date]]:
    wanted = sorted(set(years))
    generation = _local.generation_now()
    known = _local.years
    if all(year in known for year in wanted):
        return {year: known[year] for year in wanted}
    result = _shared_days_off(generation, wanted)
    with _local.lock:
        if _local.generation == generation:
            _local.years.update(result)
    return result


def _shared_days_off(generation: str, wanted: list[int]) -> dict[int, frozenset[date]]:
    keys = {year: f"calendars:holidays:{generation}:{year}" for year in wanted}
    found = cache.get_many(keys.values())
    result: dict[int, frozenset[date]] = {}
    missing = [year for year in wanted if keys[year] not in found]
    for year in wanted:
        if keys[year] in found:
            result[year] = frozenset(found[keys[year]])
    if missing:
        loaded: dict[int, set[date]] = {year: set() for year in missing}
        rows = Holiday.objects.filter(
            kind__in=DAY_OFF_KINDS, date__gte=date(missing[0], 1, 1), date__lte=date(missing[-1], 12, 31)
        ).values_list("date", flat=True)
        for day in rows:
            if day.year in loaded:
                loaded[day.year].add(day)
        cache.set_many({keys[year]: sorted(days) for year, days in loaded.items()}, _YEAR_TIMEOUT)
        result.update({year: frozenset(days) for year, days in loaded.items()})
    return result


def holiday_dates(year: int) -> frozenset[date]:
    """The dates of ``year`` that are days off besides weekends: national holidays, cuti bersama
    and local holidays."""
    return frozenset(national_holidays(year)) | _admin_days_off([year])[year]


class _Calendar:
    """The days off of the years one computation touches, loaded once per year."""

    def __init__(self, years: Iterable[int] = ()) -> None:
        self._off: dict[int, frozenset[date]] = {}
        self.load(years)

    def load(self, years: Iterable[int]) -> None:
        missing = [year for year in set(years) if year not in self._off]
        if missing:
            for year, days in _admin_days_off(missing).items():
                self._off[year] = frozenset(national_holidays(year)) | days

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if day.year not in self._off:
            # Load a few years ahead at once: long periods cross year ends.
            self.load(range(day.year, day.year + 2))
        return day not in self._off[day.year]

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def _as_wib_date(day: date) -> date:
    if isinstance(day, datetime):
        return _to_wib(day).date()
    return day


def _to_wib(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("working-day arithmetic needs an aware datetime")
    return instant.astimezone(WIB)


def _effective_start(local: datetime, calendar: _Calendar) -> datetime:
    day = local.date()
    if calendar.is_working_day(day):
        if local.time() < OFFICE_OPENS:
            return datetime.combine(day, OFFICE_OPENS, tzinfo=WIB)
        if local.time() < OFFICE_CLOSES:
            return local
    return datetime.combine(calendar.next_working_day(day), OFFICE_OPENS, tzinfo=WIB)


def is_working_day(day: date) -> bool:
    """Whether ``day`` (a date, or an aware datetime taken in WIB) is a working day."""
    day = _as_wib_date(day)
    return _Calendar([day.year]).is_working_day(day)


def effective_start(instant: datetime) -> datetime:
    """The WIB instant from which working days are counted (see the module's rule)."""
    local = _to_wib(instant)
    return _effective_start(local, _Calendar([local.year]))


def add_working_days(instant: datetime, n: int) -> datetime:
    """The instant ``n`` working days after ``instant``, in WIB.

    The count starts at the effective start (the instant itself during service
    hours on a working day, otherwise the next opening at 08:00 WIB) and the
    result is that time of day on the n-th working day after the start's day.
    ``n == 0`` gives the effective start. Examples (WIB):

    - Tuesday 10:15 + 3 → Friday 10:15;
    - Friday 10:00 + 1 → Monday 10:00;
    - Saturday 10:00 + 1 → Tuesday 08:00 (counted from Monday 08:00);
    - Thursday 17:30 + 1 → Monday 08:00 (counted from Friday 08:00).
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    local = _to_wib(instant)
    # Every year the period can reach, read at once (n working days span at
    # most about 1.5 n calendar days, plus the longest holiday break).
    horizon = local + timedelta(days=n * 3 // 2 + 21)
    calendar = _Calendar(range(local.year, horizon.year + 1))
    start = _effective_start(local, calendar)
    day = start.date()
    for _ in range(n):
        day = calendar.next_working_day(day)
    return datetime.combine(day, start.time(), tzinfo=WIB)


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days from ``start`` to ``end``: the largest ``k`` with
    ``add_working_days(start, k) <= end`` (0 when ``end`` is not later).

    So ``working_days_between(s, add_working_days(s, n)) == n`` for every
    ``n >= 0``, and one microsecond earlier it is ``n - 1``.
    """
    local_start = _to_wib(start)
    local_end = _to_wib(end)
    calendar = _Calendar(range(local_start.year, max(local_start.year, local_end.year) + 1))
    return _count_working_days(local_start, local_end, calendar)


def _count_working_days(local_start: datetime, local_end: datetime, calendar: _Calendar) -> int:
    begin = _effective_start(local_start, calendar)
    if local_end <= begin:
        return 0
    count = 0
    day = begin.date() + timedelta(days=1)
    last = local_end.date()
    while day <= last:
        if calendar.is_working_day(day):
            count += 1
        day += timedelta(days=1)
    if last > begin.date() and calendar.is_working_day(last) and local_end.time() < begin.time():
        count -= 1
    return count


class WorkingDayCounter:
    """:func:`working_days_between` for many pairs, reading the days off once.

    Each call of ``working_days_between`` loads the days off of its years (a
    cache round trip), which is most of its cost; a computation over many
    pairs (the monitoring summaries count millions) keeps one counter instead.
    Days off changed in the admin after the counter was made are not seen.
    """

    def __init__(self) -> None:
        self._calendar = _Calendar()

    def __call__(self, start: datetime, end: datetime) -> int:
        return _count_working_days(_to_wib(start), _to_wib(end), self._calendar)
