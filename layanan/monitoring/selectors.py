"""What the dashboards show, read from the summary tables and scoped to the actor.

Every function takes the actor and requires ``dashboard.read``; rows are narrowed
with ``permissions.scope(..., via="office")``, so the Bupati and administrators
see the whole regency and an agency head (a leader with an office) only that
office's figures. The public transparency page uses :func:`public_figures`,
which returns aggregate counts only.

Definitions (also in ``docs/monitoring.md``):

- *received*: applications submitted (reports filed) in the period;
- *completed*: applications completed in the period; *on time*: completed no
  later than their deadline (``due_at``, which already includes the paused days);
- *lead time*: whole working days (WIB, holidays and cuti bersama excluded) from
  submission to completion; the median and the 90th percentile are read from the
  daily histograms (nearest rank; the last bucket means "31 or more");
- *trend*: the same figure in the previous period of equal length;
- *rank*: by on-time share, only for groups with at least ``MONITORING_MIN_SAMPLE``
  completed cases in the period (fewer: no rank, the counts still shown).

A period is read from the coarsest rows that cover it (:func:`cover`): whole years from
the yearly rollups, whole months from the monthly ones, the ragged edges from the daily
rows, in one ``UNION ALL`` query per figure; the rollups are sums of the daily rows
(histograms included), so the figures are the same as from the daily rows alone.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from layanan.accounts.models import User
from layanan.accounts.permissions import Actor, jurisdiction, require, scope
from layanan.agencies.models import Office
from layanan.calendars.selectors import WIB
from layanan.catalogue.models import Service
from layanan.complaints.models import Category, Report
from layanan.monitoring.models import (
    APPLICATION_COUNTS,
    DIMS_COLUMNS,
    LEAD_TIME_OVERFLOW,
    REPORT_COUNTS,
    ApplicationDaily,
    ApplicationLeadTime,
    ApplicationLeadTimeRollup,
    ApplicationRollup,
    Dims,
    Grain,
    Kind,
    OfficerDaily,
    OpenItem,
    ReportDaily,
    ReportLeadTime,
    ReportLeadTimeRollup,
    ReportRollup,
)
from layanan.monitoring.services import DAY_SETS, ROLLUP_SETS, month_start, period_after, wib_day
from layanan.notifications.selectors import delivery_figures
from layanan.regions.models import Region
from layanan.survey.selectors import ikm_by, ikm_by_public

AppGroup = Literal["service", "office", "kecamatan", "desa"]
ReportGroup = Literal["category", "office", "kecamatan", "desa"]
APP_GROUPS: tuple[AppGroup, ...] = ("service", "office", "kecamatan", "desa")
REPORT_GROUPS: tuple[ReportGroup, ...] = ("category", "office", "kecamatan", "desa")
_COLUMN = {
    "service": "service_id",
    "category": "category_id",
    "office": "office_id",
    "kecamatan": "kecamatan_code",
    "desa": "desa_code",
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    service_id: int | None = None
    category_id: int | None = None
    office_id: int | None = None
    kecamatan_code: str = ""

    def apply(self, rows: QuerySet[Any], *, kind: str) -> QuerySet[Any]:
        if kind == Kind.APPLICATION and self.service_id:
            rows = rows.filter(service_id=self.service_id)
        if kind == Kind.REPORT and self.category_id:
            rows = rows.filter(category_id=self.category_id)
        if self.office_id:
            rows = rows.filter(office_id=self.office_id)
        if self.kecamatan_code:
            rows = rows.filter(kecamatan_code=self.kecamatan_code)
        return rows

    def columns(self, kind: str) -> set[str]:
        """The summary columns :meth:`apply` filters on."""
        used = {
            "service_id": kind == Kind.APPLICATION and bool(self.service_id),
            "category_id": kind == Kind.REPORT and bool(self.category_id),
            "office_id": bool(self.office_id),
            "kecamatan_code": bool(self.kecamatan_code),
        }
        return {column for column, on in used.items() if on}


NO_FILTERS = Filters()


# --- reading a period from the coarsest rows ----------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """How a period is read: day ranges from the daily rows, month and year starts from the rollups."""

    days: tuple[tuple[date, date], ...]  # inclusive ranges of days
    months: tuple[date, ...]  # first days of whole months inside the period
    years: tuple[date, ...]  # first days of whole years inside the period

    def daily_q(self) -> Q | None:
        found = [Q(day__gte=first, day__lte=last) for first, last in self.days]
        return _any(found)

    def rollup_q(self) -> Q | None:
        found = []
        for grain, firsts in ((Grain.MONTH, self.months), (Grain.YEAR, self.years)):
            if firsts:
                found.append(Q(grain=grain, day__in=firsts))
        return _any(found)


def _any(conditions: list[Q]) -> Q | None:
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def cover(period: Period, *, coarsest: str = Grain.YEAR) -> Cover:
    """The whole years, whole months and single days that make up ``period`` exactly.

    ``coarsest``: the largest grain to use (a series per month needs months, a weekly one days).
    """
    years = coarsest == Grain.YEAR
    whole_months = coarsest in (Grain.YEAR, Grain.MONTH)
    days: list[tuple[date, date]] = []
    months: list[date] = []
    whole_years: list[date] = []
    day, after_end = period.start, period.end + timedelta(days=1)
    while day <= period.end:
        if years and day.month == 1 and day.day == 1 and period_after(Grain.YEAR, day) <= after_end:
            whole_years.append(day)
            day = period_after(Grain.YEAR, day)
        elif whole_months and day.day == 1 and period_after(Grain.MONTH, day) <= after_end:
            months.append(day)
            day = period_after(Grain.MONTH, day)
        else:  # the ragged edge: up to the end of this month or of the period
            last = min(period_after(Grain.MONTH, month_start(day)) - timedelta(days=1), period.end)
            if days and days[-1][1] + timedelta(days=1) == day:
                days[-1] = (days[-1][0], last)
            else:
                days.append((day, last))
            day = last + timedelta(days=1)
    return Cover(tuple(days), tuple(months), tuple(whole_years))


_SET_COLUMNS = {column for columns in DIMS_COLUMNS.values() for column in columns}


@dataclass(frozen=True)
class Facts:
    """One kind of summary row, scoped to an actor and filtered: the daily table and its rollups.

    :meth:`summed` reads the rollup set that keeps only the columns the question needs (the
    grouping, the filters, and the office when the actor sees only some offices): one column
    or none, a one-dimension set (a few dozen rows per day, month or year); more, the rows
    that keep every dimension (the daily table for the ragged days).
    """

    daily: type[Model]
    rollup: type[Model]
    kind: str
    actor: Actor | None
    filters: Filters

    def _rows(self, model: type[Model]) -> QuerySet[Any]:
        rows: QuerySet[Any] = model._default_manager.all()
        if self.actor is not None:
            rows = scope(self.actor, rows, via="office")
        return self.filters.apply(rows, kind=self.kind)

    def dims(self, by: tuple[str, ...]) -> str:
        """The rollup set to read for a question grouped by ``by``."""
        needed = {column for column in by if column in _SET_COLUMNS}
        needed |= self.filters.columns(self.kind)
        if self.actor is not None and not jurisdiction(self.actor).everything:
            needed.add("office_id")
        if not needed:
            return Dims.SERVICE if self.kind == Kind.APPLICATION else Dims.CATEGORY
        for dims, columns in DIMS_COLUMNS.items():  # the smallest set that has them
            if dims in ROLLUP_SETS[self.kind] and needed <= set(columns):
                return dims
        return Dims.ALL

    def summed(
        self,
        period: Period,
        by: tuple[str, ...],
        fields: tuple[str, ...],
        *,
        coarsest: str = Grain.YEAR,
    ) -> dict[Any, list[int]]:
        """{key: [sum of each field]} over ``period``, key = the values of ``by`` (one value: itself)."""
        spans = cover(period, coarsest=coarsest)
        dims = self.dims(by)
        rollup = self._rows(self.rollup)
        daily_q, rollup_q = spans.daily_q(), spans.rollup_q()
        if dims in DAY_SETS[self.rollup]:  # the ragged days from the same set's day rows: one query
            days_q = Q(grain=Grain.DAY) & daily_q if daily_q is not None else None
            sources = [(rollup.filter(dims=dims), _any([q for q in (days_q, rollup_q) if q is not None]))]
        else:  # the ragged days from the daily rows
            sources = [(self._rows(self.daily), daily_q), (rollup.filter(dims=dims), rollup_q)]
        parts = [
            rows.filter(where)
            .values_list(*by)
            .annotate(**{f"sum_{name}": Sum(name) for name in fields})
            .order_by()
            for rows, where in sources
            if where is not None
        ]
        result: dict[Any, list[int]] = {}
        if not parts:
            return result
        query = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
        width = len(by)
        for row in query:
            key = row[0] if width == 1 else tuple(row[:width])
            totals = result.setdefault(key, [0] * len(fields))
            for position, value in enumerate(row[width:]):
                totals[position] += value or 0
        return result


def _facts(
    daily: type[Model], rollup: type[Model], actor: Actor | None, filters: Filters, kind: str
) -> Facts:
    return Facts(daily, rollup, kind, actor, filters)


def application_facts(actor: Actor | None, filters: Filters = NO_FILTERS) -> tuple[Facts, Facts]:
    """(counts, lead-time histograms) of applications; ``actor`` None: unscoped (the public page)."""
    return (
        _facts(ApplicationDaily, ApplicationRollup, actor, filters, Kind.APPLICATION),
        _facts(ApplicationLeadTime, ApplicationLeadTimeRollup, actor, filters, Kind.APPLICATION),
    )


def report_facts(actor: Actor | None, filters: Filters = NO_FILTERS) -> tuple[Facts, Facts]:
    """(counts, verify/answer histograms) of reports; ``actor`` None: unscoped (the public page)."""
    return (
        _facts(ReportDaily, ReportRollup, actor, filters, Kind.REPORT),
        _facts(ReportLeadTime, ReportLeadTimeRollup, actor, filters, Kind.REPORT),
    )


def min_sample() -> int:
    return int(getattr(settings, "MONITORING_MIN_SAMPLE", 10))


# --- arithmetic ---------------------------------------------------------------------------------------


def percentile(histogram: Mapping[int, int], q: float) -> int | None:
    """The nearest-rank ``q``-quantile (0 < q ≤ 1) of a histogram {working days: count}; None when empty.

    The smallest ``d`` whose cumulative count reaches ``ceil(q x n)``: the median of 1, 2, 3, 4 is 2,
    the 90th percentile of ten cases is the tenth, the largest.
    """
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    return max(histogram)


def share(part: int, whole: int) -> float | None:
    """``part / whole`` as a fraction, None when there is nothing to divide."""
    return part / whole if whole else None


def change(now: int, before: int) -> float | None:
    """The relative change from ``before`` to ``now`` (0.25 is +25 %), None when ``before`` is 0."""
    return (now - before) / before if before else None


# --- labels -------------------------------------------------------------------------------------------


NO_REGION = gettext_lazy("Tanpa wilayah")


def labels(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    """Display names of group keys (service/category/office ids, region codes); '' and None are unknown."""
    wanted = [k for k in keys if k not in (None, "")]
    names: dict[Any, str] = {}
    if group == "service":
        names = {row.pk: row.t.name for row in Service.objects.filter(pk__in=wanted).only("name", "name_en")}
    elif group == "category":
        names = {row.pk: row.t.name for row in Category.objects.filter(pk__in=wanted).only("name", "name_en")}
    elif group == "office":
        names = dict(Office.objects.filter(pk__in=wanted).values_list("pk", "name"))
    elif group in ("kecamatan", "desa"):
        names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
        # Cases whose place is not known are counted too, under their own name (never dropped).
        return {key: names.get(key, "—") for key in keys} | {None: str(NO_REGION), "": str(NO_REGION)}
    return {key: names.get(key, "—") for key in keys} | {None: "—", "": "—"}


# --- applications -----------------------------------------------------------------------------------


@dataclass
class ApplicationFigures:
    key: Any
    label: str = ""
    received: int = 0
    completed: int = 0
    completed_on_time: int = 0
    rejected: int = 0
    withdrawn: int = 0
    median_days: int | None = None
    p90_days: int | None = None
    open: int = 0
    breaches: int = 0
    previous_received: int = 0
    previous_completed: int = 0
    previous_on_time_share: float | None = None
    rank: int | None = None
    histogram: dict[int, int] = field(default_factory=dict)

    @property
    def on_time_share(self) -> float | None:
        return share(self.completed_on_time, self.completed)

    @property
    def received_change(self) -> float | None:
        return change(self.received, self.previous_received)

    @property
    def completed_change(self) -> float | None:
        return change(self.completed, self.previous_completed)

    @property
    def ranked(self) -> bool:
        return self.rank is not None


@dataclass
class ApplicationDashboard:
    period: Period
    group: str
    rows: list[ApplicationFigures]
    total: ApplicationFigures
    backlog: dict[str, int]  # status → open applications
    breaches: int
    min_sample: int


_APP_FIELDS = APPLICATION_COUNTS


def _app_sums(facts: Facts, period: Period, column: str) -> dict[Any, dict[str, int]]:
    found = facts.summed(period, (column,), _APP_FIELDS)
    return {key: dict(zip(_APP_FIELDS, values, strict=True)) for key, values in found.items()}


def _histograms(facts: Facts, period: Period, column: str) -> dict[Any, dict[int, int]]:
    result: dict[Any, dict[int, int]] = defaultdict(dict)
    for (key, days), (n,) in facts.summed(period, (column, "days"), ("count",)).items():
        result[key][days] = n
    return result


def _added(parts: Iterable[Mapping[Any, int]]) -> dict[Any, int]:
    """The sum of several {name or bucket: count}: the total of the groups, which partition the rows."""
    total: dict[Any, int] = defaultdict(int)
    for part in parts:
        for name, value in part.items():
            total[name] += value
    return dict(total)


def _app_figures(key: Any, label: str, values: Mapping[str, int]) -> ApplicationFigures:
    return ApplicationFigures(
        key=key,
        label=label,
        received=values.get("received", 0),
        completed=values.get("completed", 0),
        completed_on_time=values.get("completed_on_time", 0),
        rejected=values.get("rejected", 0),
        withdrawn=values.get("withdrawn", 0),
    )


def _rank(rows: list[ApplicationFigures], sample: int) -> None:
    eligible = [r for r in rows if r.completed >= sample and r.on_time_share is not None]
    eligible.sort(key=lambda r: (-(r.on_time_share or 0.0), -r.completed))
    previous: tuple[float | None, int] | None = None
    for position, row in enumerate(eligible, start=1):
        current = (row.on_time_share, position)
        row.rank = position if previous is None or previous[0] != row.on_time_share else previous[1]
        previous = (row.on_time_share, row.rank if row.rank is not None else current[1])


def _open_items(actor: Actor, kind: str, filters: Filters) -> QuerySet[OpenItem]:
    return filters.apply(scope(actor, OpenItem.objects.filter(kind=kind), via="office"), kind=kind)


def _breach_q(now: datetime) -> Q:
    return Q(paused=False, due_at__lt=now)


def application_dashboard(
    *,
    actor: Actor,
    period: Period,
    group: AppGroup = "service",
    filters: Filters = NO_FILTERS,
    now: datetime | None = None,
) -> ApplicationDashboard:
    """Applications per group for the period, with the previous period, backlog and breaches."""
    require(actor, "dashboard.read")
    now = now or timezone.now()
    column = _COLUMN[group]
    counts, lead = application_facts(actor, filters)
    histograms = _histograms(lead, period, column)
    sums, previous = _app_sums(counts, period, column), _app_sums(counts, period.previous(), column)
    open_items = _open_items(actor, Kind.APPLICATION, filters)
    open_by = {
        row[column]: (row["n"], row["late"])
        for row in open_items.values(column)
        .annotate(n=Count("pk"), late=Count("pk", filter=_breach_q(now)))
        .order_by()
    }
    keys = set(sums) | set(open_by)
    names = labels(group, keys)
    rows: list[ApplicationFigures] = []
    for key in keys:
        figures = _app_figures(key, names.get(key, "—"), sums.get(key, {}))
        before_sums = previous.get(key, {})
        figures.previous_received = before_sums.get("received", 0)
        figures.previous_completed = before_sums.get("completed", 0)
        figures.previous_on_time_share = share(
            before_sums.get("completed_on_time", 0), figures.previous_completed
        )
        figures.histogram = histograms.get(key, {})
        figures.median_days = percentile(figures.histogram, 0.5)
        figures.p90_days = percentile(figures.histogram, 0.9)
        figures.open, figures.breaches = open_by.get(key, (0, 0))
        rows.append(figures)
    sample = min_sample()
    _rank(rows, sample)
    rows.sort(key=lambda r: (-r.received, r.label))
    # The totals are the sums of the groups (every row falls in exactly one group): no more queries.
    total = _app_figures(None, "Jumlah", _added(sums.values()))
    before_total = _added(previous.values())
    total.previous_received = before_total.get("received", 0)
    total.previous_completed = before_total.get("completed", 0)
    total.previous_on_time_share = share(before_total.get("completed_on_time", 0), total.previous_completed)
    total.histogram = _added(histograms.values())
    total.median_days = percentile(total.histogram, 0.5)
    total.p90_days = percentile(total.histogram, 0.9)
    backlog = dict(open_items.values_list("status").annotate(n=Count("pk")).order_by())
    total.open = sum(backlog.values())
    total.breaches = sum(late for _, late in open_by.values())
    return ApplicationDashboard(
        period=period,
        group=group,
        rows=rows,
        total=total,
        backlog=backlog,
        breaches=total.breaches,
        min_sample=sample,
    )


def daily_series(
    *, actor: Actor, period: Period, kind: str = Kind.APPLICATION, filters: Filters = NO_FILTERS
) -> list[tuple[date, int]]:
    """Received per day in the period (every day present, zeros included), for a sparkline."""
    require(actor, "dashboard.read")
    counts = (application_facts if kind == Kind.APPLICATION else report_facts)(actor, filters)[0]
    found = {
        day: n for day, (n,) in counts.summed(period, ("day",), ("received",), coarsest=Grain.DAY).items()
    }
    return [
        (period.start + timedelta(days=n), found.get(period.start + timedelta(days=n), 0))
        for n in range(period.days)
    ]


SERIES_DAYS_MAX = 92  # longer periods are drawn per month


def received_series(
    *, actor: Actor, period: Period, kind: str = Kind.APPLICATION, filters: Filters = NO_FILTERS
) -> tuple[str, list[tuple[date, int]]]:
    """(step, points): received per day for periods up to ``SERIES_DAYS_MAX`` days, else per month.

    A monthly point is the month's first day (or the period's first day for a month cut by the
    period) with what was received in the part of the month inside the period.
    """
    if period.days <= SERIES_DAYS_MAX:
        return "day", daily_series(actor=actor, period=period, kind=kind, filters=filters)
    require(actor, "dashboard.read")
    counts = (application_facts if kind == Kind.APPLICATION else report_facts)(actor, filters)[0]
    # One query: daily rows by day and month rollups by their first day (no yearly rows here).
    by_month: dict[date, int] = defaultdict(int)
    for day, (n,) in counts.summed(period, ("day",), ("received",), coarsest=Grain.MONTH).items():
        by_month[month_start(day)] += n
    points = []
    first = period.start
    while first <= period.end:
        points.append((first, by_month.get(month_start(first), 0)))
        first = period_after(Grain.MONTH, month_start(first))
    return "month", points


# --- reports ------------------------------------------------------------------------------------------


@dataclass
class ReportFigures:
    key: Any
    label: str = ""
    received: int = 0
    verified: int = 0
    answered: int = 0
    answered_on_time: int = 0
    cohort_answered: int = 0
    reopened: int = 0
    rated: int = 0
    satisfied: int = 0
    median_verify_days: int | None = None
    median_answer_days: int | None = None
    p90_answer_days: int | None = None
    open: int = 0
    breaches: int = 0
    previous_received: int = 0

    @property
    def answered_on_time_share(self) -> float | None:
        return share(self.answered_on_time, self.answered)

    @property
    def reopen_rate(self) -> float | None:
        return share(self.reopened, self.cohort_answered)

    @property
    def satisfaction(self) -> float | None:
        return share(self.satisfied, self.rated)

    @property
    def received_change(self) -> float | None:
        return change(self.received, self.previous_received)


@dataclass
class ReportDashboard:
    period: Period
    group: str
    rows: list[ReportFigures]
    total: ReportFigures
    backlog: dict[str, int]
    breaches: int


_REPORT_FIELDS = REPORT_COUNTS


def _report_sums(facts: Facts, period: Period, column: str) -> dict[Any, dict[str, int]]:
    found = facts.summed(period, (column,), _REPORT_FIELDS)
    return {key: dict(zip(_REPORT_FIELDS, values, strict=True)) for key, values in found.items()}


def _report_histograms(facts: Facts, period: Period, column: str) -> dict[str, dict[Any, dict[int, int]]]:
    """{"verify"/"answer": {key: {days: count}}} in one query."""
    result: dict[str, dict[Any, dict[int, int]]] = {"verify": defaultdict(dict), "answer": defaultdict(dict)}
    for (key, metric, days), (n,) in facts.summed(period, (column, "metric", "days"), ("count",)).items():
        result.setdefault(metric, defaultdict(dict))[key][days] = n
    return result


def report_dashboard(
    *,
    actor: Actor,
    period: Period,
    group: ReportGroup = "category",
    filters: Filters = NO_FILTERS,
    now: datetime | None = None,
) -> ReportDashboard:
    """Reports per group for the period: volumes, time to verify and answer, on time, reopen, rating."""
    require(actor, "dashboard.read")
    now = now or timezone.now()
    column = _COLUMN[group]
    counts, lead = report_facts(actor, filters)
    sums, previous = _report_sums(counts, period, column), _report_sums(counts, period.previous(), column)
    histograms = _report_histograms(lead, period, column)
    verify, answer = histograms["verify"], histograms["answer"]
    open_items = _open_items(actor, Kind.REPORT, filters)
    open_by = {
        row[column]: (row["n"], row["late"])
        for row in open_items.values(column)
        .annotate(n=Count("pk"), late=Count("pk", filter=_breach_q(now)))
        .order_by()
    }
    keys = set(sums) | set(open_by)
    names = labels(group, keys)

    def figures_for(
        key: Any, values: dict[str, int], verify_h: dict[int, int], answer_h: dict[int, int]
    ) -> ReportFigures:
        figures = ReportFigures(key=key, label=names.get(key, "—"), **values)
        figures.median_verify_days = percentile(verify_h, 0.5)
        figures.median_answer_days = percentile(answer_h, 0.5)
        figures.p90_answer_days = percentile(answer_h, 0.9)
        return figures

    rows = []
    for key in keys:
        figures = figures_for(key, sums.get(key, {}), verify.get(key, {}), answer.get(key, {}))
        figures.previous_received = previous.get(key, {}).get("received", 0)
        figures.open, figures.breaches = open_by.get(key, (0, 0))
        rows.append(figures)
    rows.sort(key=lambda r: (-r.received, r.label))
    # The totals are the sums of the groups (every row falls in exactly one group): no more queries.
    total = figures_for(
        None,
        {name: 0 for name in _REPORT_FIELDS} | _added(sums.values()),
        _added(verify.values()),
        _added(answer.values()),
    )
    total.label = "Jumlah"
    total.previous_received = _added(previous.values()).get("received", 0)
    backlog = dict(open_items.values_list("status").annotate(n=Count("pk")).order_by())
    total.open = sum(backlog.values())
    total.breaches = sum(late for _, late in open_by.values())
    return ReportDashboard(
        period=period, group=group, rows=rows, total=total, backlog=backlog, breaches=total.breaches
    )


# --- workload -----------------------------------------------------------------------------------------


@dataclass
class Workload:
    key: int | None
    label: str
    open_applications: int = 0
    open_reports: int = 0
    completed_per_week: float = 0.0

    @property
    def open(self) -> int:
        return self.open_applications + self.open_reports

    @property
    def weeks_to_clear(self) -> float | None:
        """How many weeks the queue would take at the recent pace (None when nothing was finished)."""
        return self.open / self.completed_per_week if self.completed_per_week else None


def workload(
    *, actor: Actor, weeks: int = 4, today: date | None = None, filters: Filters = NO_FILTERS
) -> tuple[list[Workload], list[Workload]]:
    """(per office, per officer): open items against completed per week over the last ``weeks`` weeks.

    An office's throughput counts completed applications and answered reports; an officer's, the
    applications assigned to them that were completed.
    """
    require(actor, "dashboard.read")
    today = today or wib_day(timezone.now())
    first = today - timedelta(days=7 * weeks - 1)
    recent = Period(first, today)
    done: dict[int | None, int] = defaultdict(int)
    for office_id, (n,) in (
        application_facts(actor, filters)[0].summed(recent, ("office_id",), ("completed",)).items()
    ):
        done[office_id] += n
    for office_id, (n,) in (
        report_facts(actor, filters)[0].summed(recent, ("office_id",), ("answered",)).items()
    ):
        done[office_id] += n
    open_apps = dict(
        _open_items(actor, Kind.APPLICATION, filters)
        .values_list("office_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    open_reports = dict(
        _open_items(actor, Kind.REPORT, filters).values_list("office_id").annotate(n=Count("pk")).order_by()
    )
    office_ids = (set(done) | set(open_apps) | set(open_reports)) - {None}
    names = labels("office", office_ids)
    offices = [
        Workload(
            key=office_id,
            label=names[office_id],
            open_applications=open_apps.get(office_id, 0),
            open_reports=open_reports.get(office_id, 0),
            completed_per_week=done.get(office_id, 0) / weeks,
        )
        for office_id in office_ids
    ]
    offices.sort(key=lambda w: (-w.open, w.label))
    officer_done = dict(
        filters.apply(scope(actor, OfficerDaily.objects.all(), via="office"), kind=Kind.APPLICATION)
        .filter(day__gte=first, day__lte=today)
        .values_list("officer_id")
        .annotate(n=Sum("completed"))
        .order_by()
    )
    officer_open = dict(
        _open_items(actor, Kind.APPLICATION, filters)
        .filter(officer_id__isnull=False)
        .values_list("officer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    officer_ids = set(officer_done) | set(officer_open)
    people = dict(User.objects.filter(pk__in=officer_ids).values_list("pk", "full_name"))
    officers = [
        Workload(
            key=officer_id,
            label=people.get(officer_id, "—"),
            open_applications=officer_open.get(officer_id, 0),
            completed_per_week=(officer_done.get(officer_id, 0) or 0) / weeks,
        )
        for officer_id in officer_ids
    ]
    officers.sort(key=lambda w: (-w.open, w.label))
    return offices, officers


# --- needs and emerging problems ----------------------------------------------------------------------


def top_services_by_kecamatan(
    *, actor: Actor, period: Period, limit: int = 3, filters: Filters = NO_FILTERS
) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """[(kecamatan code, name, [(service name, received), ...])], the most used services first."""
    require(actor, "dashboard.read")
    counts = application_facts(actor, filters)[0]
    found = counts.summed(period, ("kecamatan_code", "service_id"), ("received",))
    per: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (code, service_id), (n,) in found.items():
        if n:
            per[code].append((service_id, n))
    services = labels("service", {s for items in per.values() for s, _ in items})
    places = labels("kecamatan", per)
    result = []
    for code in sorted(per, key=lambda c: (c == "", places[c])):  # "Tanpa wilayah" last
        items = sorted(per[code], key=lambda item: (-item[1], services[item[0]]))[:limit]
        result.append((code, places[code], [(services[s], n) for s, n in items]))
    return result


@dataclass
class Emerging:
    group: str  # "category" or "kecamatan"
    key: Any
    label: str
    count: int  # reports in the last 7 days
    weekly_mean: float
    weekly_sd: float
    reports: list[Report] = field(default_factory=list)


def emerging_rule_flags(count: int, weekly: list[int]) -> bool:
    """The anomaly rule: at least ``MONITORING_EMERGING_MIN_COUNT`` reports in the last 7 days, more than
    the previous 12 weeks' mean plus two standard deviations, and at least 1.5 x that mean."""
    minimum = int(getattr(settings, "MONITORING_EMERGING_MIN_COUNT", 5))
    mean = statistics.fmean(weekly) if weekly else 0.0
    sd = statistics.pstdev(weekly) if len(weekly) > 1 else 0.0
    return count >= minimum and count > mean + 2 * sd and count >= 1.5 * mean


def emerging_problems(*, actor: Actor, today: date | None = None, links: int = 10) -> list[Emerging]:
    """Categories and kecamatan whose reports in the last 7 days are well above their usual level."""
    require(actor, "dashboard.read")
    today = today or wib_day(timezone.now())
    first = today - timedelta(days=7 * 13 - 1)
    recent_start = today - timedelta(days=6)
    counts = report_facts(actor)[0]
    flagged: list[Emerging] = []
    for group in ("category", "kecamatan"):
        column = _COLUMN[group]
        weekly: dict[Any, list[int]] = defaultdict(lambda: [0] * 13)
        found = counts.summed(Period(first, today), (column, "day"), ("received",), coarsest=Grain.DAY)
        for (key, day), (n,) in found.items():
            if key in (None, ""):
                continue
            weekly[key][(today - day).days // 7] += n
        names = labels(group, weekly)
        for key, weeks in weekly.items():
            count, history = weeks[0], weeks[1:]
            if emerging_rule_flags(count, history):
                flagged.append(
                    Emerging(
                        group=group,
                        key=key,
                        label=names[key],
                        count=count,
                        weekly_mean=statistics.fmean(history),
                        weekly_sd=statistics.pstdev(history),
                    )
                )
    start = datetime.combine(recent_start, datetime.min.time()).replace(
        tzinfo=timezone.get_current_timezone()
    )
    for item in flagged:
        reports = scope(actor, Report.objects.real(), via="dispositions__office").filter(
            received_at__gte=start
        )
        if item.group == "category":
            reports = reports.filter(category_id=item.key)
        else:
            reports = reports.filter(Q(region__code=item.key) | Q(region__code__startswith=f"{item.key}."))
        item.reports = list(reports.distinct().order_by("-received_at")[:links])
    flagged.sort(key=lambda e: -e.count)
    return flagged


# --- the kecamatan grid ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    code: str
    name: str
    value: int
    shade: int  # 0 (none) to 4 (most)


def kecamatan_grid(*, actor: Actor, period: Period, filters: Filters = NO_FILTERS) -> list[Cell]:
    """Applications received per kecamatan in the period, with a shade 0-4 (quartiles of the non-zero)."""
    require(actor, "dashboard.read")
    regency = getattr(settings, "REGENCY_CODE", "18.03")
    places = list(
        Region.objects.filter(level=Region.Level.DISTRICT, code__startswith=f"{regency}.").values_list(
            "code", "name"
        )
    )
    counts = application_facts(actor, filters)[0]
    found = {code: n for code, (n,) in counts.summed(period, ("kecamatan_code",), ("received",)).items()}
    values = sorted(v for v in found.values() if v)
    cuts = (
        [values[min(len(values) - 1, math.ceil(len(values) * q) - 1)] for q in (0.25, 0.5, 0.75)]
        if values
        else []
    )

    def shade(value: int) -> int:
        if not value:
            return 0
        return 1 + sum(1 for cut in cuts if value > cut)

    cells = [
        Cell(code, name, found.get(code, 0) or 0, shade(found.get(code, 0) or 0)) for code, name in places
    ]
    unplaced = found.get("", 0) or 0
    if unplaced:  # cases whose desa is not known: counted, not dropped
        cells.append(Cell("", str(NO_REGION), unplaced, shade(unplaced)))
    return cells


# --- the public page ---------------------------------------------------------------------------------


@dataclass
class PublicFigures:
    period: Period
    services: list[ApplicationFigures]
    offices: list[ApplicationFigures]
    reports: list[ReportFigures]
    report_total: ReportFigures
    ikm_by_service: dict[int, Any]
    ikm_by_office: dict[int, Any]


def _public_ikm(period: Period, group: str) -> dict[int, Any]:
    """The survey's satisfaction index (IKM) per service or office, published figures only."""
    return dict(ikm_by_public(start=period.start, end=period.end, group=group))  # type: ignore[arg-type]


def public_figures(*, period: Period) -> PublicFigures:
    """Regency-wide aggregates for the transparency page: counts and times only, no personal data."""
    result: dict[str, list[ApplicationFigures]] = {}
    counts, lead = application_facts(None)
    for group in ("service", "office"):
        column = _COLUMN[group]
        sums = _app_sums(counts, period, column)
        histograms = _histograms(lead, period, column)
        names = labels(group, sums)
        rows = []
        for key, values in sums.items():
            if key is None:
                continue
            figures = _app_figures(key, names[key], values)
            figures.median_days = percentile(histograms.get(key, {}), 0.5)
            rows.append(figures)
        rows.sort(key=lambda r: r.label)
        result[group] = rows
    report_sums = _report_sums(report_facts(None)[0], period, "category_id")
    names = labels("category", report_sums)
    report_rows = sorted(
        (ReportFigures(key=k, label=names[k], **v) for k, v in report_sums.items()), key=lambda r: r.label
    )
    total = ReportFigures(
        key=None, label="Jumlah", **({name: 0 for name in _REPORT_FIELDS} | _added(report_sums.values()))
    )
    return PublicFigures(
        period=period,
        services=result["service"],
        offices=result["office"],
        reports=report_rows,
        report_total=total,
        ikm_by_service=_public_ikm(period, "service"),
        ikm_by_office=_public_ikm(period, "office"),
    )


def ikm_for_dashboard(*, actor: Actor, period: Period, group: str) -> dict[int, Any]:
    """The survey's IKM per service or office within the actor's reach."""
    return dict(ikm_by(actor=actor, start=period.start, end=period.end, group=group))  # type: ignore[arg-type]


def delivery_for_dashboard(*, actor: Actor, period: Period) -> Any:
    """The message delivery figures of the notifications app for the period."""
    start = datetime.combine(period.start, datetime.min.time()).replace(
        tzinfo=timezone.get_current_timezone()
    )
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time()).replace(tzinfo=WIB)
    return delivery_figures(actor=actor, start=start, end=end)


__all__ = [
    "LEAD_TIME_OVERFLOW",
    "Filters",
    "Period",
    "application_dashboard",
    "daily_series",
    "emerging_problems",
    "kecamatan_grid",
    "percentile",
    "public_figures",
    "report_dashboard",
    "top_services_by_kecamatan",
    "workload",
]
