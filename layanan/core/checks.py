"""Owner-only files for the embedded setup, and the deploy check that says when they are not.

The embedded SQLite database holds everything (sealed personal data, the audit log, sessions),
so its file and SQLite's ``-wal``/``-shm`` companions are made readable by the platform's own user
only (0600), and ``VAR_DIR`` itself 0700, whenever a connection opens. Uploads are 0600 through
``FILE_UPLOAD_PERMISSIONS``; the development secrets file is written 0600 by the settings.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db.backends.base.base import BaseDatabaseWrapper

_COMPANIONS = ("", "-wal", "-shm", "-journal")


def sqlite_files(connection: BaseDatabaseWrapper) -> list[Path]:
    """The files of an on-disk SQLite database that exist now (none for an in-memory one)."""
    if connection.vendor != "sqlite":
        return []
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return []
    return [path for suffix in _COMPANIONS if (path := Path(name + suffix)).is_file()]


def sqlite_make_private(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: chmod the database's files to 0600."""
    files = sqlite_files(connection)
    for path in files:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    var_dir = Path(settings.VAR_DIR)
    if files and files[0].parent == var_dir and _readable_by_others(var_dir):
        var_dir.chmod(0o700)


def _readable_by_others(path: Path) -> bool:
    return path.exists() and bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


@checks.register(checks.Tags.security, deploy=True)
def check_private_files(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """layanan.W001: the database file, VAR_DIR or MEDIA_ROOT is open to other users."""
    from django.db import connections

    problems: list[checks.CheckMessage] = []
    candidates = [Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT), *sqlite_files(connections["default"])]
    for path in candidates:
        if _readable_by_others(path):
            problems.append(
                checks.Warning(
                    f"{path} can be read or entered by other users of this machine.",
                    hint=f"chmod {'700' if path.is_dir() else '600'} {path}",
                    id="layanan.W001",
                )
            )
    return problems
