from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from layanan.privacy.breach import breach_scope


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not an ISO date or time: {value!r}") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Scope a breach from the audit log: events in a window (by action and actor) and the citizens "
        "whose account or cases they touched (ids only; --ids-file writes them for privacy_breach_notify)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="start, ISO (WIB when no offset)")
        parser.add_argument("--until", required=True, help="end (exclusive), ISO")
        parser.add_argument("--actor", type=int, help="only events of this user id (a stolen account)")
        parser.add_argument("--action", default="", help="only this action and its sub-actions")
        parser.add_argument("--ids-file", type=Path, help="write the affected citizens' ids, one a line")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = breach_scope(
            since=_moment(options["since"]),
            until=_moment(options["until"]),
            actor_id=options["actor"],
            action=options["action"],
        )
        self.stdout.write(f"events: {scope.events}")
        for action, count in scope.by_action.most_common():
            self.stdout.write(f"  action {action}: {count}")
        for actor, count in scope.by_actor.most_common():
            self.stdout.write(f"  actor {actor}: {count}")
        self.stdout.write(f"citizens affected: {len(scope.citizen_ids)}")
        if options["ids_file"]:
            options["ids_file"].write_text("".join(f"{uid}\n" for uid in sorted(scope.citizen_ids)))
            self.stdout.write(f"ids written to {options['ids_file']}")
