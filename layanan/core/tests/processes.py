"""A database that ``manage.py`` child processes share with a test.

On PostgreSQL it is pytest-django's test database (the test must be
transactional so that the children see committed rows). On SQLite the test
database lives in memory, where no other process can reach it, so the children
get a migrated SQLite file of their own instead, and the test reads it through
them too. Either way the children are real, separate processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


@dataclass
class ProcessDatabase:
    env: dict[str, str]
    shared_with_test: bool  # True when the test's own ORM sees the children's rows

    def manage(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, MANAGE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            return subprocess.Popen(
                [sys.executable, MANAGE, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def python(self, code: str, timeout: float = 60) -> Any:
        """Run ``code`` with Django set up in a child; it must print one JSON value last."""
        done = self.manage("shell", "--no-imports", "-c", code, timeout=timeout)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


def _child_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="layanan.settings",
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)
    return env


def make_process_database(request: pytest.FixtureRequest, tmp_path: Path) -> ProcessDatabase:
    """Build the shared database; a test module wraps this in its ``process_database`` fixture."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        db = connection.settings_dict
        auth = quote(db["USER"] or "")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"])
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"
        return ProcessDatabase(env=_child_env(url, var_dir), shared_with_test=True)
    path = tmp_path / "shared.sqlite3"
    database = ProcessDatabase(env=_child_env(f"sqlite:///{path}", var_dir), shared_with_test=False)
    migrated = database.manage("migrate", "--no-input", "-v0", timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    return database


def spawn_shell(code: str, database: ProcessDatabase) -> subprocess.Popen[str]:
    """Run ``code`` in ``manage.py shell`` in a separate process against ``database``."""
    return subprocess.Popen(  # our own interpreter and manage.py
        [sys.executable, MANAGE, "shell", "--no-imports", "-c", code],
        env=database.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
