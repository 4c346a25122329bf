"""The embedded database, VAR_DIR and uploads are readable by the platform's own user only."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.backends.sqlite3.base import DatabaseWrapper

from layanan.core.checks import check_private_files
from layanan.env import env_database


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker: Any) -> Any:
    """These tests open their own SQLite files, never the test database."""
    with django_db_blocker.unblock():
        yield


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_sqlite(path: Path) -> DatabaseWrapper:
    config = env_database("LAYANAN_NO_SUCH_VARIABLE", sqlite_path=path)
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_HEALTH_CHECKS": False,
            "CONN_MAX_AGE": 0,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        },
        alias="private-files-test",
    )
    wrapper.connect()
    return wrapper


def test_a_new_sqlite_database_and_its_wal_are_owner_only(tmp_path: Path, settings: Any) -> None:
    settings.VAR_DIR = tmp_path
    tmp_path.chmod(0o755)
    database = tmp_path / "layanan.sqlite3"
    wrapper = open_sqlite(database)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
    finally:
        wrapper.close()
    files = [path for path in tmp_path.iterdir() if path.name.startswith("layanan.sqlite3")]
    assert database in files
    assert {path.name: mode(path) for path in files} == dict.fromkeys((p.name for p in files), 0o600)
    assert mode(tmp_path) == 0o700


def test_an_existing_world_readable_database_is_closed_on_the_next_connection(
    tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path / "elsewhere"
    database = tmp_path / "old.sqlite3"
    open_sqlite(database).close()
    database.chmod(0o644)
    open_sqlite(database).close()
    assert mode(database) == 0o600


def test_uploads_are_saved_owner_only(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = FileSystemStorage()
    name = storage.save("ktp/2026/scan.txt", ContentFile(b"scan"))
    assert mode(Path(storage.path(name))) == 0o600
    assert mode(Path(storage.path("ktp"))) == 0o700


def test_the_deploy_check_warns_about_a_folder_others_can_read(tmp_path: Path, settings: Any) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR.mkdir(mode=0o700)
    settings.MEDIA_ROOT.mkdir(mode=0o755)
    settings.MEDIA_ROOT.chmod(0o755)
    warnings = check_private_files()
    assert [w.id for w in warnings] == ["layanan.W001"]
    assert str(settings.MEDIA_ROOT) in warnings[0].msg
    settings.MEDIA_ROOT.chmod(0o700)
    assert check_private_files() == []
