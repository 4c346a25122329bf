"""The published SKM report of one office and period as an XLSX workbook (xlsxwriter, in memory).

Sheets: "Ringkasan" (respondents, population, required sample, NRR, NRR
tertimbang and total per unsur, IKM, mutu, kinerja, lowest unsur, number of
suggestions), "Per layanan", and "Profil responden". Suggestions themselves
are never exported: the staff of the office read them on the page.
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from layanan.survey.forms import PROFILE_LABELS
from layanan.survey.ikm import WEIGHT
from layanan.survey.selectors import SkmReport
from layanan.survey.unsur import UNSUR


def _number(value: Decimal | None) -> float | str:
    return "" if value is None else float(value)


def skm_report_xlsx(report: SkmReport) -> bytes:
    buffer = io.BytesIO()
    # Text is always text: a name such as "=HYPERLINK(…)" is never written as a formula or a link.
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    four = book.add_format({"num_format": "0.0000"})
    two = book.add_format({"num_format": "0.00"})
    result = report.result

    sheet = book.add_worksheet(_("Ringkasan"))
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 4, 16)
    sheet.write(0, 0, _("Survei Kepuasan Masyarakat"), bold)
    sheet.write(1, 0, _("Kantor"))
    sheet.write(1, 1, report.office.name)
    sheet.write(2, 0, _("Periode"))
    sheet.write(2, 1, f"{report.start:%d-%m-%Y} - {report.end:%d-%m-%Y}")
    sheet.write(3, 0, _("Jumlah responden"))
    sheet.write_number(3, 1, result.respondents)
    sheet.write(4, 0, _("Jumlah layanan selesai (populasi)"))
    sheet.write_number(4, 1, result.population or 0)
    sheet.write(5, 0, _("Sampel minimal"))
    sheet.write(5, 1, "" if result.required_sample is None else result.required_sample)
    sheet.write(6, 0, _("Sampel cukup"))
    sheet.write(6, 1, _("Ya") if result.sample_ok else _("Tidak"))
    row = 8
    for col, title in enumerate([_("Unsur"), _("Jumlah nilai"), _("NRR"), _("Bobot"), _("NRR tertimbang")]):
        sheet.write(row, col, title, bold)
    for index, unsur in enumerate(UNSUR):
        row += 1
        sheet.write(row, 0, f"U{unsur.number} {unsur.name}")
        sheet.write_number(row, 1, result.totals[index])
        if result.respondents:
            sheet.write_number(row, 2, float(result.nrr_display[index]), four)
            sheet.write_number(row, 4, float(result.nrr_weighted_display[index]), four)
        sheet.write_number(row, 3, float(WEIGHT), four)
    row += 2
    lowest = result.lowest_unsur
    for title, value, style in (
        (_("IKM (nilai 1-4)"), _number(result.ikm_raw_display), four),
        (_("IKM unit pelayanan (x 25)"), _number(result.ikm), two),
        (_("Mutu pelayanan"), result.mutu, None),
        (_("Kinerja unit pelayanan"), result.kinerja, None),
        (_("Unsur terendah"), f"U{lowest} {UNSUR[lowest - 1].name}" if lowest else "", None),
        (_("Jumlah saran tertulis"), report.suggestions_count, None),
    ):
        sheet.write(row, 0, title, bold)
        if style is not None and value != "":
            sheet.write(row, 1, value, style)
        else:
            sheet.write(row, 1, value)
        row += 1

    services = book.add_worksheet(_("Per layanan"))
    services.set_column(0, 0, 44)
    services.set_column(1, 5, 14)
    for col, title in enumerate(
        [_("Layanan"), _("Responden"), _("Populasi"), _("IKM"), _("Mutu"), _("Kinerja")]
    ):
        services.write(0, col, title, bold)
    for line, (service, figures) in enumerate(report.by_service, start=1):
        services.write(line, 0, service.name)
        services.write_number(line, 1, figures.respondents)
        services.write_number(line, 2, figures.population or 0)
        services.write(line, 3, _number(figures.ikm), two)
        services.write(line, 4, figures.mutu)
        services.write(line, 5, figures.kinerja)

    profile = book.add_worksheet(_("Profil responden"))
    profile.set_column(0, 0, 28)
    line = 0
    for name, counts in report.profile.items():
        profile.write(line, 0, str(PROFILE_LABELS[name]), bold)
        profile.write(line, 1, _("Jumlah"), bold)
        for count in counts:
            line += 1
            profile.write(line, 0, count.label)
            profile.write_number(line, 1, count.count)
        line += 2
    book.close()
    return buffer.getvalue()
