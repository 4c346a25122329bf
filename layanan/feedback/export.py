"""The product page's downloads: the feedback rows as CSV (UTF-8 with a BOM) or XLSX (xlsxwriter).

One row per feedback: the page name, the answer, the two texts (redacted when they came in), the
language, the hour it came in (WIB) and the tags. A text a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``...) gets a leading apostrophe; the XLSX never turns text into a formula
or a link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.feedback.models import PageFeedback

_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_UNSAFE_START):
        return "'" + value
    return value


def _answer(helpful: bool | None) -> str:
    if helpful is None:
        return ""
    return _("Ya") if helpful else _("Tidak")


def header() -> list[str]:
    return [
        _("Halaman"),
        _("Membantu"),
        _("Apa yang ingin dilakukan"),
        _("Apa yang tidak berjalan"),
        _("Bahasa"),
        _("Masuk (jam, WIB)"),
        _("Label"),
    ]


def rows(feedback: Iterable[PageFeedback]) -> list[list[Any]]:
    return [
        [
            safe_cell(cell)
            for cell in (
                row.page,
                _answer(row.helpful),
                row.trying,
                row.problem,
                row.language,
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:00"),
                ", ".join(tag.slug for tag in row.tags.all()),
            )
        ]
        for row in feedback
    ]


def as_csv(head: Sequence[str], body: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in head])
    writer.writerows(body)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(head: Sequence[str], body: Sequence[Sequence[Any]]) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Masukan"))
    sheet.write_row(0, 0, list(head), bold)
    for number, row in enumerate(body, start=1):
        sheet.write_row(number, 0, list(row))
    book.close()
    return output.getvalue()
