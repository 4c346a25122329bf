"""How a data set is written: CSV, JSON (metadata and rows), and its DCAT entry.

Metadata carries both languages (Indonesian and English, from the translation catalogue), so a
written copy is the same for every reader.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from layanan.opendata.registry import FREQUENCIES, LABEL, SUPPRESSED_COLUMN, Column, DataSet, Text

LANGUAGES = ("id", "en")
CSV_MEDIA_TYPE = "text/csv"
JSON_MEDIA_TYPE = "application/json"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def both(text: Text) -> dict[str, str]:
    """{"id": ..., "en": ...} of a translatable text."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(text)
    return result


def licence() -> dict[str, str]:
    return {"name": settings.OPEN_DATA_LICENSE_NAME, "url": settings.OPEN_DATA_LICENSE_URL}


def producer() -> str:
    return str(settings.OPEN_DATA_PRODUCER)


def regency() -> dict[str, str]:
    return {"code": settings.REGENCY["code"], "name": settings.REGENCY["name"]}


# --- the period a data set covers ---------------------------------------------------------------------


def period_bounds(value: Any) -> tuple[date, date] | None:
    """First and last day of a period value: "YYYY", "YYYY-MM" or "YYYY-Qn" (None when not one)."""
    text = str(value)
    try:
        if len(text) == 4:
            year = int(text)
            return date(year, 1, 1), date(year, 12, 31)
        if len(text) == 7 and text[4:6] == "-Q":
            year, quarter = int(text[:4]), int(text[6])
            first = date(year, 3 * (quarter - 1) + 1, 1)
            return first, _month_end(date(year, 3 * quarter, 1))
        if len(text) == 7 and text[4] == "-":
            first = date(int(text[:4]), int(text[5:7]), 1)
            return first, _month_end(first)
    except ValueError:
        return None
    return None


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def covered(dataset: DataSet, rows: Iterable[Mapping[str, Any]]) -> tuple[date | None, date | None]:
    bounds = [found for row in rows if (found := period_bounds(row.get(dataset.period_column)))]
    if not bounds:
        return None, None
    return min(start for start, _end in bounds), max(end for _start, end in bounds)


# --- cells --------------------------------------------------------------------------------------------


def cell_text(column: Column | None, value: Any) -> str:
    if value is None:
        return ""
    if column is not None and column.datatype == "decimal":
        return f"{float(value):.{column.decimals}f}"
    text = str(value)
    if column is not None and column.kind == LABEL and text.startswith(_FORMULA_START):
        return "'" + text  # a name from the data is never a formula in a spreadsheet
    return text


def _json_cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.datatype == "decimal":
        return round(float(value), column.decimals)
    if column.datatype == "integer":
        return int(value)
    return str(value)


def csv_text(dataset: DataSet, rows: Sequence[Mapping[str, Any]]) -> str:
    """UTF-8 text (no BOM), a header row of the column names, comma-separated, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = [column.name for column in dataset.columns]
    writer.writerow([*names, SUPPRESSED_COLUMN])
    for row in rows:
        writer.writerow(
            [*(cell_text(column, row.get(column.name)) for column in dataset.columns), row[SUPPRESSED_COLUMN]]
        )
    return out.getvalue()


def json_rows(dataset: DataSet, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {column.name: _json_cell(column, row.get(column.name)) for column in dataset.columns}
        | {SUPPRESSED_COLUMN: row[SUPPRESSED_COLUMN]}
        for row in rows
    ]


# --- metadata -----------------------------------------------------------------------------------------


def suppression_note(threshold: int) -> dict[str, str]:
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = translation.gettext(
                "Jumlah 1 sampai %(last)s disamarkan (kosong), begitu pula angka turunan (persen, "
                "median, IKM) dari kelompok kurang dari %(min)s, dan sel lain yang dapat dipakai untuk "
                "menghitungnya kembali. Kolom disamarkan menyebut sel yang disamarkan pada baris itu."
            ) % {"last": threshold - 1, "min": threshold}
    return result


def column_metadata(dataset: DataSet) -> list[dict[str, Any]]:
    columns = [
        {
            "name": column.name,
            "title": both(column.title),
            "definition": both(column.definition),
            "unit": both(column.unit) if column.unit else None,
            "type": column.datatype,
            "kind": column.kind,
        }
        for column in dataset.columns
    ]
    columns.append(
        {
            "name": SUPPRESSED_COLUMN,
            "title": both(SUPPRESSED_TITLE),
            "definition": both(SUPPRESSED_DEFINITION),
            "unit": None,
            "type": "string",
            "kind": "note",
        }
    )
    return columns


def metadata(
    dataset: DataSet,
    *,
    period: tuple[date | None, date | None],
    updated_at: datetime,
    threshold: int,
    row_count: int,
) -> dict[str, Any]:
    """Everything a data user needs beside the rows (the JSON download's ``metadata``)."""
    start, end = period
    return {
        "identifier": dataset.slug,
        "title": both(dataset.title),
        "description": both(dataset.description),
        "producer": producer(),
        "spatial": regency(),
        "period": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
        "frequency": dataset.frequency,
        "frequency_uri": FREQUENCIES[dataset.frequency],
        "license": licence(),
        "keywords": [both(keyword) for keyword in dataset.keywords],
        "source": both(dataset.source) if dataset.source else None,
        "modified": updated_at.isoformat(),
        "rows": row_count,
        "suppression": {"min_count": threshold, "note": suppression_note(threshold)},
        "reference_codes": both(REFERENCE_CODES),
        "columns": column_metadata(dataset),
    }


def json_text(dataset: DataSet, rows: Sequence[Mapping[str, Any]], *, meta: Mapping[str, Any]) -> str:
    return json.dumps(
        {"metadata": meta, "rows": json_rows(dataset, rows)}, ensure_ascii=False, separators=(",", ":")
    )


# Translated texts of the metadata (marked here so they reach the catalogue).
SUPPRESSED_TITLE = gettext_lazy("Disamarkan")
SUPPRESSED_DEFINITION = gettext_lazy(
    "Nama kolom yang disamarkan pada baris ini (dipisah titik koma); kosong bila tidak ada."
)
REFERENCE_CODES = gettext_lazy(
    "Kode wilayah: Kepmendagri 300.2.2-2138 Tahun 2025 (kode kecamatan TT.KK.CC, kode desa TT.KK.CC.DDDD)."
)
