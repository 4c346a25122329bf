"""Make a backup archive of the database and the files, and restore one into an empty instance.

See docs/backup.md for the operator's side and docs/decisions/0008-backup-format.md for why the
archive is a logical dump. Secrets (``SECRET_KEY``, ``FIELD_ENCRYPTION_KEYS``, ``BLIND_INDEX_KEY``,
``AUDIT_CHAIN_KEY``, the signing keys...) are never in an archive: the instance that restores needs
the same ones, from the operator's secret store.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from layanan.audit import guard
from layanan.audit.services import audit_record
from layanan.backup import archive as frames
from layanan.backup.archive import ArchiveWriter, read_events
from layanan.backup.database import (
    TableLoader,
    backed_up_models,
    dump_table,
    first_sealed_value,
    flush,
    historical_apps,
    migration_state,
    reset_sequences,
    tables_with_rows,
)
from layanan.backup.files import Area, AreaFile, areas, safe_name
from layanan.backup.stream import ArchiveError, DecryptingReader, EncryptingWriter, Secret, WrongKey
from layanan.core import crypto

__all__ = [
    "ArchiveError",
    "BackupError",
    "BackupReport",
    "RestoreReport",
    "WrongKey",
    "archive_check",
    "backup_create",
    "backup_restore",
    "backup_secret",
    "backup_write",
]

SUFFIX = ".llbak"
# Named in every header so that whoever opens an archive knows what it does not hold.
SECRETS_NOT_INCLUDED = [
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "BLIND_INDEX_KEY",
    "DOCUMENT_QR_KEY",
    "AUDIT_CHAIN_KEY",
    "DOCUMENT_CA_KEY_FILE",
    "BACKUP_ENCRYPTION_KEY",
]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path | None
    size: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    file_bytes: int = 0


@dataclass
class RestoreReport:
    header: dict[str, Any]
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    file_bytes: int = 0
    at_latest_migrations: bool = True
    warnings: list[str] = field(default_factory=list)


def backup_secret(*, passphrase: str | None = None) -> Secret:
    """The secret: ``passphrase`` if given, else ``BACKUP_ENCRYPTION_KEY`` or ``BACKUP_PASSPHRASE``"""
    try:
        if passphrase is not None:
            return Secret.from_passphrase(passphrase)
        key, phrase = settings.BACKUP_ENCRYPTION_KEY, settings.BACKUP_PASSPHRASE
        if key and phrase:
            raise BackupError("set BACKUP_ENCRYPTION_KEY or BACKUP_PASSPHRASE, not both")
        if key:
            return Secret.from_key(key)
        if phrase:
            return Secret.from_passphrase(phrase)
    except ValueError as exc:
        raise BackupError(str(exc)) from exc
    raise BackupError(
        "no backup key: set BACKUP_ENCRYPTION_KEY (manage.py backup --new-key prints a fresh one) "
        "or BACKUP_PASSPHRASE, or pass --passphrase-file"
    )


# Backup ---------------------------------------------------------------------------------------


def backup_write(sink: IO[bytes], *, secret: Secret, using: str = "default") -> BackupReport:
    """Write an archive of the database and every file area to ``sink``."""
    connection = connections[using]
    created_at = timezone.now().isoformat(timespec="seconds")
    report = BackupReport(path=None)
    stream = EncryptingWriter(sink, secret, created_at=created_at)
    writer = ArchiveWriter(stream)
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one snapshot for every table
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        nodes = migration_state(connection)
        if not nodes:
            raise BackupError("the database has no migrations applied: nothing to back up")
        models = backed_up_models(historical_apps(nodes))
        local_areas = areas()
        writer.header(
            {
                "format": 1,
                "created_at": created_at,
                "engine": connection.vendor,
                "django": django.get_version(),
                "migrations": nodes,
                "regency": settings.REGENCY["code"],
                "areas": sorted(local_areas),
                "excluded_models": sorted(label.lower() for label in settings.BACKUP_EXCLUDE_MODELS),
                "secrets_not_included": SECRETS_NOT_INCLUDED,
            }
        )
        for model in models:
            report.tables[model._meta.label_lower] = dump_table(model, using, writer)
    # The files after the database: a file added meanwhile comes along unreferenced (harmless).
    for area in local_areas.values():
        report.files[area.name] = 0
        for name in area.names():
            writer.file(area.name, name, area.open(name))
            report.files[area.name] += 1
    writer.finish()
    report.file_bytes = sum(entry["size"] for entry in writer.manifest.files)
    report.size = stream.bytes_written
    audit_record(
        actor=None,
        action="backup.created",
        details={
            "rows": sum(report.tables.values()),
            "files": sum(report.files.values()),
            "bytes": report.size,
        },
    )
    return report


def _prune(folder: Path, keep: int) -> None:
    if keep <= 0:
        return
    archives = sorted(folder.glob(f"layanan-*{SUFFIX}"))
    for old in archives[: max(0, len(archives) - keep)]:
        old.unlink(missing_ok=True)


def backup_create(*, secret: Secret, output: Path | None = None, using: str = "default") -> BackupReport:
    """Write an archive to ``output`` (default: a new file in ``BACKUP_DIR``), mode 0600, atomically."""
    if output is None or output.is_dir():
        folder = output or Path(settings.BACKUP_DIR)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        output = folder / f"layanan-{timezone.now():%Y%m%dT%H%M%S.%fZ}{SUFFIX}"  # sorts by time
        prune_in: Path | None = folder if folder == Path(settings.BACKUP_DIR) else None
    else:
        prune_in = None
    partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as sink:
            report = backup_write(sink, secret=secret, using=using)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report.path = output
    if prune_in is not None:
        _prune(prune_in, settings.BACKUP_KEEP)
    return report


# Restore --------------------------------------------------------------------------------------


@dataclass
class _Checked:
    header: dict[str, Any]
    manifest: dict[str, Any]
    sample: tuple[str, str] | None  # (context, token) of one encrypted value, to test the field keys


def _models_of(header: dict[str, Any]) -> dict[str, Any]:
    """Every model an archive with this header may hold, by label, at its migration state."""
    chosen = backed_up_models(historical_apps(header["migrations"]), exclude=False)
    return {model._meta.label_lower: model for model in chosen}


@contextmanager
def _events(path: Path, secret: Secret) -> Iterator[Iterator[frames.Event]]:
    try:
        with path.open("rb") as source:
            yield read_events(DecryptingReader(source, secret))
    except FileNotFoundError as exc:
        raise BackupError(f"no such archive: {path}") from exc


def archive_check(path: Path, *, secret: Secret) -> _Checked:
    """Read the whole archive once, checking every chunk, hash and the manifest; write nothing."""
    header: dict[str, Any] = {}
    manifest: dict[str, Any] = {}
    sample: tuple[str, str] | None = None
    models: dict[str, Any] | None = None
    columns: list[str] = []
    model: Any = None
    with _events(path, secret) as events:
        for event in events:
            if event.kind == frames.HEADER:
                header = event.meta
                models = _models_of(header)
            elif event.kind == frames.TABLE:
                assert models is not None
                model, columns = models.get(event.meta["model"]), event.meta["columns"]
            elif event.kind == frames.ROWS and sample is None and model is not None:
                assert event.rows is not None
                sample = first_sealed_value(model, columns, event.rows)
            elif event.kind == frames.FILE:
                safe_name(event.meta["name"])
            elif event.kind == frames.MANIFEST:
                manifest = event.meta
    return _Checked(header=header, manifest=manifest, sample=sample)


def migration_targets(nodes: list[list[str]], graph: Any) -> dict[str, str] | None:
    """The last migration of each app among ``nodes``; ``None`` when ``nodes`` is all of ``graph``."""
    recorded = {(app, name) for app, name in nodes}
    if recorded == set(graph.nodes):
        return None
    leaves: dict[str, str] = {}
    for app, name in sorted(recorded):
        children = {child.key for child in graph.node_map[(app, name)].children if child.key[0] == app}
        if not children & recorded:
            leaves[app] = name
    return leaves


def _migrate_to(nodes: list[list[str]], using: str) -> bool:
    """Bring the database to exactly the migrations ``nodes``; True when that is this release's latest."""
    targets = migration_targets(nodes, MigrationLoader(None, ignore_no_migrations=True).graph)
    quiet = {"database": using, "interactive": False, "verbosity": 0}
    if targets is None:
        call_command("migrate", **quiet)
        return True
    for app, name in sorted(targets.items()):
        call_command("migrate", app, name, **quiet)
    return False


def _wipe(connection: BaseDatabaseWrapper, using: str, local_areas: dict[str, Area]) -> None:
    """Empty every table and every file area (``--force``); the audit guard is lifted for it."""
    with transaction.atomic(using=using), guard.lifted(using):
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        flush(connection, sorted(tables))
    for area in local_areas.values():
        if area.holds_data:
            for name in list(area.names()):
                area.delete(name)


def backup_restore(
    path: Path,
    *,
    secret: Secret,
    force: bool = False,
    using: str = "default",
    progress: Callable[[str], None] = lambda line: None,
) -> RestoreReport:
    """Restore the archive at ``path`` into this instance's database and file areas.

    Refuses a target that holds data unless ``force`` (which empties it first). Checks the whole
    archive before touching anything, brings the database to the archive's migration state, loads
    every table in one transaction and writes the files, resets the sequences, then records the
    restore in the audit log.
    """
    progress("checking the archive")
    checked = archive_check(path, secret=secret)
    header = checked.header
    if checked.sample is not None:
        context, token = checked.sample
        try:
            crypto.decrypt(token, context=context)
        except crypto.DecryptionError as exc:
            raise BackupError(
                "FIELD_ENCRYPTION_KEYS of this instance cannot open the personal data in the archive; "
                "set the keys of the instance that made it (they are never in the archive)"
            ) from exc
    local_areas = areas()
    missing_areas = {entry["area"] for entry in checked.manifest["files"]} - local_areas.keys()
    if missing_areas:
        raise BackupError(
            f"the archive has files for {', '.join(sorted(missing_areas))}, not configured here"
        )

    connection = connections[using]
    seeded = {label.lower() for label in settings.BACKUP_SEEDED_MODELS}
    occupied = tables_with_rows(connection, django_apps, ignore=seeded)
    with_files = sorted(area.name for area in local_areas.values() if area.holds_data and not area.is_empty())
    if occupied or with_files:
        if not force:
            what = []
            if occupied:
                what.append(f"{len(occupied)} table(s) hold rows (e.g. {', '.join(occupied[:3])})")
            if with_files:
                what.append(f"file area(s) {', '.join(with_files)} hold files")
            raise BackupError(
                "the target is not empty: "
                + "; ".join(what)
                + ". Restore into an empty database and storage, or pass --force to replace everything."
            )
        progress("emptying the target (--force)")
        _wipe(connection, using, local_areas)

    progress("migrating to the archive's state")
    at_latest = _migrate_to(header["migrations"], using)
    models = _models_of(header)
    report = RestoreReport(header=header, at_latest_migrations=at_latest)
    written: list[tuple[Area, str]] = []
    current_file: AreaFile | None = None
    loader: TableLoader | None = None
    progress("loading")
    try:
        with transaction.atomic(using=using), _events(path, secret) as events:
            flush(connection, [model._meta.db_table for model in models.values()])  # what migrate seeded
            for event in events:
                if event.kind == frames.HEADER:
                    if event.meta != header:
                        raise ArchiveError("the archive changed while it was being restored")
                elif event.kind == frames.TABLE:
                    model = models.get(event.meta["model"])
                    if model is None:
                        raise ArchiveError(
                            f"the archive has a table {event.meta['model']} its migrations lack"
                        )
                    loader = TableLoader(model, event.meta["columns"], connection)
                elif event.kind == frames.ROWS:
                    assert loader is not None
                    assert event.rows is not None
                    loader.load(event.rows)
                elif event.kind == frames.TABLE_END:
                    assert loader is not None
                    report.tables[event.meta["model"]] = loader.count
                    loader = None
                elif event.kind == frames.FILE:
                    area = local_areas[event.meta["area"]]
                    current_file = area.writer(event.meta["name"])
                    if current_file.creates:
                        written.append((area, event.meta["name"]))
                elif event.kind == frames.DATA:
                    assert current_file is not None
                    current_file.write(event.data)
                    report.file_bytes += len(event.data)
                elif event.kind == frames.FILE_END:
                    assert current_file is not None
                    current_file.commit()
                    current_file = None
                    report.files[event.meta["area"]] = report.files.get(event.meta["area"], 0) + 1
                elif event.kind == frames.MANIFEST and event.meta != checked.manifest:
                    raise ArchiveError("the archive changed while it was being restored")
            connection.check_constraints(table_names=[model._meta.db_table for model in models.values()])
            ContentType.objects.clear_cache()  # the restored ids replace those migrate made
            reset_sequences(connection, list(models.values()))
            if at_latest:
                audit_record(
                    actor=None,
                    action="backup.restored",
                    details={
                        "created_at": header["created_at"],
                        "source_engine": header["engine"],
                        "rows": sum(report.tables.values()),
                        "files": sum(report.files.values()),
                    },
                )
    except BaseException:
        if current_file is not None:
            current_file.abort()
        for area, name in written:
            area.delete(name)
        raise
    report.warnings = _missing_keys(local_areas, written)
    return report


def _missing_keys(local_areas: dict[str, Area], written: list[tuple[Area, str]]) -> list[str]:
    """A certificate restored under VAR_DIR whose private key (a secret, never archived) is not there."""
    var = local_areas.get("var")
    missing = []
    for area, name in written:
        if area is var and name.endswith("-cert.pem"):
            key = Path(settings.VAR_DIR) / name.removesuffix("-cert.pem")
            if not key.with_name(key.name + "-key.pem").exists():
                missing.append(
                    f"{name} is restored but its private key is not: copy {Path(name).parent}/ from your "
                    "secret store before anyone signs (docs/backup.md)"
                )
    return missing
