from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from layanan.audit.services import audit_verify


class Command(BaseCommand):
    help = "Replay the audit log's hash chain and report altered, removed, reordered or inserted events."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        for problem in report.problems:
            self.stderr.write(f"[{problem.kind}] {problem.message}")
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
