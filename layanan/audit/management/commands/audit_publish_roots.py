from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from layanan.audit import roots


class Command(BaseCommand):
    help = (
        "Publish each finished day's last audit seal root (signed file, and email to AUDIT_ROOTS_EMAIL); "
        "the worker does this hourly. --public-key prints the key that verifies the files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--public-key", action="store_true", help="print the verifying key and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            self.stdout.write(roots.public_key_text())
            return
        result = roots.audit_roots_publish()
        for path in result.written:
            self.stdout.write(f"published {path}")
        if result.emailed:
            self.stdout.write(f"emailed {len(result.emailed)} day root(s)")
        if not result.written:
            self.stdout.write(f"nothing new to publish in {roots.roots_dir()}")
