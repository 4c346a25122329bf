"""Make the demo's applications, letter, reports and survey answer once (after seed_demo)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from layanan.demo.activity import demo_activity_seed


class Command(BaseCommand):
    help = (
        "Create a little demo activity through the real services, once. Refused when ENVIRONMENT=production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_activity makes demo cases: refused in production.")
        report = demo_activity_seed()
        if not report.created:
            self.stdout.write("Demo activity: already there, left as it is.")
            return
        self.stdout.write("Demo activity: " + "; ".join(report.lines) + ".")
