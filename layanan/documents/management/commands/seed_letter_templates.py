"""Create the letter template of each letter service from ``data/letter_templates/<slug>.typ``.

Idempotent: a service that already has a template keeps it (an administrator may
have edited it) unless ``--update`` is given. Each file starts with comment lines
``// title: ...`` and ``// classification: ...``; the rest is the typst body.
Run after ``seed_catalogue``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from layanan.catalogue.models import Service
from layanan.documents.models import LetterTemplate


def parse_template(text: str) -> tuple[dict[str, str], str]:
    """The header (``// key: value`` lines at the top) and the body."""
    header: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines) and lines[index].startswith("//"):
        key, sep, value = lines[index][2:].partition(":")
        if sep and key.strip() in {"title", "classification"}:
            header[key.strip()] = value.strip()
        index += 1
    return header, "\n".join(lines[index:]).strip() + "\n"


class Command(BaseCommand):
    help = "Create the letter templates of the letter services from data/letter_templates/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "data" / "letter_templates"))
        parser.add_argument("--update", action="store_true", help="Overwrite existing templates.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dir"])
        if not folder.is_dir():
            raise CommandError(f"no such folder: {folder}")
        created = updated = 0
        with transaction.atomic():
            for path in sorted(folder.glob("*.typ")):
                service = Service.objects.filter(slug=path.stem).first()
                if service is None:
                    self.stderr.write(f"skipped {path.name}: no service with slug {path.stem}")
                    continue
                header, body = parse_template(path.read_text(encoding="utf-8"))
                if "title" not in header or "classification" not in header:
                    raise CommandError(f"{path.name}: needs // title: and // classification: lines")
                values = {
                    "title": header["title"],
                    "classification_code": header["classification"],
                    "body": body,
                }
                existing = LetterTemplate.objects.filter(service=service).first()
                if existing is None:
                    LetterTemplate.objects.create(service=service, **values)
                    created += 1
                elif options["update"]:
                    for name, value in values.items():
                        setattr(existing, name, value)
                    existing.save()
                    updated += 1
        self.stdout.write(f"letter templates: {created} created, {updated} updated")
