"""The file areas of a backup: every configured storage, and the files under VAR_DIR that are not secrets.

An area has a name that is the same on every instance: ``storage:<alias>`` for each entry of
``STORAGES`` except ``staticfiles`` (rebuilt by ``collectstatic``) — uploads, report photos and
issued PDFs are in ``storage:default`` (``MEDIA_ROOT``) — and ``var`` for the files under
``VAR_DIR`` that ``BACKUP_VAR_FILES`` names (by default the public certificates of the development
signing CA and timestamping authority). Secrets are never taken, whatever the patterns say:
``dev-secrets.json``, private keys (``*-key.pem``, ``*.key``) and the demo credentials.
"""

from __future__ import annotations

import fnmatch
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from layanan.backup.stream import ArchiveError

NEVER = ("dev-secrets.json", "demo-credentials.txt", "*-key.pem", "*.key", "*.sqlite3*")


def safe_name(name: str) -> str:
    """``name`` if it is a plain relative path inside an area; refuses anything else."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        raise ArchiveError("the archive names a file outside its area")
    return name


class Area:
    name: str
    # Whether files here make a target "not empty" (and are removed by ``restore --force``).
    holds_data = True

    def names(self) -> Iterator[str]:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError

    def writer(self, name: str) -> AreaFile:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError

    def is_empty(self) -> bool:
        return next(self.names(), None) is None


class AreaFile:
    """A file being restored: written to a temporary place, put in place by :meth:`commit`."""

    def __init__(self, commit_to: Path | None, storage: Storage | None, name: str, *, keep: bool = False):
        self.name = name
        self._path = commit_to
        self._storage = storage
        self.creates = not keep
        self._handle: IO[bytes]
        if keep:  # a file already in place stays as it is; the archive's copy is read and dropped
            self._path = None
            self._handle = open(os.devnull, "wb")  # noqa: SIM115  # closed by commit/abort
        elif commit_to is not None:
            commit_to.parent.mkdir(parents=True, exist_ok=True)
            self._temp = commit_to.with_name(f".{commit_to.name}.restore-{secrets.token_hex(4)}")
            fd = os.open(self._temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _file_mode())
            self._handle = os.fdopen(fd, "wb")
        else:
            self._handle = tempfile.TemporaryFile()  # noqa: SIM115  # closed by commit/abort

    def write(self, data: bytes) -> None:
        self._handle.write(data)

    def commit(self) -> None:
        if not self.creates:
            self._handle.close()
            return
        if self._path is not None:
            self._handle.close()
            os.replace(self._temp, self._path)
            return
        assert self._storage is not None
        self._handle.seek(0)
        save_raw = getattr(
            self._storage, "save_raw", None
        )  # an encrypting bucket: the stored bytes as they are
        saved = (
            save_raw(self.name, self._handle)
            if save_raw
            else self._storage.save(self.name, File(self._handle))
        )
        self._handle.close()
        if saved != self.name:
            self._storage.delete(saved)
            raise ArchiveError("a file to restore already exists in its storage")

    def abort(self) -> None:
        self._handle.close()
        if self._path is not None:
            self._temp.unlink(missing_ok=True)


def _file_mode() -> int:
    configured = settings.FILE_UPLOAD_PERMISSIONS
    return int(configured) if configured is not None else 0o600


class StorageArea(Area):
    def __init__(self, alias: str, storage: Storage):
        self.name = f"storage:{alias}"
        self.storage = storage

    def _walk(self, folder: str) -> Iterator[str]:
        try:
            folders, files = self.storage.listdir(folder)
        except FileNotFoundError:
            return
        for file_name in sorted(files):
            yield f"{folder}/{file_name}" if folder else file_name
        for sub in sorted(folders):
            yield from self._walk(f"{folder}/{sub}" if folder else sub)

    def names(self) -> Iterator[str]:
        archives = os.path.realpath(settings.BACKUP_DIR) + os.sep  # never back up the backups
        for name in self._walk(""):
            if ".restore-" in name:
                continue
            path = self._path(name)
            if path is not None and os.path.realpath(path).startswith(archives):
                continue
            yield name

    def open(self, name: str) -> IO[bytes]:
        # The bytes as stored, read past the storage class: a storage that encrypts files at rest
        # hands out plaintext from open(), and the archive must hold (and give back) the stored form.
        path = self._path(name)
        if path is not None:
            return path.open("rb")
        open_raw = getattr(self.storage, "open_raw", None)  # an encrypting bucket (layanan.core.s3storage)
        if open_raw is not None:
            stored: IO[bytes] = open_raw(name)
            return stored
        return self.storage.open(name, "rb")

    def _path(self, name: str) -> Path | None:
        try:
            return Path(self.storage.path(name))
        except NotImplementedError:
            return None

    def writer(self, name: str) -> AreaFile:
        return AreaFile(self._path(safe_name(name)), self.storage, name)

    def delete(self, name: str) -> None:
        self.storage.delete(name)


class VarArea(Area):
    """Files under VAR_DIR. One already there (say the signing folder copied from the secret store
    before the restore) is kept as it is, and does not make the target "not empty"."""

    name = "var"
    holds_data = False

    def __init__(self, root: Path, patterns: list[str]):
        self.root = root
        self.patterns = patterns

    def names(self) -> Iterator[str]:
        seen: set[str] = set()
        for pattern in self.patterns:
            for path in sorted(self.root.glob(pattern)):
                if not path.is_file() or any(fnmatch.fnmatch(path.name, never) for never in NEVER):
                    continue
                name = path.relative_to(self.root).as_posix()
                if name not in seen:
                    seen.add(name)
                    yield name

    def open(self, name: str) -> IO[bytes]:
        return (self.root / name).open("rb")

    def writer(self, name: str) -> AreaFile:
        name = safe_name(name)
        if any(fnmatch.fnmatch(PurePosixPath(name).name, never) for never in NEVER):
            raise ArchiveError("the archive holds a secret file; refusing it")
        path = self.root / name
        return AreaFile(path, None, name, keep=path.exists())

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)


def areas() -> dict[str, Area]:
    """Every area of this instance by name (storages sharing one folder counted once)."""
    found: dict[str, Area] = {}
    locations: set[str] = set()
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        location = getattr(storage, "location", None)
        if location is not None:
            location = os.path.realpath(location)
            if location in locations:
                continue
            locations.add(location)
        found[f"storage:{alias}"] = StorageArea(alias, storage)
    found["var"] = VarArea(Path(settings.VAR_DIR), list(settings.BACKUP_VAR_FILES))
    return found
