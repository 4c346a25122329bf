"""Create or update the OPD, kecamatan and desa/kelurahan offices of the regency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from layanan.agencies.services import (
    DataFileError,
    OfficeSeedError,
    SeedReport,
    agencies_csv_default,
    offices_seed,
)


def print_report(command: BaseCommand, report: SeedReport) -> None:
    kinds = ", ".join(f"{kind} {counts.total}" for kind, counts in report.kinds.items())
    command.stdout.write(
        _(
            "Kantor %(code)s: %(total)d (%(kinds)s): %(created)d dibuat, %(updated)d diperbarui, "
            "%(unchanged)d tidak berubah."
        )
        % {
            "code": report.regency_code,
            "total": report.total,
            "kinds": kinds,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
    )


class Command(BaseCommand):
    help = "Membuat/memperbarui kantor OPD (data/agencies.csv), kecamatan dan desa/kelurahan. Aman diulang."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regency", help="Kode kabupaten/kota (bawaan: REGENCY_CODE).")
        parser.add_argument("--agencies", type=Path, help="CSV OPD code,name,short_name.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = offices_seed(
                regency_code=options["regency"] or settings.REGENCY["code"],
                agencies_csv=options["agencies"] or agencies_csv_default(),
            )
        except (DataFileError, OfficeSeedError) as exc:
            raise CommandError(str(exc)) from exc
        print_report(self, report)
