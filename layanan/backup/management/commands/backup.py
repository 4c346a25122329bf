"""``manage.py backup``: an encrypted archive of the database and the files (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.backup.services import BackupError, backup_create, backup_secret
from layanan.backup.stream import new_key as make_key


def read_passphrase(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read the passphrase file {path} ({exc.strerror})") from exc


class Command(BaseCommand):
    help = (
        "Write an encrypted archive of the database and the files (storages and non-secret files "
        "under VAR_DIR). Secrets are never in it: keep the environment's keys separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="archive file or folder (default: a new file in BACKUP_DIR)"
        )
        parser.add_argument(
            "--passphrase-file",
            help="derive the key from the passphrase in this file (instead of the environment)",
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a fresh value for BACKUP_ENCRYPTION_KEY and stop"
        )

    def handle(
        self, *args: Any, output: str | None, passphrase_file: str | None, new_key: bool, **options: Any
    ) -> None:
        if new_key:
            self.stdout.write(make_key())
            return
        try:
            secret = backup_secret(passphrase=read_passphrase(passphrase_file))
            report = backup_create(secret=secret, output=Path(output) if output else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(report.tables.values())
        files = sum(report.files.values())
        self.stdout.write(
            f"Backup written: {report.path} ({report.size} bytes): "
            f"{rows} rows in {len(report.tables)} tables, "
            f"{files} files ({report.file_bytes} bytes)."
        )
