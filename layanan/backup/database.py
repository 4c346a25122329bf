"""A logical, portable dump of the database, and its load into an empty one.

Every table of every model at the source's migration state (the historical models of the
migrations, not today's classes, so an archive made by an older release still loads), in
foreign-key order, rows in primary-key order, each column as the plain JSON of its value: text,
numbers, ISO dates and times, Decimal and UUID as text, bytes as base64, JSON as JSON. Loading
inserts the rows as they were, with their primary keys, in one transaction (foreign keys are
checked at commit, so the order is a courtesy), then resets the PostgreSQL sequences.

Two kinds of column are never passed through their field's conversions:

- ``EncryptedTextField`` columns are read and written as the stored token (``enc1:...``), so
  personal data is never decrypted and re-encrypted: the restored value is the same bytes.
- The audit log's sealing columns (:data:`layanan.audit.guard.SEALING_COLUMNS`): its guard
  refuses to INSERT a sealed event, so each event is inserted unsealed and then sealed by the one
  UPDATE the guard allows, with the stored sequence, seal and hash: the chain is byte for byte the
  source's and still verifies.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Iterable
from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.exceptions import NodeNotFoundError
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils.duration import duration_string

from layanan.audit.guard import EVENT_TABLE, SEALING_COLUMNS
from layanan.backup.archive import ArchiveWriter
from layanan.backup.stream import ArchiveError
from layanan.core.fields import EncryptedTextField

BATCH = 500


def migration_state(connection: BaseDatabaseWrapper) -> list[list[str]]:
    """The migrations applied to the database, as sorted ``[app, name]`` pairs."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def historical_apps(nodes: Iterable[Iterable[str]]) -> Apps:
    """The models as the migrations ``nodes`` left them."""
    return _historical_apps(tuple(sorted((app, name) for app, name in nodes)))


@functools.lru_cache(maxsize=2)
def _historical_apps(wanted: tuple[tuple[str, str], ...]) -> Apps:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [f"{app}.{name}" for app, name in wanted if (app, name) not in loader.graph.nodes]
    if unknown:
        raise ArchiveError(
            "the archive was made by a newer release: this release does not know the migration(s) "
            + ", ".join(unknown[:5])
            + "; restore it with the release that made it (or a later one)"
        )
    try:
        state = loader.project_state(nodes=list(wanted), at_end=True)
    except NodeNotFoundError as exc:
        raise ArchiveError(f"the archive's migration state cannot be rebuilt: {exc}") from exc
    return state.apps


def _excluded() -> set[str]:
    return {label.lower() for label in settings.BACKUP_EXCLUDE_MODELS}


def backed_up_models(apps: Apps, *, exclude: bool = True) -> list[type[models.Model]]:
    """The models whose rows go into an archive, parents before the models that point at them.

    ``exclude=False`` keeps the models ``BACKUP_EXCLUDE_MODELS`` leaves out (to read any archive).
    """
    excluded = _excluded() if exclude else set()
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label_lower not in excluded
    ]
    return dependency_order(chosen)


def dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models sorted so each comes after those its foreign keys point to (cycles: by label)."""
    by_label = {model._meta.label_lower: model for model in chosen}
    needs: dict[str, set[str]] = {}
    for label, model in by_label.items():
        needs[label] = {
            field.related_model._meta.label_lower
            for field in model._meta.local_concrete_fields
            if field.is_relation
            and field.related_model is not None
            and not isinstance(field.related_model, str)
        } & by_label.keys()
        needs[label].discard(label)
    ordered: list[type[models.Model]] = []
    done: set[str] = set()
    while len(done) < len(by_label):
        ready = sorted(label for label in by_label if label not in done and needs[label] <= done)
        if not ready:  # a cycle: take the first left, the deferred foreign keys let it load
            ready = [min(label for label in by_label if label not in done)]
        for label in ready:
            ordered.append(by_label[label])
            done.add(label)
    return ordered


def _sealed(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, EncryptedTextField)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def dump_table(model: type[models.Model], using: str, writer: ArchiveWriter) -> int:
    """Write one table to the archive; return its row count."""
    fields = list(model._meta.local_concrete_fields)
    select: list[str] = []
    raw: dict[str, Any] = {}
    for field in fields:
        if _sealed(field):
            alias = f"_backup_raw_{field.attname}"
            raw[alias] = Cast(field.attname, output_field=models.TextField())  # the token, not decrypted
            select.append(alias)
        else:
            select.append(field.attname)
    writer.table_begin(model._meta.label_lower, model._meta.db_table, [field.attname for field in fields])
    rows = (
        model._base_manager.using(using)
        .annotate(**raw)
        .order_by("pk")
        .values_list(*select)
        .iterator(chunk_size=2000)
    )
    count = 0
    batch: list[list[Any]] = []
    for row in rows:
        batch.append([_encode(value) for value in row])
        if len(batch) >= BATCH:
            writer.rows(batch)
            count += len(batch)
            batch = []
    if batch:
        writer.rows(batch)
        count += len(batch)
    writer.table_end()
    return count


class TableLoader:
    """Inserts the rows of one table as they were read."""

    def __init__(self, model: type[models.Model], columns: list[str], connection: BaseDatabaseWrapper):
        self.model = model
        self.connection = connection
        self.fields = list(model._meta.local_concrete_fields)
        if columns != [field.attname for field in self.fields]:
            raise ArchiveError(
                f"the columns of {model._meta.label_lower} in the archive differ from its migrations"
            )
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(str(field.column)) for field in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  # names from the models  # nosec B608
        self.sealing = [i for i, field in enumerate(self.fields) if field.column in SEALING_COLUMNS]
        if model._meta.db_table != EVENT_TABLE:
            self.sealing = []
        if self.sealing:
            pk_field = model._meta.pk
            assert pk_field is not None
            self.pk_index = self.fields.index(pk_field)
            sets = ", ".join(f"{quote(str(self.fields[i].column))} = %s" for i in self.sealing)
            where = quote(str(pk_field.column))
            self.update = f"UPDATE {table} SET {sets} WHERE {where} = %s"  # noqa: S608  # names from the models  # nosec B608
        self.count = 0

    def _value(self, field: models.Field[Any, Any], value: Any) -> Any:
        if value is None:
            return None
        if _sealed(field):
            return value  # the stored token as it was: never decrypted, never re-encrypted
        return field.get_db_prep_save(field.to_python(value), connection=self.connection)

    def load(self, rows: list[list[Any]]) -> None:
        prepared = []
        for row in rows:
            if len(row) != len(self.fields):
                raise ArchiveError(f"a row of {self.model._meta.label_lower} has the wrong number of columns")
            prepared.append(
                [self._value(field, value) for field, value in zip(self.fields, row, strict=True)]
            )
        with self.connection.cursor() as cursor:
            if not self.sealing:
                cursor.executemany(self.insert, prepared)
            else:
                unsealed = []
                seal_updates = []
                for row in prepared:
                    copy = list(row)
                    for i in self.sealing:
                        copy[i] = None if self.fields[i].null else ""
                    unsealed.append(copy)
                    if any(row[i] not in (None, "") for i in self.sealing):
                        seal_updates.append([row[i] for i in self.sealing] + [row[self.pk_index]])
                cursor.executemany(self.insert, unsealed)
                if seal_updates:
                    cursor.executemany(self.update, seal_updates)
        self.count += len(rows)


def first_sealed_value(
    model: type[models.Model], columns: list[str], rows: list[list[Any]]
) -> tuple[str, str] | None:
    """(context, token) of the first encrypted value in ``rows``, to check the field keys with."""
    by_attname = {field.attname: field for field in model._meta.local_concrete_fields}
    for index, column in enumerate(columns):
        field = by_attname.get(column)
        if field is not None and isinstance(field, EncryptedTextField):
            for row in rows:
                if row[index]:
                    return field.context, row[index]
    return None


def flush(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    """Empty ``tables`` (TRUNCATE on PostgreSQL, DELETE on SQLite)."""
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def reset_sequences(connection: BaseDatabaseWrapper, chosen: list[type[models.Model]]) -> None:
    """Move every PostgreSQL sequence past the highest restored id (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def tables_with_rows(connection: BaseDatabaseWrapper, apps: Apps, *, ignore: set[str]) -> list[str]:
    """Labels of the models whose tables exist and hold at least one row."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    found = []
    quote = connection.ops.quote_name
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped or meta.label_lower in ignore:
            continue
        if meta.db_table not in existing:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {quote(meta.db_table)} LIMIT 1")  # noqa: S608  # nosec B608  # nosemgrep: no-raw-sql-formatting (a model's table)
            if cursor.fetchone() is not None:
                found.append(meta.label_lower)
    return found
