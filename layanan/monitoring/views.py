"""Dashboards for leaders (``dasbor/``), their exports, and the public transparency page (``transparansi/``).

Views only parse the period form, call the selectors (which check ``dashboard.read``
and scope to the actor) and render. Everything works without JavaScript; the
small module ``monitoring/live.js`` refreshes the live fragment when it can.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import xlsxwriter
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.forms.utils import flatatt
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from layanan.accounts.permissions import require, scope
from layanan.agencies.models import Office
from layanan.catalogue.models import Service
from layanan.complaints.models import Category
from layanan.core.views import harden_file_response
from layanan.monitoring import charts, selectors
from layanan.monitoring.selectors import Filters, Period
from layanan.monitoring.services import public_figures_version, wib_day
from layanan.regions.models import Region

MAX_DAYS = 366 * 5  # the rollups keep any period up to five years fast


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python: Django's widget renders a template per option, which for the
    few hundred offices cost more than all the dashboard's queries together."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs) | {"name": name}
        chosen = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if key is None else str(key),
                    " selected" if str(key or "") in chosen else "",
                    label,
                )
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final), options)


class PeriodForm(forms.Form):
    dari = forms.DateField(
        label=gettext_lazy("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=gettext_lazy("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    layanan = forms.TypedChoiceField(
        widget=QuickSelect, label=gettext_lazy("Layanan"), required=False, coerce=int, empty_value=None
    )
    kategori = forms.TypedChoiceField(
        widget=QuickSelect, label=gettext_lazy("Kategori"), required=False, coerce=int, empty_value=None
    )
    kantor = forms.TypedChoiceField(
        widget=QuickSelect, label=gettext_lazy("Kantor"), required=False, coerce=int, empty_value=None
    )
    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False, widget=QuickSelect)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Semua"))]
        cast(forms.ChoiceField, self.fields["layanan"]).choices = everything + list(
            Service.objects.order_by("name").values_list("pk", "name")
        )
        cast(forms.ChoiceField, self.fields["kategori"]).choices = everything + list(
            Category.objects.order_by("name").values_list("pk", "name")
        )
        # Only the offices the actor's dashboards reach (an agency head: their own).
        cast(forms.ChoiceField, self.fields["kantor"]).choices = everything + list(
            scope(actor, Office.objects.all(), via="").order_by("name").values_list("pk", "name")
        )
        cast(forms.ChoiceField, self.fields["kecamatan"]).choices = everything + list(
            Region.objects.filter(level=Region.Level.DISTRICT).order_by("name").values_list("code", "name")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Periode paling lama lima tahun."))
        return data


@dataclass
class Query:
    form: PeriodForm
    period: Period
    filters: Filters
    group: str
    querystring: str
    # The period and every filter without the grouping: the "group by" links add their own.
    filters_querystring: str = ""


def _query(request: HttpRequest, groups: tuple[str, ...] = ("service",)) -> Query:
    today = wib_day(timezone.now())
    form = PeriodForm(request.GET or None, actor=request.user)
    start, end = today - timedelta(days=29), today
    filters = Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = data.get("dari") or start, data.get("sampai") or end
        if start > end:
            start = end - timedelta(days=29)
        filters = Filters(
            service_id=data.get("layanan"),
            category_id=data.get("kategori"),
            office_id=data.get("kantor"),
            kecamatan_code=data.get("kecamatan") or "",
        )
    group = request.GET.get("kelompok", groups[0])
    if group not in groups:
        group = groups[0]
    kept = request.GET.copy()
    kept.pop("kelompok", None)
    kept["dari"], kept["sampai"] = start.isoformat(), end.isoformat()
    return Query(form, Period(start, end), filters, group, request.GET.urlencode(), kept.urlencode())


def _staff(request: HttpRequest) -> None:
    require(request.user, "dashboard.read")


GROUP_LABELS = {
    "service": gettext_lazy("Layanan"),
    "category": gettext_lazy("Kategori"),
    "office": gettext_lazy("Kantor"),
    "kecamatan": gettext_lazy("Kecamatan"),
    "desa": gettext_lazy("Desa/kelurahan"),
}


def _overview_context(request: HttpRequest, query: Query) -> dict[str, Any]:
    actor = request.user
    apps = selectors.application_dashboard(actor=actor, period=query.period, filters=query.filters)
    reports = selectors.report_dashboard(actor=actor, period=query.period, filters=query.filters)
    step, series = selectors.received_series(actor=actor, period=query.period, filters=query.filters)
    label = _("Permohonan diterima per hari") if step == "day" else _("Permohonan diterima per bulan")
    return {
        "apps": apps,
        "reports": reports,
        "sparkline": charts.sparkline(series, label=label),
        "series": series,
        "series_step": step,
        "updated_at": timezone.now(),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = _query(request)
    context = _overview_context(request, query)
    context |= {
        "query": query,
        "grid": selectors.kecamatan_grid(actor=request.user, period=query.period, filters=query.filters),
        "emerging": selectors.emerging_problems(actor=request.user),
        "delivery": selectors.delivery_for_dashboard(actor=request.user, period=query.period),
        "live_every": settings.MONITORING_LIVE_SECONDS,
        "tab": "overview",
    }
    return render(request, "monitoring/overview.html", context)


@login_required
def live(request: HttpRequest) -> HttpResponse:
    """The live fragment the overview re-fetches (also a plain page section without JavaScript)."""
    _staff(request)
    query = _query(request)
    return render(request, "monitoring/_live.html", {"query": query, **_overview_context(request, query)})


def _board_context(
    query: Query, rows: Sequence[Any], groups: Sequence[str], *, bars_label: str, tab: str
) -> dict[str, Any]:
    """What the applications and reports pages share: the query, the bars of the first 15 rows, the groups."""
    return {
        "query": query,
        "bars": charts.bars([(row.label, row.received) for row in rows[:15]], label=bars_label),
        "groups": [(g, GROUP_LABELS[g]) for g in groups],
        "group_label": GROUP_LABELS[query.group],
        "tab": tab,
    }


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = _query(request, selectors.APP_GROUPS)
    board = selectors.application_dashboard(
        actor=request.user,
        period=query.period,
        group=query.group,  # type: ignore[arg-type]
        filters=query.filters,
    )
    ikm = (
        selectors.ikm_for_dashboard(actor=request.user, period=query.period, group=query.group)
        if query.group in ("service", "office")
        else {}
    )
    context = _board_context(
        query, board.rows, selectors.APP_GROUPS, bars_label=_("Permohonan diterima"), tab="applications"
    )
    return render(request, "monitoring/applications.html", {**context, "board": board, "ikm": ikm})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = _query(request, selectors.REPORT_GROUPS)
    board = selectors.report_dashboard(
        actor=request.user,
        period=query.period,
        group=query.group,  # type: ignore[arg-type]
        filters=query.filters,
    )
    context = _board_context(
        query, board.rows, selectors.REPORT_GROUPS, bars_label=_("Laporan diterima"), tab="reports"
    )
    return render(request, "monitoring/reports.html", {**context, "board": board})


@login_required
def regions(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = _query(request)
    return render(
        request,
        "monitoring/regions.html",
        {
            "query": query,
            "grid": selectors.kecamatan_grid(actor=request.user, period=query.period, filters=query.filters),
            "top": selectors.top_services_by_kecamatan(
                actor=request.user, period=query.period, filters=query.filters
            ),
            "tab": "regions",
        },
    )


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = _query(request)
    offices, officers = selectors.workload(actor=request.user, filters=query.filters)
    return render(
        request,
        "monitoring/workload.html",
        {"query": query, "offices": offices, "officers": officers, "tab": "workload"},
    )


def _monthly_context(request: HttpRequest) -> dict[str, Any]:
    """The figures of one month (``bulan=YYYY-MM``, default the previous month), scoped to the actor."""
    today = wib_day(timezone.now())
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    value = request.GET.get("bulan", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        pass
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    period = Period(first, last)
    actor = request.user
    return {
        "period": period,
        "month": first,
        "services": selectors.application_dashboard(actor=actor, period=period, group="service"),
        "offices": selectors.application_dashboard(actor=actor, period=period, group="office"),
        "reports": selectors.report_dashboard(actor=actor, period=period, group="category"),
        "printed_at": timezone.now(),
    }


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    """A monthly report, with links to its print view and its CSV/XLSX download."""
    _staff(request)
    return render(request, "monitoring/monthly.html", _monthly_context(request))


@login_required
def monthly_print(request: HttpRequest) -> HttpResponse:
    """The same report on its own, without the site's navigation, laid out for A4 paper."""
    _staff(request)
    return render(request, "monitoring/monthly_print.html", _monthly_context(request))


def monthly_sheets(context: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The monthly report's tables as (sheet title, header, rows), as on the page."""
    app_header = [
        _("Nama"),
        pgettext("jumlah yang masuk", "Diterima"),
        _("Selesai"),
        _("Selesai tepat waktu"),
        _("Median hari kerja"),
        _("Persentil 90 hari kerja"),
    ]
    sheets: list[tuple[str, list[str], list[list[Any]]]] = []
    for title, board in ((_("Per layanan"), context["services"]), (_("Per kantor"), context["offices"])):
        rows = [
            [r.label, r.received, r.completed, r.completed_on_time, r.median_days, r.p90_days]
            for r in board.rows
        ]
        sheets.append((title, app_header, rows))
    report_header = [
        _("Kategori"),
        pgettext("jumlah yang masuk", "Diterima"),
        _("Dijawab"),
        _("Dijawab tepat waktu"),
        _("Median hari jawab"),
    ]
    report_rows = [
        [r.label, r.received, r.answered, r.answered_on_time, r.median_answer_days]
        for r in context["reports"].rows
    ]
    sheets.append((_("Pengaduan per kategori"), report_header, report_rows))
    return [(title, header, [[safe_cell(c) for c in row] for row in rows]) for title, header, rows in sheets]


@login_required
def monthly_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The monthly report's tables as CSV (one file, a titled block per table) or XLSX (a sheet each)."""
    _staff(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    context = _monthly_context(request)
    return spreadsheet_response(f"laporan-bulanan-{context['month']:%Y-%m}", fmt, monthly_sheets(context))


# --- exports ------------------------------------------------------------------------------------------

EXPORT_TABLES = ("layanan", "pengaduan", "beban-kerja", "petugas", "wilayah")
_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ gets a leading '."""
    if isinstance(value, str) and value.startswith(_UNSAFE_START):
        return "'" + value
    return value


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def export_rows(request: HttpRequest, table: str, query: Query) -> tuple[list[str], list[list[Any]]]:
    actor = request.user
    rows: list[list[Any]]
    if table == "layanan":
        board = selectors.application_dashboard(
            actor=actor,
            period=query.period,
            group=query.group,  # type: ignore[arg-type]
            filters=query.filters,
        )
        header = [
            str(GROUP_LABELS[query.group]),
            pgettext("jumlah yang masuk", "Diterima"),
            _("Selesai"),
            _("Selesai tepat waktu"),
            _("Tepat waktu (%)"),
            _("Ditolak"),
            _("Median hari kerja"),
            _("Persentil 90 hari kerja"),
            _("Belum selesai"),
            _("Lewat batas waktu"),
            _("Diterima periode sebelumnya"),
            _("Peringkat"),
        ]
        rows = [
            [
                r.label,
                r.received,
                r.completed,
                r.completed_on_time,
                _percent(r.on_time_share),
                r.rejected,
                r.median_days,
                r.p90_days,
                r.open,
                r.breaches,
                r.previous_received,
                r.rank,
            ]
            for r in board.rows
        ]
    elif table == "pengaduan":
        rboard = selectors.report_dashboard(
            actor=actor,
            period=query.period,
            group=query.group,  # type: ignore[arg-type]
            filters=query.filters,
        )
        header = [
            str(GROUP_LABELS[query.group]),
            pgettext("jumlah yang masuk", "Diterima"),
            _("Diverifikasi"),
            _("Dijawab"),
            _("Dijawab tepat waktu"),
            _("Tepat waktu (%)"),
            _("Median hari verifikasi"),
            _("Median hari jawab"),
            _("Dibuka kembali (%)"),
            _("Puas (%)"),
            _("Belum selesai"),
        ]
        rows = [
            [
                r.label,
                r.received,
                r.verified,
                r.answered,
                r.answered_on_time,
                _percent(r.answered_on_time_share),
                r.median_verify_days,
                r.median_answer_days,
                _percent(r.reopen_rate),
                _percent(r.satisfaction),
                r.open,
            ]
            for r in rboard.rows
        ]
    elif table == "petugas":
        _offices, officers = selectors.workload(actor=actor, filters=query.filters)
        header = [_("Petugas"), _("Permohonan terbuka"), _("Selesai per minggu")]
        rows = [[w.label, w.open_applications, round(w.completed_per_week, 1)] for w in officers]
    elif table == "wilayah":
        top = selectors.top_services_by_kecamatan(actor=actor, period=query.period, filters=query.filters)
        header = [_("Kecamatan"), _("Layanan"), pgettext("jumlah yang masuk", "Diterima")]
        rows = [[name, service, received] for _code, name, items in top for service, received in items]
    else:
        offices, _officers = selectors.workload(actor=actor, filters=query.filters)
        header = [
            _("Kantor"),
            _("Permohonan terbuka"),
            _("Laporan terbuka"),
            _("Selesai per minggu"),
            _("Minggu untuk menghabiskan antrean"),
        ]
        rows = [
            [
                w.label,
                w.open_applications,
                w.open_reports,
                round(w.completed_per_week, 1),
                "" if w.weeks_to_clear is None else round(w.weeks_to_clear, 1),
            ]
            for w in offices
        ]
    return header, [[safe_cell(cell) for cell in row] for row in rows]


@login_required
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    _staff(request)
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    groups = selectors.REPORT_GROUPS if table == "pengaduan" else selectors.APP_GROUPS
    query = _query(request, groups)
    header, rows = export_rows(request, table, query)
    name = f"dasbor-{table}-{query.period.start:%Y%m%d}-{query.period.end:%Y%m%d}"
    return spreadsheet_response(name, fmt, [(table, header, rows)])


def spreadsheet_response(
    name: str, fmt: str, sheets: Sequence[tuple[str, Sequence[Any], Sequence[Sequence[Any]]]]
) -> HttpResponse:
    """A download of ``sheets`` (title, header, rows): CSV with a BOM, or XLSX with one sheet each.

    A CSV of several tables writes each as a block: its title, its header, its rows, a blank line.
    Cells must already be made safe (:func:`safe_cell`); headers are made safe here.
    """
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for title, header, rows in sheets:
            if len(sheets) > 1:
                writer.writerow([safe_cell(title)])
            writer.writerow([safe_cell(h) for h in header])
            writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
            if len(sheets) > 1:
                writer.writerow([])
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        output = io.BytesIO()
        book = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        bold = book.add_format({"bold": True})
        for title, header, rows in sheets:
            sheet = book.add_worksheet(str(title)[:31])
            sheet.write_row(0, 0, [str(h) for h in header], bold)
            for number, row in enumerate(rows, start=1):
                sheet.write_row(number, 0, ["" if cell is None else cell for cell in row])
        book.close()
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return harden_file_response(response)  # nosniff, sandboxed, never cached


# --- the public page ---------------------------------------------------------------------------------


def transparency_cache_key(today: date, language: str, version: str) -> str:
    """The cache key of the transparency page's figures: per day, language and version of the figures."""
    return f"monitoring:transparency:{today.isoformat()}:{language}:{version}"


def transparency(request: HttpRequest) -> HttpResponse:
    """Public figures of the last 90 days.

    Only the figures (the body, the same for everyone reading that language) are cached, under a
    key of the day, the language and the figures' version (changed whenever the summaries are
    rebuilt), for at most ``MONITORING_PUBLIC_CACHE_SECONDS``. The page around them (the header
    with the signed-in person, the language switch and its CSRF token) is rendered per request
    and marked private, so no shared cache may keep a copy of it.
    """
    seconds = int(getattr(settings, "MONITORING_PUBLIC_CACHE_SECONDS", 300))
    today = wib_day(timezone.now())
    period = Period(today - timedelta(days=89), today)
    key = transparency_cache_key(today, translation.get_language() or "", public_figures_version())
    body = cache.get(key)
    if body is None:
        figures = selectors.public_figures(period=period)
        # Rendered without the request: nothing of the reader can enter the cached text.
        body = render_to_string("monitoring/_transparency_body.html", {"figures": figures, "period": period})
        cache.set(key, body, seconds)
    response = render(request, "monitoring/transparency.html", {"body": mark_safe(body), "period": period})  # noqa: S308  # nosec B308 B703  # nosemgrep: no-mark-safe-on-variable  # our own template's output
    patch_cache_control(response, private=True, no_cache=True)
    return response
