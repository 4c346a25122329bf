# ruff: noqa: RUF001  (the templates' en dash)
"""The dashboards' table bodies built in Python show what the template loops showed, cell for cell."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Template

from layanan.monitoring.selectors import ApplicationFigures, ReportFigures
from layanan.monitoring.templatetags.monitoring_tags import application_rows, report_rows

# The loops the tags replaced (applications.html and reports.html before the tags).
APPLICATIONS = Template(
    "{% load i18n l10n monitoring_tags %}{% localize off %}"
    "{% for row in rows %}<tr>"
    '<th scope="row">{{ row.label }}</th>'
    "<td>{{ row.received }}</td>"
    "<td>{{ row.previous_received }}</td>"
    "<td>{{ row.completed }}</td>"
    "<td>{% if row.on_time_share is not None %}{{ row.completed_on_time }}/{{ row.completed }} "
    "({% widthratio row.completed_on_time row.completed 100 %}%){% else %}–{% endif %}</td>"
    '<td>{{ row.median_days|default_if_none:"–" }}</td>'
    '<td>{{ row.p90_days|default_if_none:"–" }}</td>'
    "<td>{{ row.open }}</td>"
    "<td>{{ row.breaches }}</td>"
    "<td>{% if row.rank %}{{ row.rank }}{% else %}"
    '<span class="secondary">{% translate "terlalu sedikit kasus" %}</span>{% endif %}</td>'
    "{% if ikm %}<td>{% with result=ikm|lookup:row.key %}{% if result %}"
    '{{ result.ikm|default_if_none:"–" }} ({{ result.respondents }}{% if not result.sample_ok %}'
    "; {{ result.sample_label }}{% endif %}){% else %}–{% endif %}{% endwith %}</td>"
    "{% endif %}</tr>{% endfor %}{% endlocalize %}"
)
REPORTS = Template(
    "{% load i18n l10n %}{% localize off %}"
    "{% for row in rows %}<tr>"
    '<th scope="row">{{ row.label }}</th>'
    "<td>{{ row.received }}</td>"
    "<td>{{ row.previous_received }}</td>"
    "<td>{{ row.verified }}</td>"
    '<td>{{ row.median_verify_days|default_if_none:"–" }}</td>'
    "<td>{{ row.answered }}</td>"
    "<td>{% if row.answered %}{{ row.answered_on_time }}/{{ row.answered }} "
    "({% widthratio row.answered_on_time row.answered 100 %}%){% else %}–{% endif %}</td>"
    '<td>{{ row.median_answer_days|default_if_none:"–" }}</td>'
    "<td>{% if row.cohort_answered %}{{ row.reopened }}/{{ row.cohort_answered }}{% else %}"
    "–{% endif %}</td>"
    "<td>{% if row.rated %}{{ row.satisfied }}/{{ row.rated }}{% else %}–{% endif %}</td>"
    "<td>{{ row.open }}</td>"
    "</tr>{% endfor %}{% endlocalize %}"
)


@dataclass
class Ikm:
    ikm: float | None
    respondents: int
    sample_ok: bool
    sample_label: str


def _cells(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def _applications() -> list[ApplicationFigures]:
    rows = [
        ApplicationFigures(key=1, label="Desa <Maju> & Jaya", received=12345, previous_received=0),
        ApplicationFigures(key=2, label="KTP-el", received=7, completed=3, completed_on_time=1, rank=2),
        ApplicationFigures(key=3, label="Izin", completed=8, completed_on_time=5, median_days=4, p90_days=31),
        ApplicationFigures(
            key="", label="Tanpa wilayah", completed=200, completed_on_time=1, open=3, breaches=1
        ),
    ]
    rows[2].rank = 1
    rows[1].median_days, rows[1].p90_days = 0, 2
    return rows


def test_the_application_rows_are_those_of_the_template_loop(settings):
    settings.USE_THOUSAND_SEPARATOR = True  # numbers stay plain, as inside localize off
    rows = _applications()
    for ikm in (
        {},
        {
            1: Ikm(82.75, 40, True, ""),
            2: Ikm(None, 3, False, "sampel <belum> cukup"),
            3: Ikm(90.0, 1234, True, ""),
        },
    ):
        expected = APPLICATIONS.render(Context({"rows": rows, "ikm": ikm}))
        assert _cells(application_rows(rows, ikm)) == _cells(expected)
    assert "&lt;Maju&gt; &amp; Jaya" in application_rows(rows, {})


def test_the_report_rows_are_those_of_the_template_loop(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    rows = [
        ReportFigures(
            key=1, label="Jalan <rusak>", received=1500, verified=3, answered=2, answered_on_time=1
        ),
        ReportFigures(key=2, label="Blanko", received=4, cohort_answered=3, reopened=1, rated=2, satisfied=2),
        ReportFigures(key=None, label="—", open=9),
    ]
    rows[0].median_verify_days, rows[0].median_answer_days = 1, 12
    expected = REPORTS.render(Context({"rows": rows}))
    assert _cells(report_rows(rows)) == _cells(expected)
