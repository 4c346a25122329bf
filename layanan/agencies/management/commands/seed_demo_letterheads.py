"""Fill the letterheads of the demo offices (only empty fields). Refused in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from layanan.agencies.demo import demo_letterheads_fill


class Command(BaseCommand):
    help = (
        "Fill the empty letterhead fields of the demo offices (make run). "
        "Refused when ENVIRONMENT=production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_letterheads writes made-up contact details: refused in production.")
        changed = demo_letterheads_fill()
        self.stdout.write(f"Demo letterheads: {changed} offices filled.")
