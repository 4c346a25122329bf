"""Database triggers that keep the audit tables append-only.

On PostgreSQL and SQLite:

- INSERT of an event is allowed only unsealed (``seal_id`` and ``sequence`` NULL, ``hash`` empty);
- UPDATE of an event is allowed only as the one-time sealing update: an unsealed row gets its
  ``seal_id``, ``sequence`` and 64-character ``hash``, the sequence lies inside that seal's range,
  and no other column changes;
- DELETE of an event, and UPDATE or DELETE of a seal, are always refused.

A refusal raises :class:`django.db.IntegrityError` ("audit log is append-only").

The triggers are installed by the app's migration and re-installed after every ``migrate``
(``post_migrate``): SQLite rebuilds a table to alter it, which drops its triggers, and the SQLite
trigger names the content columns, read from the live table. TRUNCATE (PostgreSQL) and dropping
the triggers remain possible for whoever owns the tables; that is what the hash chain and the
published seal roots are for (:mod:`layanan.audit.services`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

EVENT_TABLE = "audit_auditevent"
SEAL_TABLE = "audit_auditseal"
SEALING_COLUMNS = frozenset({"seal_id", "sequence", "hash"})
REFUSAL = "audit log is append-only"

# Constant SQL (table names and messages are module constants, never input).
_PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seal_id IS NULL AND NEW.sequence IS NULL AND NEW.hash = '' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSAL}: an event is inserted unsealed' USING ERRCODE = '23000';
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.seal_id IS NULL AND OLD.sequence IS NULL AND OLD.hash = ''
           AND NEW.seal_id IS NOT NULL AND NEW.sequence IS NOT NULL AND length(NEW.hash) = 64
           AND (to_jsonb(NEW) - 'seal_id' - 'sequence' - 'hash')
               = (to_jsonb(OLD) - 'seal_id' - 'sequence' - 'hash')
           AND EXISTS (
               SELECT 1 FROM {SEAL_TABLE} s
               WHERE s.id = NEW.seal_id AND NEW.sequence BETWEEN s.first_sequence AND s.last_sequence
           ) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSAL}: UPDATE refused (only the one-time sealing is allowed)'
            USING ERRCODE = '23000';
    END IF;
    RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP USING ERRCODE = '23000';
END;
$$;

CREATE OR REPLACE FUNCTION audit_seal_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}: % of a seal refused', TG_OP USING ERRCODE = '23000';
END;
$$;
"""  # noqa: S608  # nosec B608  # constant SQL: module names and messages, never input

_PG_TRIGGERS = {
    "audit_event_guard": (
        f"CREATE TRIGGER audit_event_guard BEFORE INSERT OR UPDATE OR DELETE ON {EVENT_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_guard()"
    ),
    "audit_seal_guard": (
        f"CREATE TRIGGER audit_seal_guard BEFORE UPDATE OR DELETE ON {SEAL_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_seal_guard()"
    ),
}

_SQLITE_TRIGGER_NAMES = (
    "audit_event_insert_guard",
    "audit_event_update_guard",
    "audit_event_delete_guard",
    "audit_seal_update_guard",
    "audit_seal_delete_guard",
)


def _sqlite_statements(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(cursor, EVENT_TABLE)
            if column.name not in SEALING_COLUMNS
        ]
    q = connection.ops.quote_name
    unchanged = " AND ".join(f"NEW.{q(c)} IS OLD.{q(c)}" for c in columns)
    return [
        f"""CREATE TRIGGER audit_event_insert_guard BEFORE INSERT ON {EVENT_TABLE}
        WHEN NOT (NEW.seal_id IS NULL AND NEW.sequence IS NULL AND NEW.hash = '')
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: an event is inserted unsealed'); END""",
        f"""CREATE TRIGGER audit_event_update_guard BEFORE UPDATE ON {EVENT_TABLE}
        WHEN NOT (
            OLD.seal_id IS NULL AND OLD.sequence IS NULL AND OLD.hash = ''
            AND NEW.seal_id IS NOT NULL AND NEW.sequence IS NOT NULL AND length(NEW.hash) = 64
            AND {unchanged}
            AND EXISTS (
                SELECT 1 FROM {SEAL_TABLE} s
                WHERE s.id = NEW.seal_id AND NEW.sequence BETWEEN s.first_sequence AND s.last_sequence
            )
        )
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused (only the one-time sealing is allowed)'); END""",  # noqa: S608  # nosec B608
        f"""CREATE TRIGGER audit_event_delete_guard BEFORE DELETE ON {EVENT_TABLE}
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END""",
        f"""CREATE TRIGGER audit_seal_update_guard BEFORE UPDATE ON {SEAL_TABLE}
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE of a seal refused'); END""",
        f"""CREATE TRIGGER audit_seal_delete_guard BEFORE DELETE ON {SEAL_TABLE}
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE of a seal refused'); END""",
    ]


def _tables_exist(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    return {EVENT_TABLE, SEAL_TABLE} <= tables


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or refresh) the triggers. Safe to run again; other databases are left alone."""
    if not _tables_exist(connection):
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_FUNCTIONS)
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [list(_PG_TRIGGERS)])
            present = {row[0] for row in cursor.fetchall()}
            for name, statement in _PG_TRIGGERS.items():
                if name not in present:
                    cursor.execute(statement)
    elif connection.vendor == "sqlite":
        statements = _sqlite_statements(connection)
        with connection.cursor() as cursor:
            for name in _SQLITE_TRIGGER_NAMES:
                # nosemgrep: no-raw-sql-formatting  # constant names, never input
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in statements:
                cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (migration reversal, and tests that must tamper)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # nosemgrep: no-raw-sql-formatting  # constant names, never input
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_event_guard ON {EVENT_TABLE}")
            # nosemgrep: no-raw-sql-formatting  # constant names, never input
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_seal_guard ON {SEAL_TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS audit_event_guard()")
            cursor.execute("DROP FUNCTION IF EXISTS audit_seal_guard()")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in _SQLITE_TRIGGER_NAMES:
                # nosemgrep: no-raw-sql-formatting  # constant names, never input
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guard triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled <> 'D'",
                [list(_PG_TRIGGERS)],
            )
        elif connection.vendor == "sqlite":
            names = ", ".join(["%s"] * len(_SQLITE_TRIGGER_NAMES))
            cursor.execute(  # nosemgrep: no-raw-sql-formatting  # placeholders only
                f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})",  # noqa: S608  # nosec B608
                list(_SQLITE_TRIGGER_NAMES),
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def expected() -> set[str]:
    """Names :func:`installed` reports when the guard is complete, for the configured database."""
    vendor = connections["default"].vendor
    if vendor == "postgresql":
        return set(_PG_TRIGGERS)
    if vendor == "sqlite":
        return set(_SQLITE_TRIGGER_NAMES)
    return set()


@contextmanager
def lifted(using: str = "default") -> Iterator[None]:
    """Remove the triggers for the duration of the block, then put them back.

    For tests that must tamper with the log the way a database owner could, and for nothing else.
    """
    connection = connections[using]
    remove(connection)
    try:
        yield
    finally:
        install(connection)
