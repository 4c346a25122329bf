"""The list for the Musrenbang: PDF for the meeting (typst), CSV and XLSX for the planning system.

The rows carry what the meeting needs (desa, topic, title, description, place and point, photo
count, support count, status and plan) and never the proposer or a supporter. Text cells that a
spreadsheet would run as a formula get a leading ``'``; the XLSX writer is told never to make
formulas or links of text either.

The PDF is compiled by typst like the letters (:mod:`layanan.documents.rendering`): every value
arrives as JSON in ``sys.inputs`` and is shown as text, never markup; the photos' thumbnails are
written into the compile's own empty temporary root, the only files it can read.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import typst
import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from layanan.aspirations.models import Usulan, UsulanPhoto
from layanan.calendars.selectors import WIB
from layanan.documents.rendering import date_indonesian

_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")
THUMBNAIL_SIDE = 240
PDF_PHOTOS_MAX = 200  # thumbnails in one PDF; further rows show the photo count only


class ExportProblem(Exception):
    """typst did not produce the PDF (a bug, not the operator's doing)."""


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ gets a leading '."""
    if isinstance(value, str) and value.startswith(_UNSAFE_START):
        return "'" + value
    return value


def header() -> list[str]:
    return [
        _("Nomor"),
        _("Kode desa"),
        _("Desa/kelurahan"),
        _("Kode kecamatan"),
        _("Kecamatan"),
        _("Bidang"),
        _("Judul"),
        _("Uraian"),
        _("Lokasi"),
        _("Lintang"),
        _("Bujur"),
        _("Jumlah foto"),
        _("Jumlah pendukung"),
        _("Status"),
        _("Rencana"),
        _("Tahun rencana"),
        _("Alasan tidak diterima"),
        _("Tahun Musrenbang"),
        _("Diajukan"),
    ]


def row_of(usulan: Usulan) -> list[Any]:
    district = usulan.region.parent
    return [
        usulan.number,
        usulan.region_id,
        usulan.region.name,
        district.code if district else "",
        district.name if district else "",
        usulan.get_topic_display(),
        usulan.title,
        usulan.description,
        usulan.address_text,
        "" if usulan.latitude is None else usulan.latitude,  # a number: no formula guard needed
        "" if usulan.longitude is None else usulan.longitude,
        getattr(usulan, "photo_count", 0),
        getattr(usulan, "support_count", 0),
        usulan.get_status_display(),
        usulan.get_plan_display() if usulan.plan else "",
        usulan.plan_year or "",
        usulan.reason,
        usulan.year,
        timezone.localtime(usulan.created_at, WIB).date().isoformat(),  # the day in Lampung
    ]


def usulan_csv(rows: Iterable[Usulan]) -> bytes:
    """A CSV with a BOM (spreadsheets on Windows read it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    for usulan in rows:
        writer.writerow([safe_cell(cell) for cell in row_of(usulan)])
    return buffer.getvalue().encode("utf-8-sig")


def usulan_xlsx(rows: Iterable[Usulan]) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Usulan"))
    sheet.write_row(0, 0, header(), bold)
    for number, usulan in enumerate(rows, start=1):
        sheet.write_row(number, 0, [safe_cell(cell) for cell in row_of(usulan)])
    sheet.set_column(6, 7, 40)
    book.close()
    return output.getvalue()


# --- the PDF -----------------------------------------------------------------------------------------

_SOURCE = """\
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4", flipped: true, margin: 1.4cm, numbering: "1 / 1")
#set text(size: 8.5pt, lang: "id")
#text(size: 14pt, weight: "bold", data.title)
#linebreak()
#text(data.subtitle)
#v(0.4em)
#let photo(r) = {
  if r.photo != "" { image(r.photo, width: 2.4cm) }
  text(r.photos)
}
#table(
  columns: (auto, 1.1fr, 0.9fr, 2.6fr, 1.3fr, auto, auto, 1fr),
  stroke: 0.4pt + gray,
  inset: 4pt,
  table.header(..data.header.map(h => strong(h))),
  ..data.rows.map(r => (
    text(r.number),
    text(r.desa),
    text(r.topic),
    [#strong(r.title) \\ #text(r.description)],
    text(r.location),
    text(r.supports),
    photo(r),
    text(r.status),
  )).flatten()
)
#if data.rows.len() == 0 { text(data.empty) }
"""


@dataclass(frozen=True)
class PdfTitle:
    title: str
    subtitle: str


def _thumbnail(photo: UsulanPhoto, target: Path) -> bool:
    try:
        with photo.file.open("rb") as handle, Image.open(handle) as image:
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            image.convert("RGB").save(target, format="JPEG", quality=70, optimize=True)
    except (FileNotFoundError, OSError):
        return False
    return True


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def usulan_pdf(rows: Iterable[Usulan], *, title: PdfTitle, today: date) -> bytes:
    """The meeting's list as PDF bytes: a table with the first photo's thumbnail of each usulan."""
    listed = list(rows)
    first_photos: dict[int, UsulanPhoto] = {}
    for photo in UsulanPhoto.objects.filter(usulan__in=[u.pk for u in listed]).order_by("usulan_id", "pk"):
        first_photos.setdefault(photo.usulan_id, photo)
    with tempfile.TemporaryDirectory(prefix="musrenbang-") as root:
        pdf_rows = []
        thumbnails = 0
        for usulan in listed:
            name = ""
            first = first_photos.get(usulan.pk)
            if first is not None and thumbnails < PDF_PHOTOS_MAX:
                candidate = f"foto-{first.pk}.jpg"
                if _thumbnail(first, Path(root) / candidate):
                    name, thumbnails = candidate, thumbnails + 1
            count = getattr(usulan, "photo_count", 0)
            location = usulan.address_text
            if usulan.latitude is not None and usulan.longitude is not None:
                location = f"{location}\n{usulan.latitude}, {usulan.longitude}".strip()
            pdf_rows.append(
                {
                    "number": usulan.number,
                    "desa": f"{usulan.region.name}\n{usulan.region_id}",
                    "topic": usulan.get_topic_display(),
                    "title": usulan.title,
                    "description": _short(usulan.description),
                    "location": location or "-",
                    "supports": str(getattr(usulan, "support_count", 0)),
                    "photo": name,
                    "photos": _("%(count)d foto") % {"count": count} if count else "-",
                    "status": usulan.get_status_display()
                    + (f"\n{usulan.get_plan_display()} {usulan.plan_year or ''}" if usulan.plan else ""),
                }
            )
        data = {
            "title": title.title,
            "subtitle": f"{title.subtitle} · {_('dicetak')} {date_indonesian(today)}",
            "header": [
                _("Nomor"),
                _("Desa"),
                _("Bidang"),
                _("Usulan"),
                _("Lokasi"),
                _("Pendukung"),
                _("Foto"),
                _("Status"),
            ],
            "rows": pdf_rows,
            "empty": _("Belum ada usulan."),
        }
        source = Path(root) / "usulan.typ"
        source.write_text(_SOURCE, encoding="utf-8")
        try:
            pdf = typst.compile(
                str(source),
                root=root,
                package_path=str(Path(root) / "packages"),
                package_cache_path=str(Path(root) / "package-cache"),
                sys_inputs={"data": json.dumps(data)},
                ignore_system_fonts=True,
                font_paths=[],
            )
        except (typst.TypstError, RuntimeError, ValueError) as error:
            raise ExportProblem(str(error)[:300]) from error
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
        raise ExportProblem("typst did not produce a PDF")
    return pdf
