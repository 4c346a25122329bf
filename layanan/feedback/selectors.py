"""Reads of the feedback app: the product page's figures and texts, the exports, the public changes.

Everything an administrator or a leader reads asks ``feedback.read`` first
(``layanan.accounts.permissions``); feedback belongs to no office, so whoever may read it reads all
of it. The free texts were redacted before they were stored. The platform question of the SKM is
read here from the survey's answers, apart from the IKM (``layanan.survey.ikm`` never sees it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from layanan.accounts.permissions import Actor, require
from layanan.feedback.models import PageFeedback, PlatformChange, Tag
from layanan.survey.models import Response
from layanan.survey.platform_question import PLATFORM_EASE

# Namespaces whose pages never ask for feedback (and are refused as a page name).
NO_FEEDBACK_NAMESPACES = frozenset({"admin", "feedback"})


def _names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> list[str]:
    found: list[str] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found.extend(_names(entry.url_patterns, inner))
        elif entry.name:
            found.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return found


@lru_cache(maxsize=1)
def page_names() -> frozenset[str]:
    """Every URL name a visitor may give feedback on (the admin's and this app's own left out)."""
    return frozenset(
        name
        for name in _names(get_resolver().url_patterns)
        if name.split(":", 1)[0] not in NO_FEEDBACK_NAMESPACES
    )


def page_name_valid(name: str) -> bool:
    return name in page_names()


# --- the product page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    page: str = ""
    since: date | None = None
    until: date | None = None
    answer: str = ""  # "ya", "tidak", "kosong" (a problem report without a vote) or "" (all)
    tag: Tag | None = None
    with_text: bool = False


def feedback_list(*, actor: Actor, filters: Filters | None = None) -> QuerySet[PageFeedback]:
    """The feedback rows the actor may read (all of them, for ``feedback.read``), filtered."""
    require(actor, "feedback.read")
    rows = PageFeedback.objects.all()
    f = filters or Filters()
    if f.page:
        rows = rows.filter(page=f.page)
    if f.since is not None:
        rows = rows.filter(created_at__gte=_start_of(f.since))
    if f.until is not None:
        rows = rows.filter(created_at__lt=_start_of(f.until + timedelta(days=1)))
    if f.answer == "ya":
        rows = rows.filter(helpful=True)
    elif f.answer == "tidak":
        rows = rows.filter(helpful=False)
    elif f.answer == "kosong":
        rows = rows.filter(helpful__isnull=True)
    if f.tag is not None:
        rows = rows.filter(tags=f.tag)
    if f.with_text:
        rows = rows.exclude(trying="", problem="")
    return rows


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Tally:
    """Votes of one page or one week."""

    key: str | date
    yes: int
    no: int
    reports: int  # problem reports without a vote

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def yes_share(self) -> float | None:
        """Share of "Ya" among the votes (0-1), None without votes."""
        return self.yes / self.votes if self.votes else None

    @property
    def yes_percent(self) -> str:
        share = self.yes_share
        return "" if share is None else f"{share * 100:.0f}"


_YES = Count("id", filter=Q(helpful=True))
_NO = Count("id", filter=Q(helpful=False))
_REPORTS = Count("id", filter=Q(helpful__isnull=True))


def tally_by_page(rows: QuerySet[PageFeedback]) -> list[Tally]:
    """Votes per page, the page with the most feedback first."""
    grouped = (
        rows.order_by()
        .values("page")
        .annotate(n=Count("id"), yes=_YES, no=_NO, reports=_REPORTS)
        .order_by("-n", "page")
    )
    return [Tally(row["page"], row["yes"], row["no"], row["reports"]) for row in grouped]


def tally_by_week(rows: QuerySet[PageFeedback]) -> list[Tally]:
    """Votes per week (Monday, WIB), the latest week first."""
    grouped = (
        rows.order_by()
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(yes=_YES, no=_NO, reports=_REPORTS)
        .order_by("-week")
    )
    return [Tally(_day(row["week"]), row["yes"], row["no"], row["reports"]) for row in grouped]


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def most_unhelpful(rows: QuerySet[PageFeedback], *, limit: int = 10) -> list[Tally]:
    """The pages with the most "Tidak", the most first (pages without any "Tidak" left out)."""
    return [t for t in sorted(tally_by_page(rows), key=lambda t: (-t.no, t.key)) if t.no][:limit]


def texts(rows: QuerySet[PageFeedback]) -> QuerySet[PageFeedback]:
    """The rows with a free text, newest first, with their tags."""
    return rows.exclude(trying="", problem="").prefetch_related("tags").order_by("-created_at", "-pk")


def tags_active() -> QuerySet[Tag]:
    return Tag.objects.filter(is_active=True)


# --- the SKM's platform question -----------------------------------------------------------------


@dataclass(frozen=True)
class PlatformEase:
    """The answers to the SKM's platform question in a period (never part of the IKM)."""

    counts: tuple[int, int, int, int]  # answers 1..4
    unanswered: int
    labels: tuple[str, ...] = field(default=())

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> str:
        if not self.answered:
            return ""
        total = sum(score * count for score, count in enumerate(self.counts, start=1))
        return f"{total / self.answered:.2f}"

    def rows(self) -> list[tuple[str, int, str]]:
        """(answer, count, share of the answers in %) for 1..4."""
        return [
            (label, count, f"{count * 100 / self.answered:.0f}" if self.answered else "")
            for label, count in zip(self.labels, self.counts, strict=True)
        ]


def platform_ease(*, actor: Actor, start: date | None = None, end: date | None = None) -> PlatformEase:
    """How easy the respondents of the SKM found the platform (the survey's ``platform_ease``)."""
    require(actor, "feedback.read")
    answers = Response.objects.all()
    if start is not None:
        answers = answers.filter(period__gte=start)
    if end is not None:
        answers = answers.filter(period__lte=end)
    found = dict(
        answers.order_by().values("platform_ease").annotate(n=Count("id")).values_list("platform_ease", "n")
    )
    return PlatformEase(
        counts=(found.get(1, 0), found.get(2, 0), found.get(3, 0), found.get(4, 0)),
        unanswered=found.get(None, 0),
        labels=tuple(str(answer) for answer in PLATFORM_EASE.answers),
    )


# --- the public page ----------------------------------------------------------------------------


def platform_changes() -> QuerySet[PlatformChange]:
    """Every recorded change, the latest first (public: no person in them)."""
    return PlatformChange.objects.prefetch_related("tags").order_by("-date", "-pk")
