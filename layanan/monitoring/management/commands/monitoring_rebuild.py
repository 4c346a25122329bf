"""Rebuild the dashboards' summary tables from the raw applications and reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from layanan.monitoring.services import facts_rebuild_all, facts_rebuild_range, open_items_rebuild


class Command(BaseCommand):
    help = "Rebuild the monitoring summary tables (all days, or --from/--to) and the open items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", type=date.fromisoformat, help="last day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options.get("first"), options.get("last")
        if first is not None or last is not None:
            if first is None or last is None or first > last:
                self.stderr.write("Berikan --from dan --to, dengan --from tidak lebih akhir dari --to.")
                return
            days = facts_rebuild_range(first=first, last=last)
            open_items_rebuild()
        else:
            days = facts_rebuild_all()
        self.stdout.write(f"monitoring summaries rebuilt for {days} days")
