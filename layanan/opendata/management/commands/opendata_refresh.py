"""Rebuild the published copies of the open data sets now (the periodic task does it every 6 hours)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layanan.opendata.services import snapshots_refresh


class Command(BaseCommand):
    help = "Rebuild every open data set's published copy (CSV, JSON) from the summary tables."

    def handle(self, *args: Any, **options: Any) -> None:
        done = snapshots_refresh()
        self.stdout.write(f"open data sets refreshed: {', '.join(done) or 'none'}")
