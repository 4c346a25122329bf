from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.privacy.breach import breach_notify


class Command(BaseCommand):
    help = (
        "Send the breach notice (UU 27/2022 Pasal 46) to the citizens listed in --ids-file, once per "
        "incident: the message names the incident and links to the regency's notice page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", required=True, help="the incident reference, e.g. INS-2026-01")
        parser.add_argument("--ids-file", type=Path, required=True, help="user ids, one a line")
        parser.add_argument("--link", required=True, help="the public page explaining the incident")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = options["incident"].strip()
        if not incident or len(incident) > 40:
            raise CommandError("--incident must be 1 to 40 characters")
        ids = [int(line) for line in options["ids_file"].read_text().split() if line.strip()]
        sent = breach_notify(incident=incident, user_ids=ids, link=options["link"])
        self.stdout.write(f"notices saved: {sent} (of {len(ids)} ids)")
