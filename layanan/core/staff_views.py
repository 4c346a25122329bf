"""What every staff work page shares: the posted form and its problems, and the tabs of a queue.

A work page posts each action with the case's ``version`` as the officer saw it;
the action's parser reads the posted fields through :func:`posted_text` and
:func:`required_text` and raises :class:`Invalid` with the :class:`Problem` list
for the error summary; the page is then rendered again with :class:`Posted`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from layanan.core.forms import REASON_MAX


@dataclass
class Problem:
    """One error for the summary: the message and the id of the field (or section) it belongs to."""

    message: str
    target: str


class Invalid(Exception):
    """The posted form is incomplete; the problems say where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems

    @classmethod
    def one(cls, message: str, target: str) -> Invalid:
        """The form with one problem."""
        return cls([Problem(message, target)])


@dataclass
class Posted:
    """What the officer posted, to fill the forms again after an error."""

    action: str = ""
    values: dict[str, str] = field(default_factory=dict)


class Problems:
    """The problems found while reading one posted form, all reported at once by :meth:`raise_any`."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def check(self, ok: bool, message: str, target: str) -> None:
        if not ok:
            self.found.append(Problem(message, target))

    def text(self, request: HttpRequest, name: str, *, target: str, message: str) -> str:
        """:func:`posted_text`, noting ``message`` when it is empty."""
        value = posted_text(request, name)
        self.check(bool(value), message, target)
        return value

    def raise_any(self) -> None:
        if self.found:
            raise Invalid(self.found)


def posted_values(request: HttpRequest) -> dict[str, str]:
    """Every posted field but the CSRF token, for :class:`Posted`."""
    return {key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"}


def field_errors(problems: Iterable[Problem]) -> dict[str, str]:
    """The problems by field, as the template looks them up (``reject-reason`` → ``reject_reason``)."""
    return {problem.target.replace("-", "_"): problem.message for problem in problems}


def posted_version(request: HttpRequest) -> int:
    """The case's version the officer saw when the page was rendered."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # no version seen: never matches, so the officer is asked to reload


def posted_text(request: HttpRequest, name: str, *, clip: int | None = None) -> str:
    """The posted field without surrounding space; cut to ``clip`` characters when given."""
    value = request.POST.get(name, "").strip()
    return value if clip is None else value[:clip]


def required_text(
    request: HttpRequest, name: str, *, target: str, message: str, clip: int | None = None
) -> str:
    """:func:`posted_text` that must not be empty (``message``) nor longer than :data:`REASON_MAX`."""
    value = posted_text(request, name, clip=clip)
    if not value:
        raise Invalid.one(message, target)
    if len(value) > REASON_MAX:
        raise Invalid.one(_("Tulis paling banyak %(max)d karakter.") % {"max": REASON_MAX}, target)
    return value


def form_state(problems: list[Problem], posted: Posted) -> dict[str, object]:
    """A work page's forms, for its context: the problems for the summary, by field, and what was posted."""
    return {"problems": problems, "errors": field_errors(problems), "posted": posted}


# --- the queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    count: int
    current: bool


def queue_bucket(request: HttpRequest, buckets: Sequence[str]) -> str:
    """The bucket asked for (``?kelompok=``), the first one when none or an unknown one is."""
    bucket = request.GET.get("kelompok", buckets[0])
    return bucket if bucket in buckets else buckets[0]


def queue_render(
    request: HttpRequest,
    template: str,
    *,
    office: object,
    buckets: Sequence[str],
    labels: Mapping[str, object],
    bucket: str,
    counts: Mapping[str, int],
    rows: Sequence[object],
    read_only: bool,
) -> HttpResponse:
    """A queue page: one tab a bucket, named by ``labels``, and the rows of the current bucket.

    The template includes ``core/_queue_tabs.html``; ``kantor`` keeps the office asked for in
    the tabs' links.
    """
    tabs = [
        Tab(slug=slug, label=str(labels.get(slug, slug)), count=counts.get(slug, 0), current=slug == bucket)
        for slug in buckets
    ]
    context = {
        "office": office,
        "bucket": bucket,
        "bucket_label": labels.get(bucket, bucket),
        "tabs": tabs,
        "rows": rows,
        "read_only": read_only,
        "kantor": request.GET.get("kantor", "").strip(),
    }
    return render(request, template, context)
