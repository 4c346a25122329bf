"""Summary ("fact") tables behind the dashboards, kept up to date by tasks.

The dashboards never aggregate the raw applications and reports on a page view.
They read these tables, which hold one row per day (WIB) and group, recomputed
from the raw rows of that day only (``services.facts_rebuild_day``):

- :class:`ApplicationDaily`: per day x service x office x desa, the applications
  received that day, and those decided that day (completed, completed on time,
  rejected, withdrawn);
- :class:`ApplicationLeadTime`: the histogram of whole working days from
  submission to completion of the applications completed that day (the last
  bucket, ``LEAD_TIME_OVERFLOW``, holds everything that long or longer);
- :class:`ReportDaily` / :class:`ReportLeadTime`: the same for reports, per day x
  category x office (the first active disposition) x desa, with time to verify
  and time to answer;
- :class:`OfficerDaily`: applications completed per officer (assigned) per day;
- :class:`OpenItem`: one row per open application or report (the backlog; small,
  indexed), with its status, deadline and whether the clock is paused;
- :class:`FactDay`: one row per kind and day, locked while that day is rebuilt;
- the rollups :class:`ApplicationRollup`, :class:`ApplicationLeadTimeRollup`,
  :class:`ReportRollup`, :class:`ReportLeadTimeRollup`: the daily rows summed
  per ``grain`` (day, month, year; ``day`` is the first day of the month or year)
  over ``dims``: ``all`` keeps every dimension (months and years only: the daily
  tables are that set's days), ``service``/``category``/``office``/``kecamatan``/
  ``desa`` keep only that one column (``kecsvc``: kecamatan and service; the
  others are NULL or ''), which is all an unfiltered dashboard grouped by it
  needs: a few dozen rows per day, month or year instead of thousands.
  Recomputed from the daily rows whenever a day of theirs is (``services``);
  :class:`FactPeriod` marks a month or year and is locked while it is recomputed.

Only codes and ids are stored: no personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

LEAD_TIME_OVERFLOW = 31  # working days; the last histogram bucket is "31 or more"


class Kind(models.TextChoices):
    APPLICATION = "application", "application"
    REPORT = "report", "report"


class FactDay(models.Model):
    kind = models.CharField(max_length=12, choices=Kind.choices)
    day = models.DateField()
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "day"], name="monitoring_factday_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class Grain(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


class Dims(models.TextChoices):
    """Which dimensions a rollup row keeps (see the module docstring)."""

    ALL = "all", "all"
    SERVICE = "service", "service"
    CATEGORY = "category", "category"
    OFFICE = "office", "office"
    KECAMATAN = "kecamatan", "kecamatan"
    DESA = "desa", "desa"
    KECAMATAN_SERVICE = "kecsvc", "kecamatan x service"


class FactPeriod(models.Model):
    """A month or a year of one kind, locked while its rollup rows are recomputed."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    grain = models.CharField(max_length=5, choices=Grain.choices)
    day = models.DateField()  # the first day of the month or year
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "grain", "day"], name="monitoring_factperiod_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.grain} {self.day}"


class _Dimensions(models.Model):
    day = models.DateField()
    office = models.ForeignKey(
        "agencies.Office",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    desa_code = models.CharField(max_length=13, blank=True, default="")
    kecamatan_code = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        abstract = True


class ApplicationDaily(_Dimensions):
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    received = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "office"]),
            models.Index(fields=["office", "day"]),
            models.Index(fields=["service", "day"], name="monitoring_appdaily_service"),
        ]

    def __str__(self) -> str:
        return f"{self.day} service {self.service_id}"


class ApplicationLeadTime(_Dimensions):
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "office"]),
            models.Index(fields=["service", "day"], name="monitoring_applead_service"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.days}d x {self.count}"


class ReportDaily(_Dimensions):
    category = models.ForeignKey(
        "complaints.Category", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    received = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    # Of the reports received that day (a cohort): answered at least once, reopened, rated.
    cohort_answered = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "office"]),
            models.Index(fields=["office", "day"]),
            models.Index(fields=["category", "day"], name="monitoring_repdaily_category"),
        ]

    def __str__(self) -> str:
        return f"{self.day} category {self.category_id}"


class ReportLeadTime(_Dimensions):
    class Metric(models.TextChoices):
        VERIFY = "verify", "verify"
        ANSWER = "answer", "answer"

    category = models.ForeignKey(
        "complaints.Category", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    metric = models.CharField(max_length=6, choices=Metric.choices)
    days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "office"]),
            models.Index(fields=["category", "day"], name="monitoring_replead_category"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.days}d x {self.count}"


class OfficerDaily(models.Model):
    day = models.DateField()
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    office = models.ForeignKey(
        "agencies.Office",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "office"])]

    def __str__(self) -> str:
        return f"{self.day} officer {self.officer_id}"


class OpenItem(models.Model):
    """An application or a report that is still open: the backlog, read without scanning the raw tables."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    item_id = models.BigIntegerField()
    service_id = models.IntegerField(null=True, blank=True)  # applications
    category_id = models.IntegerField(null=True, blank=True)  # reports
    office = models.ForeignKey(
        "agencies.Office",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    officer_id = models.IntegerField(null=True, blank=True)
    desa_code = models.CharField(max_length=13, blank=True, default="")
    kecamatan_code = models.CharField(max_length=8, blank=True, default="")
    status = models.CharField(max_length=14)
    due_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "item_id"], name="monitoring_openitem_once")]
        indexes = [models.Index(fields=["kind", "office"]), models.Index(fields=["kind", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_id} {self.status}"


# --- rollups: the daily rows summed per month and per year ----------------------------------------


class _Rollup(_Dimensions):
    grain = models.CharField(max_length=5, choices=Grain.choices)
    dims = models.CharField(max_length=9, choices=Dims.choices)

    class Meta:
        abstract = True


class ApplicationRollup(_Rollup):
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    received = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["dims", "grain", "day"], name="monitoring_approllup_day"),
            models.Index(fields=["dims", "grain", "service", "day"], name="monitoring_approllup_group"),
            models.Index(fields=["office", "grain", "day"], name="monitoring_approllup_office"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} service {self.service_id}"


class ApplicationLeadTimeRollup(_Rollup):
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["dims", "grain", "day"], name="monitoring_applead_day"),
            models.Index(fields=["dims", "grain", "service", "day"], name="monitoring_applead_group"),
            models.Index(fields=["office", "grain", "day"], name="monitoring_applead_office"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.days}d x {self.count}"


class ReportRollup(_Rollup):
    category = models.ForeignKey(
        "complaints.Category",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    received = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    cohort_answered = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["dims", "grain", "day"], name="monitoring_reprollup_day"),
            models.Index(fields=["dims", "grain", "category", "day"], name="monitoring_reprollup_group"),
            models.Index(fields=["office", "grain", "day"], name="monitoring_reprollup_office"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} category {self.category_id}"


class ReportLeadTimeRollup(_Rollup):
    category = models.ForeignKey(
        "complaints.Category",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    metric = models.CharField(max_length=6, choices=ReportLeadTime.Metric.choices)
    days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["dims", "grain", "day"], name="monitoring_replead_day"),
            models.Index(fields=["dims", "grain", "category", "day"], name="monitoring_replead_group"),
            models.Index(fields=["office", "grain", "day"], name="monitoring_replead_office"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.metric} {self.days}d x {self.count}"


# The columns each set keeps, smallest sets first (a reader takes the first that has what it needs).
DIMS_COLUMNS: dict[str, tuple[str, ...]] = {
    Dims.SERVICE: ("service_id",),
    Dims.CATEGORY: ("category_id",),
    Dims.KECAMATAN: ("kecamatan_code",),
    Dims.DESA: ("desa_code",),
    Dims.OFFICE: ("office_id",),
    Dims.KECAMATAN_SERVICE: ("kecamatan_code", "service_id"),
}

# The counts of the daily and rollup rows of each kind (the rest of a row is its grouping).
APPLICATION_COUNTS = ("received", "completed", "completed_on_time", "rejected", "withdrawn")
REPORT_COUNTS = (
    "received",
    "verified",
    "answered",
    "answered_on_time",
    "cohort_answered",
    "reopened",
    "rated",
    "satisfied",
)

# Each daily model, its rollup model, and the columns summed (the rest are the grouping).
ROLLUPS: tuple[tuple[type[models.Model], type[models.Model], tuple[str, ...]], ...] = (
    (ApplicationDaily, ApplicationRollup, APPLICATION_COUNTS),
    (ApplicationLeadTime, ApplicationLeadTimeRollup, ("count",)),
    (ReportDaily, ReportRollup, REPORT_COUNTS),
    (ReportLeadTime, ReportLeadTimeRollup, ("count",)),
)
