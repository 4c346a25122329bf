"""Create the report categories from data/complaint_categories.json; ``--update`` resets existing ones.

    manage.py seed_complaint_categories [--file data/complaint_categories.json] [--update]

Safe to run on every start (after ``load_regions``, which creates the offices):
without ``--update`` only missing categories (by slug) are created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.complaints.seed import (
    CategoryFileError,
    CategorySeedError,
    categories_file_default,
    categories_file_read,
    complaint_categories_seed,
)


class Command(BaseCommand):
    help = (
        "Membuat kategori laporan dari data/complaint_categories.json (yang belum ada, menurut kode). "
        "Dengan --update, kategori yang sudah ada ditimpa dari berkas. Aman diulang."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, help="Berkas kategori (bawaan: data/complaint_categories.json)."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Timpa kategori yang sudah ada dengan isi berkas (perubahan di admin hilang).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entries = categories_file_read(options["file"] or categories_file_default())
            report = complaint_categories_seed(entries=entries, update=options["update"])
        except (CategoryFileError, CategorySeedError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Kategori laporan: {len(report.created)} dibuat, {len(report.updated)} diperbarui, "
            f"{len(report.unchanged)} tidak diubah."
        )
