"""``manage.py restore``: restore an archive made by ``manage.py backup`` into an empty instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.backup.management.commands.backup import read_passphrase
from layanan.backup.services import ArchiveError, BackupError, archive_check, backup_restore, backup_secret


class Command(BaseCommand):
    help = (
        "Restore a backup archive into this instance's (empty) database and file storage, then check "
        "the audit log. Needs the same FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY and other keys as the source."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive file")
        parser.add_argument("--passphrase-file", help="the passphrase the archive was made with, in a file")
        parser.add_argument(
            "--force", action="store_true", help="empty a target that holds data first (destroys it!)"
        )
        parser.add_argument(
            "--check", action="store_true", help="only read and check the archive; change nothing"
        )

    def handle(
        self, *args: Any, archive: str, passphrase_file: str | None, force: bool, check: bool, **options: Any
    ) -> None:
        path = Path(archive)
        try:
            secret = backup_secret(passphrase=read_passphrase(passphrase_file))
            if check:
                checked = archive_check(path, secret=secret)
                header, manifest = checked.header, checked.manifest
                rows = sum(table["rows"] for table in manifest["tables"].values())
                self.stdout.write(
                    f"Archive intact: made {header['created_at']} on {header['engine']}, "
                    f"{rows} rows in {len(manifest['tables'])} tables, {len(manifest['files'])} files."
                )
                return
            report = backup_restore(
                path, secret=secret, force=force, progress=lambda line: self.stderr.write(f"... {line}")
            )
        except (ArchiveError, BackupError) as exc:
            raise CommandError(str(exc)) from exc
        header = report.header
        self.stdout.write(f"Restored the archive made {header['created_at']} on {header['engine']}:")
        for label, count in sorted(report.tables.items()):
            self.stdout.write(f"  {label}: {count}")
        for area, count in sorted(report.files.items()):
            self.stdout.write(f"  files in {area}: {count}")
        self.stdout.write(
            f"Total: {sum(report.tables.values())} rows, {sum(report.files.values())} files "
            f"({report.file_bytes} bytes)."
        )
        for warning in report.warnings:
            self.stderr.write(f"WARNING: {warning}")
        if not report.at_latest_migrations:
            self.stdout.write("The archive is from an older release: run `manage.py migrate` now.")
            return
        try:
            call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            raise CommandError(f"restored, but the audit log does not verify: {exc}") from exc
