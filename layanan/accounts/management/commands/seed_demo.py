"""Create the demo personas (citizen, officers, operator, leader, auditor, admin, signer). Safe to repeat."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.accounts.demo import DemoDataMissingError, demo_seed


class Command(BaseCommand):
    help = (
        "Create the demo personas if absent and write their sign-ins to var/demo-credentials.txt. "
        "Needs load_regions and seed_offices first. Refused when ENVIRONMENT=production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet-credentials", action="store_true", help="Do not print the file's contents."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo creates accounts with published passwords: refused in production.")
        try:
            report = demo_seed()
        except DemoDataMissingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo personas: {report.created} created, {len(report.personas) - report.created} kept. "
            f"Sign-ins written to {report.credentials_path} (mode 0600)."
        )
        if not options["quiet_credentials"]:
            self.stdout.write(report.credentials_path.read_text(encoding="utf-8"))
