"""Load cuti bersama (and local holidays) from a CSV file into the calendar.

    manage.py load_cuti_bersama [--file data/cuti_bersama.csv] [--with-national]

Lines starting with ``#`` are comments. Rows are matched by (date, kind), so
running the command again only updates changed names. ``--with-national``
also copies the ``holidays`` package's national holidays of the same years as
informational rows, so the admin's list shows the whole calendar.
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from layanan.calendars.models import Holiday
from layanan.calendars.selectors import national_holidays
from layanan.calendars.services import HolidayRow, holidays_load

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "cuti_bersama.csv"
ALLOWED_KINDS = {Holiday.Kind.CUTI_BERSAMA.value, Holiday.Kind.LOCAL.value}


def read_rows(path: Path) -> list[HolidayRow]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows: list[HolidayRow] = []
    for number, record in enumerate(csv.DictReader(lines), start=1):
        try:
            day = date.fromisoformat((record.get("date") or "").strip())
        except ValueError as exc:
            raise CommandError(f"{path}: data row {number}: date must be YYYY-MM-DD") from exc
        name = (record.get("name") or "").strip()
        if not name:
            raise CommandError(f"{path}: data row {number}: name is empty")
        kind = (record.get("kind") or Holiday.Kind.CUTI_BERSAMA).strip()
        if kind not in ALLOWED_KINDS:
            raise CommandError(f"{path}: data row {number}: kind must be cuti_bersama or local")
        rows.append(HolidayRow(date=day, name=name, kind=kind, basis=(record.get("basis") or "").strip()))
    return rows


class Command(BaseCommand):
    help = "Load cuti bersama and local holidays from a CSV file (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument(
            "--with-national",
            action="store_true",
            help="Also copy the national holidays of the same years as informational rows.",
        )

    def handle(self, *args: Any, file: Path, with_national: bool, **options: Any) -> None:
        rows = read_rows(file)
        if with_national:
            for year in sorted({row.date.year for row in rows}):
                rows.extend(
                    HolidayRow(date=day, name=name, kind=Holiday.Kind.NATIONAL, basis="holidays package")
                    for day, name in sorted(national_holidays(year).items())
                )
        result = holidays_load(actor=None, rows=rows)
        self.stdout.write(
            f"Holidays: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
