from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.audit import roots
from layanan.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Replay the audit log's keyed hash chain, compare it with the published day roots, and report "
        "altered, removed, reordered or inserted events and the first point of divergence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--roots",
            type=Path,
            default=None,
            help="folder of published day roots to check against (default: AUDIT_ROOTS_DIR), "
            "for example the inspectorate's copy",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["roots"] or roots.roots_dir()
        if options["roots"] is not None and not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        report = audit_verify(roots_dir=folder)
        for problem in report.problems:
            self.stderr.write(f"[{problem.kind}] {problem.message}")
        first = report.first_divergence
        if first is not None:
            self.stderr.write(f"First divergence: {first.where()}")
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
