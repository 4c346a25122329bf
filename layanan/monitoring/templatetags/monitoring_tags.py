from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Status as ReportStatus

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or None (for the per-group IKM dictionaries)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def application_status(value: str) -> str:
    """The people's label of an application status (``submitted`` → "Diajukan")."""
    return str(ApplicationStatus(value).label) if value in ApplicationStatus.values else value


@register.filter
def report_status(value: str) -> str:
    """The people's label of a report status (``in_progress`` → "Sedang ditindaklanjuti")."""
    return str(ReportStatus(value).label) if value in ReportStatus.values else value


# --- the dashboards' table bodies ------------------------------------------------------------------
#
# A dashboard grouped by desa has ~250 rows of 10-11 cells: rendered through template tags, the
# engine's cost per variable was half the page's time. These build the same rows in Python, every
# value escaped by format_html, numbers unlocalized as inside ``{% localize off %}``.

DASH = "\u2013"  # en dash: no figure


def _plain(value: Any) -> Any:
    """A value as ``{% localize off %}{{ value }}`` shows it (a dash for None)."""
    return DASH if value is None else localize(value, use_l10n=False)


def _ratio(part: int, whole: int) -> str:
    """``part/whole (p%)``, p as ``{% widthratio part whole 100 %}`` rounds it."""
    return f"{part}/{whole} ({round(part / whole * 100)}%)"


def _ikm_cell(result: Any) -> SafeString:
    if not result:
        return format_html("<td>{}</td>", DASH)
    note = "" if result.sample_ok else f"; {result.sample_label}"
    return format_html("<td>{} ({}{})</td>", _plain(result.ikm), _plain(result.respondents), note)


@register.simple_tag
def application_rows(rows: Iterable[Any], ikm: Mapping[Any, Any] | None = None) -> SafeString:
    """The ``<tr>`` of each group of the applications dashboard (the IKM cell when ``ikm`` is given)."""
    few = format_html('<span class="secondary">{}</span>', gettext("terlalu sedikit kasus"))
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td>{}</tr>\n",
        (
            (
                row.label,
                _plain(row.received),
                _plain(row.previous_received),
                _plain(row.completed),
                DASH if row.on_time_share is None else _ratio(row.completed_on_time, row.completed),
                _plain(row.median_days),
                _plain(row.p90_days),
                _plain(row.open),
                _plain(row.breaches),
                _plain(row.rank) if row.rank else few,
                _ikm_cell(ikm.get(row.key)) if ikm else "",
            )
            for row in rows
        ),
    )


@register.simple_tag
def report_rows(rows: Iterable[Any]) -> SafeString:
    """The ``<tr>`` of each group of the reports dashboard."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        (
            (
                row.label,
                _plain(row.received),
                _plain(row.previous_received),
                _plain(row.verified),
                _plain(row.median_verify_days),
                _plain(row.answered),
                _ratio(row.answered_on_time, row.answered) if row.answered else DASH,
                _plain(row.median_answer_days),
                f"{row.reopened}/{row.cohort_answered}" if row.cohort_answered else DASH,
                f"{row.satisfied}/{row.rated}" if row.rated else DASH,
                _plain(row.open),
            )
            for row in rows
        ),
    )
