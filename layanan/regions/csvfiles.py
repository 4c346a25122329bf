"""Reading the project's reference CSV files (regions, agencies) with errors that name file and line."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _


class DataFileError(ValueError):
    """A reference data file is missing, unreadable or has a bad row.

    ``line`` is the 1-based line of the file (the header is line 1), or
    ``None`` when the problem concerns the whole file.
    """

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        if line is None:
            text = _("%(file)s: %(message)s") % {"file": path, "message": message}
        else:
            text = _("%(file)s baris %(line)d: %(message)s") % {
                "file": path,
                "line": line,
                "message": message,
            }
        super().__init__(text)


@dataclass(frozen=True)
class CsvRow:
    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def error(self, message: str) -> DataFileError:
        return DataFileError(self.path, self.line, message)


def csv_rows(path: Path, *, required: tuple[str, ...]) -> list[CsvRow]:
    """All data rows of ``path`` with values stripped of surrounding spaces.

    Refuses a file that cannot be read as UTF-8, lacks a ``required`` column,
    has a row with too many or too few fields, or has no data rows.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in required if name not in header]
            if missing:
                raise DataFileError(
                    path, 1, _("kolom wajib tidak ada: %(columns)s") % {"columns": ", ".join(missing)}
                )
            reader.fieldnames = header
            rows: list[CsvRow] = []
            for raw in reader:
                line = reader.line_num
                if None in raw:
                    raise DataFileError(path, line, _("kolom lebih banyak daripada judul kolom"))
                if any(value is None for value in raw.values()):
                    raise DataFileError(path, line, _("kolom kurang daripada judul kolom"))
                rows.append(CsvRow(path, line, {key: value.strip() for key, value in raw.items()}))
    except OSError as exc:
        raise DataFileError(
            path, None, _("berkas tidak dapat dibaca (%(reason)s)") % {"reason": exc.strerror}
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(path, None, _("berkas bukan teks UTF-8")) from exc
    except csv.Error as exc:
        raise DataFileError(path, None, _("CSV rusak (%(reason)s)") % {"reason": exc}) from exc
    if not rows:
        raise DataFileError(path, None, _("berkas tidak berisi baris data"))
    return rows
