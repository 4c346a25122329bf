from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.privacy.breach import sessions_revoke


class Command(BaseCommand):
    help = "End sessions: of some users (--user ID, --ids-file) or of everyone (--all). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", type=int, action="append", default=[], help="a user id (repeatable)")
        parser.add_argument("--ids-file", type=Path, help="a file of user ids, one a line")
        parser.add_argument("--all", action="store_true", help="everyone, staff included")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = list(options["user"])
        if options["ids_file"]:
            ids += [int(line) for line in options["ids_file"].read_text().split() if line.strip()]
        if not options["all"] and not ids:
            raise CommandError("say whose sessions to end: --user, --ids-file or --all")
        try:
            ended = sessions_revoke(user_ids=None if options["all"] else ids)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"sessions ended: {ended}")
