"""Keeping the summary tables true: rebuild a day, refresh one item, reconcile, rebuild everything.

Every write here recomputes from the raw rows, never adds or subtracts deltas,
so running anything twice gives the same tables (tasks are safe to repeat).

- :func:`facts_rebuild_day` recomputes one kind's rows of one day (WIB) from the
  raw applications or reports touching that day (received, decided, verified,
  answered on it): bounded work, a few hundred rows even at full scale. The
  day's :class:`FactDay` row is locked meanwhile, so two workers rebuilding the
  same day take turns instead of writing it twice.
- :func:`item_refresh` is what the signals enqueue for one changed item: it
  rebuilds each day the item touched (its received and decided days and the days
  of its timeline events, which covers an answer undone by a reopen or a
  forward to another office) and updates its :class:`OpenItem` row.
- :func:`facts_reconcile` rebuilds the recent days and the whole open-item table
  (the periodic task), catching anything a signal could not see (a citizen who
  moved desa, a row changed by hand); :func:`facts_rebuild_all` rebuilds every
  day since the first item (``manage.py monitoring_rebuild``).
- :func:`rollups_refresh` recomputes the monthly and yearly rollups of the months
  and years holding some days (a month from its daily rows, a year from its
  monthly rows: sums of sums, and histogram buckets summed, so exact); every
  function above calls it for the days it rebuilt.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Case, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from layanan.applications.models import CLOSED_STATUSES, OPEN_STATUSES, Application, TimelineEvent
from layanan.applications.models import Status as AppStatus
from layanan.calendars.selectors import WIB, WorkingDayCounter
from layanan.catalogue.models import FormField
from layanan.complaints.models import Disposition, Report, ReportEvent
from layanan.complaints.models import Status as ReportStatus
from layanan.complaints.workflow import OPEN_STATUSES as REPORT_OPEN_STATUSES
from layanan.monitoring.models import (
    APPLICATION_COUNTS,
    DIMS_COLUMNS,
    LEAD_TIME_OVERFLOW,
    REPORT_COUNTS,
    ROLLUPS,
    ApplicationDaily,
    ApplicationLeadTime,
    ApplicationLeadTimeRollup,
    ApplicationRollup,
    Dims,
    FactDay,
    FactPeriod,
    Grain,
    Kind,
    OfficerDaily,
    OpenItem,
    ReportDaily,
    ReportLeadTime,
    ReportLeadTimeRollup,
    ReportRollup,
)

RECONCILE_DAYS = 35

__all__ = [
    "application_place",
    "day_bounds",
    "facts_rebuild_all",
    "facts_rebuild_day",
    "facts_rebuild_range",
    "facts_reconcile",
    "item_refresh",
    "items_refresh",
    "open_items_rebuild",
    "public_figures_changed",
    "public_figures_version",
    "region_codes",
    "rollups_refresh",
    "wib_day",
]


def wib_day(instant: datetime) -> date:
    """The calendar day in WIB of an instant."""
    return instant.astimezone(WIB).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants [start, end) of a WIB day."""
    start = datetime.combine(day, time.min, tzinfo=WIB)
    return start, start + timedelta(days=1)


def region_codes(code: str | None) -> tuple[str, str]:
    """(desa code, kecamatan code) of a region code; '' where unknown. Kemendagri codes nest:
    ``18.03.04.2009`` is a desa of kecamatan ``18.03.04``."""
    if not code:
        return "", ""
    if code.count(".") >= 3:
        return code, code[:8]
    if code.count(".") == 2:
        return "", code
    return "", ""


# The form field holding the desa an application is about (the same convention the
# applications app routes by: a field named ``desa`` of kind *village*).
DESA_FIELD = "desa"


def _desa_answer() -> Case:
    """The sealed answers, only for services whose form asks for the desa ('' for the others).

    Only those rows are opened (decrypted), and only to read the one desa code.
    """
    asking = FormField.objects.filter(name=DESA_FIELD, kind=FormField.Kind.VILLAGE).values("service_id")
    return Case(
        When(service_id__in=Subquery(asking), then=F("answers_sealed")),
        default=Value(""),
        output_field=Application._meta.get_field("answers_sealed"),
    )


def _desa_in(answers: object) -> str:
    """The desa code answered in ``answers`` (sealed JSON, already opened), or ''."""
    if not isinstance(answers, str) or not answers:
        return ""
    try:
        value = json.loads(answers).get(DESA_FIELD)
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) and region_codes(value)[0] else ""


def application_place(*, answers: object, home_region: str | None, office_region: str | None) -> str:
    """The region code an application is counted in (docs/monitoring.md, "Desa / kecamatan").

    The desa the application is about (its form's ``desa`` answer), else the applicant's
    home desa, else the handling office's region when that is a desa or a kecamatan (an
    agency's region is the regency, which names no kecamatan); '' when none is known, shown
    as "Tanpa wilayah".
    """
    for code in (_desa_in(answers), home_region, office_region):
        if code and region_codes(code)[1]:
            return code
    return ""


def _with_place(rows: QuerySet[Application]) -> QuerySet[Application]:
    """``rows`` with ``desa_answer``: the answers :func:`application_place` reads (see _APP_COLUMNS)."""
    return rows.annotate(desa_answer=_desa_answer())


def _services_asking_for_desa() -> frozenset[int]:
    return frozenset(
        FormField.objects.filter(name=DESA_FIELD, kind=FormField.Kind.VILLAGE).values_list(
            "service_id", flat=True
        )
    )


# --- the public page's cache -------------------------------------------------------------------------

PUBLIC_VERSION_KEY = "monitoring:transparency:version"


def public_figures_version() -> str:
    """The version of the public figures: part of the transparency page's cache key."""
    version = cache.get(PUBLIC_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(PUBLIC_VERSION_KEY, version, None)
        version = cache.get(PUBLIC_VERSION_KEY, version)
    return str(version)


def public_figures_changed() -> None:
    """Make every cached copy of the transparency page stale (after the summaries changed)."""
    cache.set(PUBLIC_VERSION_KEY, uuid.uuid4().hex, None)


def _bucket(days: int) -> int:
    return min(max(days, 0), LEAD_TIME_OVERFLOW)


def _lock_day(kind: str, day: date) -> FactDay:
    FactDay.objects.get_or_create(kind=kind, day=day)
    return FactDay.objects.select_for_update().get(kind=kind, day=day)


# --- applications ---------------------------------------------------------------------------------

DayKey = tuple[date, int, int | None, str, str]  # day, service or category, office, desa, kecamatan
# The services (applications) or categories (reports) a refresh narrows to; None: all of them.
Groups = frozenset[int] | None


def _groups(group: int | None) -> Groups:
    return None if group is None else frozenset([group])


@dataclass
class _AppCounts:
    received: int = 0
    completed: int = 0
    completed_on_time: int = 0
    rejected: int = 0
    withdrawn: int = 0
    lead: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class _AppFacts:
    groups: dict[DayKey, _AppCounts] = field(default_factory=lambda: defaultdict(_AppCounts))
    officers: dict[tuple[date, int, int | None, int], int] = field(default_factory=lambda: defaultdict(int))


_APP_COLUMNS = (
    "service_id",
    "office_id",
    "desa_answer",
    "applicant__home_region_id",
    "office__region_id",
    "status",
    "submitted_at",
    "decided_at",
    "due_at",
    "assigned_to_id",
)


def _application_facts(rows: Iterable[tuple[object, ...]], wanted: set[date] | None) -> _AppFacts:
    """Count ``rows`` (values of :data:`_APP_COLUMNS`) into the days in ``wanted`` (all when None)."""
    facts = _AppFacts()
    working_days_between = WorkingDayCounter()
    for row in rows:
        service_id, office_id, answers, home, office_region, status, submitted_at, decided_at, due_at = row[
            :9
        ]
        officer_id = row[9]
        place = application_place(answers=answers, home_region=home, office_region=office_region)  # type: ignore[arg-type]
        desa, kecamatan = region_codes(place)
        if isinstance(submitted_at, datetime):
            day = wib_day(submitted_at)
            if wanted is None or day in wanted:
                facts.groups[(day, service_id, office_id, desa, kecamatan)].received += 1  # type: ignore[index]
        if not isinstance(decided_at, datetime) or status not in CLOSED_STATUSES:
            continue
        day = wib_day(decided_at)
        if wanted is not None and day not in wanted:
            continue
        counts = facts.groups[(day, service_id, office_id, desa, kecamatan)]  # type: ignore[index]
        if status == AppStatus.COMPLETED:
            counts.completed += 1
            if not isinstance(due_at, datetime) or decided_at <= due_at:
                counts.completed_on_time += 1
            if isinstance(submitted_at, datetime):
                counts.lead[_bucket(working_days_between(submitted_at, decided_at))] += 1
            if isinstance(officer_id, int):
                facts.officers[(day, service_id, office_id, officer_id)] += 1  # type: ignore[index]
        elif status == AppStatus.REJECTED:
            counts.rejected += 1
        else:
            counts.withdrawn += 1
    return facts


_DIMS = ("day", "office_id", "desa_code", "kecamatan_code")


def _rows_write(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    """Insert plain rows: by COPY on PostgreSQL (a full rebuild writes millions), else ``bulk_create``.

    Building a model instance per row costs more than the whole count on a large rebuild.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        column = {f.attname: str(f.column) for f in model._meta.concrete_fields}
        names = ", ".join(connection.ops.quote_name(column[c]) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's cursor (psycopg 3)
            with raw.copy(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    model._default_manager.bulk_create(
        [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
    )


def _application_facts_write(facts: _AppFacts) -> None:
    daily: list[tuple[object, ...]] = []
    lead: list[tuple[object, ...]] = []
    for (day, service_id, office_id, desa, kecamatan), counts in facts.groups.items():
        dims = (day, office_id, desa, kecamatan, service_id)
        daily.append(
            (
                *dims,
                counts.received,
                counts.completed,
                counts.completed_on_time,
                counts.rejected,
                counts.withdrawn,
            )
        )
        lead.extend((*dims, d, n) for d, n in counts.lead.items())
    _rows_write(
        ApplicationDaily,
        (*_DIMS, "service_id", *APPLICATION_COUNTS),
        daily,
    )
    _rows_write(ApplicationLeadTime, (*_DIMS, "service_id", "days", "count"), lead)
    _rows_write(
        OfficerDaily,
        ("day", "service_id", "office_id", "officer_id", "completed"),
        [(day, s, o, u, n) for (day, s, o, u), n in facts.officers.items()],
    )


def _rebuild_application_day(day: date, groups: Groups) -> None:
    start, end = day_bounds(day)
    rows = _with_place(Application.objects.real().exclude(status=AppStatus.DRAFT)).filter(
        Q(submitted_at__gte=start, submitted_at__lt=end) | Q(decided_at__gte=start, decided_at__lt=end)
    )
    old = [ApplicationDaily.objects, ApplicationLeadTime.objects, OfficerDaily.objects]
    if groups is not None:
        rows = rows.filter(service_id__in=groups)
    for manager in old:
        stale = manager.filter(day=day)
        (stale.filter(service_id__in=groups) if groups is not None else stale).delete()
    _application_facts_write(_application_facts(rows.values_list(*_APP_COLUMNS), {day}))


# --- reports --------------------------------------------------------------------------------------


@dataclass
class _ReportCounts:
    received: int = 0
    verified: int = 0
    answered: int = 0
    answered_on_time: int = 0
    cohort_answered: int = 0
    reopened: int = 0
    rated: int = 0
    satisfied: int = 0
    verify: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    answer: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def _first_verify() -> Subquery:
    return Subquery(
        ReportEvent.objects.filter(report=OuterRef("pk"), action="verify")
        .order_by("occurred_at", "pk")
        .values("occurred_at")[:1]
    )


def _primary_office() -> Subquery:
    return Subquery(
        Disposition.objects.filter(report=OuterRef("pk"), is_active=True)
        .order_by("pk")
        .values("office_id")[:1]
    )


_REPORT_COLUMNS = (
    "category_id",
    "primary_office",
    "region_id",
    "received_at",
    "verified_at",
    "answered_at",
    "followup_due_at",
    "reopened_count",
    "satisfied",
)


def _report_facts(
    rows: Iterable[tuple[object, ...]], wanted: set[date] | None
) -> dict[DayKey, _ReportCounts]:
    """Count ``rows`` (values of :data:`_REPORT_COLUMNS`) into the days in ``wanted`` (all when None)."""
    groups: dict[DayKey, _ReportCounts] = defaultdict(_ReportCounts)
    working_days_between = WorkingDayCounter()
    for row in rows:
        _report_count(groups, row, wanted, working_days_between)
    return groups


def _report_count(
    groups: dict[DayKey, _ReportCounts],
    row: tuple[object, ...],
    wanted: set[date] | None,
    working_days_between: WorkingDayCounter,
) -> None:
    category_id, office_id, region, received_at, verified_at, answered_at, due, reopened, satisfied = row
    desa, kecamatan = region_codes(region)  # type: ignore[arg-type]

    def counts_for(day: date) -> _ReportCounts | None:
        if wanted is not None and day not in wanted:
            return None
        return groups[(day, category_id, office_id, desa, kecamatan)]  # type: ignore[index]

    assert isinstance(received_at, datetime)
    counts = counts_for(wib_day(received_at))
    if counts is not None:
        counts.received += 1
        if answered_at is not None or reopened:
            counts.cohort_answered += 1
        if reopened:
            counts.reopened += 1
        if satisfied is not None:
            counts.rated += 1
            counts.satisfied += int(bool(satisfied))
    if isinstance(verified_at, datetime):
        counts = counts_for(wib_day(verified_at))
        if counts is not None:
            counts.verified += 1
            counts.verify[_bucket(working_days_between(received_at, verified_at))] += 1
    if isinstance(answered_at, datetime):
        counts = counts_for(wib_day(answered_at))
        if counts is not None:
            counts.answered += 1
            if not isinstance(due, datetime) or answered_at <= due:
                counts.answered_on_time += 1
            counts.answer[_bucket(working_days_between(received_at, answered_at))] += 1


def _report_facts_write(groups: dict[DayKey, _ReportCounts]) -> None:
    daily: list[tuple[object, ...]] = []
    lead: list[tuple[object, ...]] = []
    for (day, category_id, office_id, desa, kecamatan), counts in groups.items():
        dims = (day, office_id, desa, kecamatan, category_id)
        daily.append(
            (
                *dims,
                counts.received,
                counts.verified,
                counts.answered,
                counts.answered_on_time,
                counts.cohort_answered,
                counts.reopened,
                counts.rated,
                counts.satisfied,
            )
        )
        for metric, histogram in (("verify", counts.verify), ("answer", counts.answer)):
            lead.extend((*dims, metric, d, n) for d, n in histogram.items())
    _rows_write(ReportDaily, (*_DIMS, "category_id", *_REPORT_DAILY_FIELDS), daily)
    _rows_write(ReportLeadTime, (*_DIMS, "category_id", "metric", "days", "count"), lead)


_REPORT_DAILY_FIELDS = REPORT_COUNTS


def _report_rows() -> QuerySet[Report]:
    return Report.objects.real().annotate(verified_at=_first_verify(), primary_office=_primary_office())


def _rebuild_report_day(day: date, groups: Groups) -> None:
    start, end = day_bounds(day)
    verified_that_day = ReportEvent.objects.filter(
        action="verify", occurred_at__gte=start, occurred_at__lt=end
    )
    base = Report.objects.real()
    if groups is not None:
        base = base.filter(category_id__in=groups)
        verified_that_day = verified_that_day.filter(report__category_id__in=groups)
    # Three indexed look-ups, not one OR (which scans the whole table on PostgreSQL).
    ids = set(base.filter(received_at__gte=start, received_at__lt=end).values_list("pk", flat=True))
    ids |= set(base.filter(answered_at__gte=start, answered_at__lt=end).values_list("pk", flat=True))
    ids |= set(verified_that_day.values_list("report_id", flat=True))
    rows = _report_rows().filter(pk__in=sorted(ids))
    for manager in (ReportDaily.objects, ReportLeadTime.objects):
        stale = manager.filter(day=day)
        (stale.filter(category_id__in=groups) if groups is not None else stale).delete()
    _report_facts_write(_report_facts(rows.values_list(*_REPORT_COLUMNS), {day}))


# --- the entry points -----------------------------------------------------------------------------


def facts_rebuild_day(
    *, kind: str, day: date, group: int | None = None, rollup: bool = True, groups: Groups = None
) -> None:
    """Recompute one kind's summary rows of one WIB day from the raw rows (idempotent).

    ``group`` narrows the work to one service (applications) or category (reports): what
    changes when one item changes, since an item never moves to another service or category;
    ``groups``, to several (what a batch of items touched on that day).
    ``rollup`` (the default) then recomputes the day's month and year rollups; a caller
    rebuilding several days passes False and calls :func:`rollups_refresh` once.
    """
    if group is not None:
        groups = _groups(group) if groups is None else groups | {group}
    with transaction.atomic():
        marker = _lock_day(kind, day)
        if kind == Kind.APPLICATION:
            _rebuild_application_day(day, groups)
        elif kind == Kind.REPORT:
            _rebuild_report_day(day, groups)
        else:
            raise ValueError(f"unknown kind {kind!r}")
        _sets_write(kind, Grain.DAY, day, day)
        marker.computed_at = timezone.now()
        marker.save(update_fields=["computed_at"])
    if rollup:
        rollups_refresh(kind=kind, days=[day], groups=groups)


# --- rollups --------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def year_start(day: date) -> date:
    return day.replace(month=1, day=1)


def period_after(grain: str, first: date) -> date:
    """The first day after the day, month or year starting on ``first``."""
    if grain == Grain.YEAR:
        return first.replace(year=first.year + 1)
    if grain == Grain.MONTH:
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first + timedelta(days=1)


RollupTables = tuple[tuple[type[models.Model], type[models.Model], tuple[str, ...]], ...]
_KIND_ROLLUPS: dict[str, RollupTables] = {Kind.APPLICATION: ROLLUPS[:2], Kind.REPORT: ROLLUPS[2:]}
_GROUP_FIELD: dict[str, str] = {Kind.APPLICATION: "service_id", Kind.REPORT: "category_id"}
# The one-dimension sets of each kind, and what a row of such a set holds in the columns it drops.
ROLLUP_SETS: dict[str, tuple[Dims, ...]] = {
    Kind.APPLICATION: (Dims.SERVICE, Dims.KECAMATAN, Dims.DESA, Dims.OFFICE, Dims.KECAMATAN_SERVICE),
    Kind.REPORT: (Dims.CATEGORY, Dims.KECAMATAN, Dims.DESA, Dims.OFFICE),
}
# Per day, only the sets much smaller than the daily rows (see _sets_write): a day's ~900 count
# rows fall to ≤ 280 per desa or office, but its lead-time rows (one per case and bucket) would not.
DAY_SETS: dict[type[models.Model], tuple[Dims, ...]] = {
    ApplicationRollup: (Dims.SERVICE, Dims.KECAMATAN, Dims.DESA, Dims.OFFICE),
    ApplicationLeadTimeRollup: (Dims.SERVICE, Dims.KECAMATAN),
    ReportRollup: (Dims.CATEGORY, Dims.KECAMATAN, Dims.DESA, Dims.OFFICE),
    ReportLeadTimeRollup: (Dims.CATEGORY, Dims.KECAMATAN),
}
_DROPPED = {
    "office_id": "CAST(NULL AS INTEGER)",
    "service_id": "CAST(NULL AS INTEGER)",
    "category_id": "CAST(NULL AS INTEGER)",
    "desa_code": "''",
    "kecamatan_code": "''",
}


@dataclass(frozen=True)
class _Table:
    source: str  # the daily table
    target: str  # the rollup table
    dims: tuple[str, ...]  # attnames of the grouping columns (region, office, group, days, metric)
    columns: dict[str, str]  # attname -> quoted column
    sums: tuple[str, ...]

    @classmethod
    def of(cls, daily: type[models.Model], rollup: type[models.Model], summed: tuple[str, ...]) -> _Table:
        quote = connection.ops.quote_name
        columns = {f.attname: quote(str(f.column)) for f in rollup._meta.concrete_fields}
        dims = tuple(name for name in columns if name not in ("id", "grain", "dims", "day", *summed))
        return cls(quote(daily._meta.db_table), quote(rollup._meta.db_table), dims, columns, tuple(summed))

    def insert(self, select: str) -> str:
        names = ", ".join(self.columns[c] for c in ("grain", "day", "dims", *self.dims, *self.sums))
        return f"INSERT INTO {self.target} ({names}) {select}"

    def totals(self) -> str:
        return ", ".join(f"SUM({self.columns[c]})" for c in self.sums)


def _constant(value: str) -> str:
    if not value.isalpha():  # grains and dims: code constants, never input
        raise ValueError(value)
    return f"'{value}'"


def _execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sets_write(kind: str, grain: str, first: date, last: date) -> None:
    """Recompute the one-dimension rows of ``grain`` for the periods starting in [first, last].

    Days (only the sets of :data:`DAY_SETS`: per day, a lead-time desa or office set would hold
    as many rows as the daily table) from the daily tables; a month from its every-dimension rows, just
    recomputed; a year from its months' rows of the same sets. One ``INSERT ... SELECT`` per
    table and period (a ``UNION ALL`` of the sets for days and months).
    """
    params: list[Any]
    for daily, rollup, summed in _KIND_ROLLUPS[kind]:
        sets = DAY_SETS[rollup] if grain == Grain.DAY else ROLLUP_SETS[kind]
        table = _Table.of(daily, rollup, summed)
        rollup._default_manager.filter(
            grain=grain, day__gte=first, day__lte=last, dims__in=[dims.value for dims in sets]
        ).delete()
        if grain == Grain.YEAR:  # from the months' rows of the same sets: a few hundred per month
            dims_columns = ", ".join(table.columns[c] for c in ("dims", *table.dims))
            names = [dims.value for dims in sets]
            placeholders = ", ".join(["%s"] * len(names))
            for start in _starts(Grain.YEAR, first, last):
                _execute(
                    table.insert(
                        f"SELECT {_constant(grain)}, %s, {dims_columns}, {table.totals()} "  # noqa: S608  # nosec B608  # model columns and constants only
                        f"FROM {table.target} WHERE dims IN ({placeholders}) "
                        f"AND grain = %s AND day >= %s AND day < %s GROUP BY {dims_columns}"
                    ),
                    [start, *names, Grain.MONTH.value, start, period_after(Grain.YEAR, start)],
                )
            continue
        if grain == Grain.DAY:
            source, where, params = table.source, "day >= %s AND day <= %s", [first, last]
        else:  # a month from its every-dimension rows
            source = table.target
            where = "dims = %s AND grain = %s AND day >= %s AND day <= %s"
            params = [Dims.ALL.value, grain, first, last]
        parts = []
        for dims in sets:
            kept = DIMS_COLUMNS[dims]
            selected = ", ".join(
                table.columns[c] if c in kept or c not in _DROPPED else _DROPPED[c] for c in table.dims
            )
            grouped = ", ".join(table.columns[c] for c in table.dims if c in kept or c not in _DROPPED)
            parts.append(
                f"SELECT {_constant(grain)}, day, {_constant(dims)}, {selected}, {table.totals()} "  # noqa: S608  # nosec B608  # model columns and constants only
                f"FROM {source} WHERE {where} GROUP BY day, {grouped}"
            )
        _execute(table.insert(" UNION ALL ".join(parts)), params * len(parts))


def _all_write(kind: str, grain: str, first: date, groups: Groups) -> None:
    """Recompute the every-dimension rows of one month (from the daily rows) or year (from the months)."""
    after = period_after(grain, first)
    for daily, rollup, summed in _KIND_ROLLUPS[kind]:
        table = _Table.of(daily, rollup, summed)
        stale = rollup._default_manager.filter(grain=grain, day=first, dims=Dims.ALL)
        params: list[Any] = [first]
        if grain == Grain.MONTH:
            source, where = table.source, "day >= %s AND day < %s"
            params += [first, after]
        else:
            source, where = table.target, "grain = %s AND dims = %s AND day >= %s AND day < %s"
            params += [Grain.MONTH.value, Dims.ALL.value, first, after]
        if groups is not None:
            if not groups:
                continue
            chosen = sorted(groups)
            stale = stale.filter(**{f"{_GROUP_FIELD[kind]}__in": chosen})
            placeholders = ", ".join(["%s"] * len(chosen))
            where += f" AND {table.columns[_GROUP_FIELD[kind]]} IN ({placeholders})"
            params += chosen
        stale.delete()
        grouped = ", ".join(table.columns[c] for c in table.dims)
        _execute(
            table.insert(
                f"SELECT {_constant(grain)}, %s, {_constant(Dims.ALL)}, {grouped}, {table.totals()} "  # noqa: S608  # nosec B608  # model columns and constants only
                f"FROM {source} WHERE {where} GROUP BY {grouped}"
            ),
            params,
        )


def _lock_periods(kind: str, grain: str, firsts: list[date]) -> None:
    FactPeriod.objects.bulk_create(
        [FactPeriod(kind=kind, grain=grain, day=d) for d in firsts], ignore_conflicts=True
    )
    list(
        FactPeriod.objects.select_for_update()
        .filter(kind=kind, grain=grain, day__in=firsts)
        .order_by("day")
        .values_list("pk", flat=True)
    )


def _rollups_write(kind: str, grain: str, firsts: list[date], groups: Groups | Mapping[date, Groups]) -> None:
    """Inside a transaction: lock and recompute the months or years starting on ``firsts``.

    ``groups``: the services or categories whose every-dimension rows to recompute (None: all),
    or per first day.
    """
    if not firsts:
        return
    _lock_periods(kind, grain, firsts)
    for first in firsts:
        _all_write(kind, grain, first, groups.get(first) if isinstance(groups, Mapping) else groups)
        _sets_write(kind, grain, first, first)
    FactPeriod.objects.filter(kind=kind, grain=grain, day__in=firsts).update(computed_at=timezone.now())


def rollups_refresh(
    *,
    kind: str,
    days: Iterable[date] | Mapping[date, Groups],
    group: int | None = None,
    groups: Groups = None,
) -> int:
    """Recompute the monthly and yearly rollups holding ``days``; return how many months.

    Called after the days' own transaction committed (which rewrote the days' one-dimension
    rows): each month, then each year, is recomputed in a transaction of its own under its
    :class:`FactPeriod` lock, reading the committed rows, so two workers refreshing different
    days of one month take turns and the last one sees both days.

    ``group``/``groups`` narrow the every-dimension rows recomputed to the services or
    categories changed; ``days`` may instead map each day to its own groups (a batch), and a
    month or year then recomputes the union of its days' groups, once.
    """
    if group is not None:
        groups = _groups(group) if groups is None else groups | {group}
    touched: dict[date, Groups] = dict(days) if isinstance(days, Mapping) else dict.fromkeys(days, groups)
    for grain, start_of in ((Grain.MONTH, month_start), (Grain.YEAR, year_start)):
        periods: dict[date, Groups] = {}
        for day, day_groups in touched.items():
            first = start_of(day)
            periods[first] = _union(periods[first], day_groups) if first in periods else day_groups
        for first in sorted(periods):
            with transaction.atomic():
                _rollups_write(kind, grain, [first], periods[first])
    return len({month_start(d) for d in touched})


def _union(a: Groups, b: Groups) -> Groups:
    return None if a is None or b is None else a | b


def rollups_rebuild() -> int:
    """Recompute every rollup row from the daily rows (after a migration); return the months done."""
    done = 0
    for kind in (Kind.APPLICATION, Kind.REPORT):
        found = [
            daily._default_manager.aggregate(first=Min("day"), last=models.Max("day"))
            for daily, _, _ in _KIND_ROLLUPS[kind]
        ]
        firsts = [f["first"] for f in found if f["first"] is not None]
        lasts = [f["last"] for f in found if f["last"] is not None]
        if not firsts:
            continue
        first, last = min(firsts), max(lasts)
        with transaction.atomic():
            _sets_write(kind, Grain.DAY, first, last)
            months = _starts(Grain.MONTH, first, last)
            _rollups_write(kind, Grain.MONTH, months, None)
            _rollups_write(kind, Grain.YEAR, _starts(Grain.YEAR, first, last), None)
        done += len(months)
    return done


def _starts(grain: str, first: date, last: date) -> list[date]:
    """The first days of the months or years overlapping [first, last]."""
    start = month_start(first) if grain == Grain.MONTH else year_start(first)
    found = []
    while start <= last:
        found.append(start)
        start = period_after(grain, start)
    return found


def _application_open_row(application: Application, asking: frozenset[int]) -> OpenItem:
    place = application_place(
        answers=application.answers_sealed if application.service_id in asking else "",
        home_region=application.applicant.home_region_id,
        office_region=application.office.region_id if application.office is not None else None,
    )
    desa, kecamatan = region_codes(place)
    return OpenItem(
        kind=Kind.APPLICATION,
        item_id=application.pk,
        service_id=application.service_id,
        office_id=application.office_id,
        officer_id=application.assigned_to_id,
        desa_code=desa,
        kecamatan_code=kecamatan,
        status=application.status,
        due_at=application.due_at,
        paused=application.paused_at is not None,
        received_at=application.submitted_at,
    )


_VERIFY_CLOCK = frozenset({ReportStatus.RECEIVED, ReportStatus.VERIFIED})
_FOLLOWUP_CLOCK = frozenset({ReportStatus.DISPOSED, ReportStatus.IN_PROGRESS})


def _report_open_row(report: Report, office_id: int | None) -> OpenItem:
    desa, kecamatan = region_codes(report.region_id)
    if report.status in _VERIFY_CLOCK:
        due, paused = report.verify_due_at, False
    elif report.status in _FOLLOWUP_CLOCK:
        due, paused = report.followup_due_at, False
    else:  # postponed (the verify clock stops), answered (waiting for the reporter)
        due, paused = report.followup_due_at or report.verify_due_at, True
    return OpenItem(
        kind=Kind.REPORT,
        item_id=report.pk,
        category_id=report.category_id,
        office_id=office_id,
        desa_code=desa,
        kecamatan_code=kecamatan,
        status=report.status,
        due_at=due,
        paused=paused,
        received_at=report.received_at,
    )


_OPEN_FIELDS = [
    "service_id",
    "category_id",
    "office_id",
    "officer_id",
    "desa_code",
    "kecamatan_code",
    "status",
    "due_at",
    "paused",
    "received_at",
]


def _open_item_save(kind: str, item_id: int, row: OpenItem | None) -> None:
    if row is None:
        OpenItem.objects.filter(kind=kind, item_id=item_id).delete()
        return
    OpenItem.objects.update_or_create(
        kind=kind, item_id=item_id, defaults={name: getattr(row, name) for name in _OPEN_FIELDS}
    )


def _event_days(model: type[models.Model], column: str, ids: Collection[int]) -> dict[int, set[date]]:
    """{item id: the WIB days of its timeline events} for the items ``ids`` (one query)."""
    found: dict[int, set[date]] = defaultdict(set)
    if ids:
        events = model._default_manager.filter(**{f"{column}__in": sorted(ids)})
        for item_id, at in events.values_list(column, "occurred_at"):
            found[item_id].add(wib_day(at))
    return found


def _touched(kind: str, ids: Collection[int]) -> tuple[dict[date, set[int]], dict[int, OpenItem | None]]:
    """(the days the items touched, each with the items' services or categories; each item's open row).

    An item touches its received and decided (answered) days and the day of each of its timeline
    events (which covers an answer undone by a reopen, or a forward to another office). A missing
    item (deleted) or a draft touches nothing and has no open row.
    """
    touched: dict[date, set[int]] = defaultdict(set)
    open_rows: dict[int, OpenItem | None] = dict.fromkeys(ids)
    if kind == Kind.APPLICATION:
        applications = list(
            Application.objects.real()
            .select_related("applicant", "office")
            .filter(pk__in=sorted(ids))
            .exclude(status=AppStatus.DRAFT)
        )
        events = _event_days(TimelineEvent, "application_id", [a.pk for a in applications])
        asking = _services_asking_for_desa() if applications else frozenset()
        for application in applications:
            instants = (application.submitted_at, application.decided_at)
            days = {wib_day(at) for at in instants if at is not None} | events[application.pk]
            for day in days:
                touched[day].add(application.service_id)
            if application.status in OPEN_STATUSES:
                open_rows[application.pk] = _application_open_row(application, asking)
    elif kind == Kind.REPORT:
        reports = list(
            Report.objects.real().filter(pk__in=sorted(ids)).annotate(primary_office=_primary_office())
        )
        events = _event_days(ReportEvent, "report_id", [r.pk for r in reports])
        for report in reports:
            instants = (report.received_at, report.answered_at)
            days = {wib_day(at) for at in instants if at is not None} | events[report.pk]
            for day in days:
                touched[day].add(report.category_id)
            if report.status in REPORT_OPEN_STATUSES:
                open_rows[report.pk] = _report_open_row(report, report.primary_office)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return touched, open_rows


def _open_items_save(kind: str, rows: Mapping[int, OpenItem | None]) -> None:
    """Rewrite the open-item rows of the items in ``rows`` (None: the item is not open)."""
    if len(rows) == 1:
        ((item_id, row),) = rows.items()
        _open_item_save(kind, item_id, row)
        return
    closed = sorted(item_id for item_id, row in rows.items() if row is None)
    if closed:
        OpenItem.objects.filter(kind=kind, item_id__in=closed).delete()
    OpenItem.objects.bulk_create(
        [row for _, row in sorted(rows.items()) if row is not None],
        update_conflicts=True,
        unique_fields=["kind", "item_id"],
        update_fields=_OPEN_FIELDS,
    )


def items_refresh(*, kind: str, ids: Iterable[int]) -> int:
    """Bring the summaries up to date after the items ``ids`` of one kind changed; return the days rebuilt.

    The batch form of :func:`item_refresh`, with the same result as refreshing the items one by
    one: each day any of them touched is rebuilt once for all the services (categories) the
    items have on that day, then each touched month and year is recomputed once for the whole
    batch (not once per item), then the items' open rows are rewritten. Each day, month and year
    is its own transaction, as for one item: a batch cut short leaves committed days and periods
    exact, and running it again (the tasks stay queued until it finished) completes it.
    """
    wanted = set(ids)
    if not wanted:
        return 0
    touched, open_rows = _touched(kind, wanted)
    day_groups: dict[date, Groups] = {day: frozenset(groups) for day, groups in touched.items()}
    for day in sorted(day_groups):
        facts_rebuild_day(kind=kind, day=day, groups=day_groups[day], rollup=False)
    rollups_refresh(kind=kind, days=day_groups)
    with transaction.atomic():
        _open_items_save(kind, open_rows)
    if touched:
        public_figures_changed()
    return len(touched)


def item_refresh(*, kind: str, item_id: int) -> int:
    """Bring the summaries up to date after one item changed; return how many days were rebuilt."""
    return items_refresh(kind=kind, ids=[item_id])


def open_items_rebuild() -> int:
    """Rewrite the whole open-item table from the open raw rows; return how many are open."""
    applications = (
        Application.objects.real().filter(status__in=OPEN_STATUSES).select_related("applicant", "office")
    )
    reports = (
        Report.objects.real()
        .filter(status__in=REPORT_OPEN_STATUSES)
        .annotate(primary_office=_primary_office())
    )
    asking = _services_asking_for_desa()
    rows = [_application_open_row(a, asking) for a in applications.iterator(chunk_size=2000)]
    rows += [_report_open_row(r, r.primary_office) for r in reports.iterator(chunk_size=2000)]
    with transaction.atomic():
        OpenItem.objects.all().delete()
        OpenItem.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def facts_rebuild_range(*, first: date, last: date) -> int:
    """Recompute both kinds for every day in [first, last] in one pass over the raw rows; return days.

    One query per kind over the range (not one per day), so rebuilding years stays a single scan.
    """
    days = _days(first, last)
    wanted = set(days)
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    with transaction.atomic():
        for kind in (Kind.APPLICATION, Kind.REPORT):
            FactDay.objects.bulk_create([FactDay(kind=kind, day=d) for d in days], ignore_conflicts=True)
        list(
            FactDay.objects.select_for_update().filter(day__gte=first, day__lte=last).order_by("kind", "day")
        )
        applications = _with_place(Application.objects.real().exclude(status=AppStatus.DRAFT)).filter(
            Q(submitted_at__gte=start, submitted_at__lt=end) | Q(decided_at__gte=start, decided_at__lt=end)
        )
        app_facts = _application_facts(
            applications.values_list(*_APP_COLUMNS).iterator(chunk_size=5000), wanted
        )
        verified = ReportEvent.objects.filter(action="verify", occurred_at__gte=start, occurred_at__lt=end)
        reports = _report_rows().filter(
            Q(received_at__gte=start, received_at__lt=end)
            | Q(answered_at__gte=start, answered_at__lt=end)
            | Q(pk__in=verified.values("report_id"))
        )
        report_facts = _report_facts(reports.values_list(*_REPORT_COLUMNS).iterator(chunk_size=5000), wanted)
        for model in (ApplicationDaily, ApplicationLeadTime, OfficerDaily, ReportDaily, ReportLeadTime):
            model.objects.filter(day__gte=first, day__lte=last).delete()
        _application_facts_write(app_facts)
        _report_facts_write(report_facts)
        FactDay.objects.filter(day__gte=first, day__lte=last).update(computed_at=timezone.now())
        for kind in (Kind.APPLICATION, Kind.REPORT):
            _sets_write(kind, Grain.DAY, first, last)
            _rollups_write(kind, Grain.MONTH, _starts(Grain.MONTH, first, last), None)
            _rollups_write(kind, Grain.YEAR, _starts(Grain.YEAR, first, last), None)
    public_figures_changed()
    return len(days)


def facts_reconcile(*, days: int = RECONCILE_DAYS, today: date | None = None) -> int:
    """Rebuild the last ``days`` days of both kinds and the open items; return the days rebuilt."""
    today = today or wib_day(timezone.now())
    count = facts_rebuild_range(first=today - timedelta(days=days - 1), last=today)
    open_items_rebuild()
    return count


def facts_rebuild_all(*, today: date | None = None) -> int:
    """Rebuild every day from the first application or report to today; return the days rebuilt."""
    today = today or wib_day(timezone.now())
    firsts = [
        Application.objects.real().aggregate(first=Min("submitted_at"))["first"],
        Report.objects.real().aggregate(first=Min("received_at"))["first"],
    ]
    known = [wib_day(at) for at in firsts if at is not None]
    count = facts_rebuild_range(first=min(known), last=today) if known else 0
    open_items_rebuild()
    return count
