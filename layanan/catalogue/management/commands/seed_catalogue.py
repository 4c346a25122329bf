"""Create the catalogue's services from data/catalogue.json; ``--update`` brings existing ones back to it.

    manage.py seed_catalogue [--file data/catalogue.json] [--update]

Safe to run on every start: without ``--update`` only missing services (by
slug) are created, so what an administrator edited is kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.catalogue.seed import CatalogueFileError, catalogue_file_default, catalogue_file_read
from layanan.catalogue.services import CatalogueSeedError, catalogue_seed


class Command(BaseCommand):
    help = (
        "Membuat layanan katalog dari data/catalogue.json (yang belum ada, menurut kode layanan). "
        "Dengan --update, layanan yang sudah ada ditimpa dari berkas. Aman diulang."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="Berkas katalog (bawaan: data/catalogue.json).")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Timpa layanan yang sudah ada dengan isi berkas (perubahan di admin hilang).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entries = catalogue_file_read(options["file"] or catalogue_file_default())
            report = catalogue_seed(entries=entries, update=options["update"])
        except (CatalogueFileError, CatalogueSeedError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Katalog layanan: {len(report.created)} dibuat, {len(report.updated)} diperbarui, "
            f"{len(report.unchanged)} tidak diubah"
            + (
                f", teks bahasa Inggris dilengkapi di {len(report.english_filled)}."
                if report.english_filled
                else "."
            )
        )
