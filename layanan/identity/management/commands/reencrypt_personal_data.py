"""Re-seal every encrypted value that is not under the newest key.

After putting a new key first in ``FIELD_ENCRYPTION_KEYS`` (old keys kept
after it), run this until it reports nothing left to re-seal, then remove the
old keys. Safe to run twice and while the site is up: each row is rewritten
only if its stored value is still the one read (a conditional update), in
batches of one transaction each. Prints counts, never values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from layanan.core import crypto
from layanan.core.fields import EncryptedTextField


@dataclass
class ColumnReport:
    label: str
    scanned: int = 0
    current: int = 0
    resealed: int = 0
    changed_meanwhile: int = 0
    unreadable: int = 0


def encrypted_columns() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every concrete ``EncryptedTextField`` of every installed, managed model."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.concrete_fields:
            if isinstance(field, EncryptedTextField) and field.model is model:
                found.append((model, field))
    return found


def reseal_column(
    model: type[models.Model], field: EncryptedTextField, *, batch_size: int, dry_run: bool
) -> ColumnReport:
    report = ColumnReport(label=f"{model._meta.label}.{field.name}")
    manager = model._base_manager
    # The stored token, read without the field's decrypting converter.
    raw = Cast(field.name, output_field=TextField())
    base = manager.alias(_sealed=raw).exclude(**{f"{field.name}__isnull": True}).exclude(_sealed="")
    last_pk: Any = None
    while True:
        page = base.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page.annotate(_token=raw).values_list("pk", "_token")[:batch_size])
        if not rows:
            return report
        last_pk = rows[-1][0]
        with transaction.atomic():
            for pk, token in rows:
                report.scanned += 1
                try:
                    if not crypto.needs_reencryption(token):
                        report.current += 1
                        continue
                    plaintext = crypto.decrypt(token, context=field.context)
                except crypto.DecryptionError:
                    report.unreadable += 1
                    continue
                if dry_run:
                    report.resealed += 1
                    continue
                updated = (
                    manager.alias(_sealed=raw)
                    .filter(pk=pk, _sealed=token)
                    .update(**{field.name: plaintext})  # get_prep_value seals under the newest key
                )
                if updated:
                    report.resealed += 1
                else:
                    report.changed_meanwhile += 1  # rewritten by someone else, hence already current


class Command(BaseCommand):
    help = "Re-encrypt personal data sealed under an older FIELD_ENCRYPTION_KEYS key with the newest key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        totals = ColumnReport(label="total")
        for model, field in encrypted_columns():
            report = reseal_column(model, field, batch_size=batch_size, dry_run=dry_run)
            self.stdout.write(
                f"{report.label}: {report.scanned} scanned, {report.current} already current, "
                f"{report.resealed} {'to re-seal' if dry_run else 're-sealed'}, "
                f"{report.changed_meanwhile} changed meanwhile, {report.unreadable} unreadable"
            )
            for name in ("scanned", "current", "resealed", "changed_meanwhile", "unreadable"):
                setattr(totals, name, getattr(totals, name) + getattr(report, name))
        self.stdout.write(
            f"total: {totals.scanned} scanned, {totals.resealed} {'to re-seal' if dry_run else 're-sealed'}, "
            f"{totals.unreadable} unreadable"
        )
        if totals.unreadable:
            raise CommandError(
                f"{totals.unreadable} value(s) open with no configured key or fail their integrity check; "
                "keep the old keys and investigate before removing any key."
            )
