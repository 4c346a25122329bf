"""Load the Kemendagri region codes from the project's CSV copy, then seed the offices.

It lives in agencies, not regions, because it seeds offices too: regions sit below agencies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from layanan.agencies.management.commands.seed_offices import print_report
from layanan.agencies.services import OfficeSeedError, agencies_csv_default, offices_seed
from layanan.regions.services import DataFileError, LoadReport, region_files_find, regions_load


class Command(BaseCommand):
    help = (
        "Memuat provinsi, kabupaten/kota, kecamatan dan desa/kelurahan dari CSV (REGION_DATA_DIR), "
        "lalu kantor OPD, kecamatan dan desa (kecuali --no-offices). Aman dijalankan berulang."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regency", help="Kode kabupaten/kota (bawaan: REGENCY_CODE).")
        parser.add_argument("--kabkota", type=Path, help="CSV kabupaten/kota (bawaan: *_kabkota.csv).")
        parser.add_argument("--kecamatan", type=Path, help="CSV kecamatan (bawaan: *_kecamatan.csv).")
        parser.add_argument("--desa", type=Path, help="CSV desa/kelurahan (bawaan: *_desa.csv).")
        parser.add_argument("--province-name", default="Lampung", help="Nama provinsi (bawaan: Lampung).")
        parser.add_argument("--agencies", type=Path, help="CSV OPD (bawaan: data/agencies.csv).")
        parser.add_argument("--no-offices", action="store_true", help="Hanya wilayah, tanpa kantor.")

    def handle(self, *args: Any, **options: Any) -> None:
        regency_code: str = options["regency"] or settings.REGENCY["code"]
        kabkota, kecamatan, desa = options["kabkota"], options["kecamatan"], options["desa"]
        try:
            if not (kabkota and kecamatan and desa):
                found = region_files_find(data_dir=Path(settings.REGION_DATA_DIR), regency_code=regency_code)
                kabkota, kecamatan, desa = (
                    kabkota or found.kabkota,
                    kecamatan or found.kecamatan,
                    desa or found.desa,
                )
            # One transaction: a bad agencies file leaves the regions as they were, too.
            with transaction.atomic():
                report = regions_load(
                    kabkota_csv=kabkota,
                    kecamatan_csv=kecamatan,
                    desa_csv=desa,
                    regency_code=regency_code,
                    province_name=options["province_name"],
                )
                seed = None
                if not options["no_offices"]:
                    seed = offices_seed(
                        regency_code=regency_code, agencies_csv=options["agencies"] or agencies_csv_default()
                    )
        except (DataFileError, OfficeSeedError) as exc:
            raise CommandError(str(exc)) from exc
        self._print(report)
        if seed is not None:
            print_report(self, seed)

    def _print(self, report: LoadReport) -> None:
        levels = ", ".join(f"{level} {counts.total}" for level, counts in report.levels.items())
        self.stdout.write(
            _(
                "Wilayah %(code)s: %(total)d (%(levels)s): %(created)d dibuat, %(updated)d diperbarui, "
                "%(unchanged)d tidak berubah."
            )
            % {
                "code": report.regency_code,
                "total": report.total,
                "levels": levels,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
        if report.updated_codes:
            self.stdout.write(_("Diperbarui: %(codes)s") % {"codes": ", ".join(report.updated_codes)})
        if report.not_in_files:
            self.stderr.write(
                self.style.WARNING(
                    _("Kode di basis data yang tidak ada lagi di berkas (dibiarkan): %(codes)s")
                    % {"codes": ", ".join(report.not_in_files)}
                )
            )
