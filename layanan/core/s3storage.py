"""Stored files on S3-compatible object storage, encrypted at rest like on disk.

:class:`EncryptedS3Storage` is django-storages' ``S3Storage`` with the envelope encryption of
:mod:`layanan.core.filecrypt`: what it uploads is the same 88-byte header and AES-256-GCM
ciphertext an :class:`~layanan.core.filecrypt.EncryptedFileSystemStorage` writes to disk, so the
bucket (and whoever runs it) holds ciphertext only; ``open()`` gives the original bytes back and
``size()`` the original size. Objects stored in clear (copied in before encryption) are read as they
are, and ``manage.py encrypt_stored_files``/``rotate_file_keys`` work on the bucket as on a folder.

Chosen in settings with ``STORAGE_BACKEND=s3`` (``S3_BUCKET``, ``S3_ENDPOINT_URL``, ``S3_REGION``;
the credentials from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` in the environment, or the
host's role). Differences from django-storages' defaults, so the platform behaves as on disk:

- a name already taken gets a suffix, never overwrites (``file_overwrite=False``), so two issued
  letters or restores never replace one another;
- objects are private (no ACL), and ``url()`` is not used: files are served only by the views
  that check permission (``MEDIA_URL`` is never served);
- a missing object raises ``FileNotFoundError`` from ``open()`` and ``size()``, what the views
  turn into a 404 for the filesystem too.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from layanan.core.filecrypt import (
    _TAG_BYTES,
    HEADER_BYTES,
    MAGIC,
    FileDecryptionError,
    _keys,
    decrypt_bytes,
    encrypt_bytes,
    is_encrypted,
    key_id_of,
    rewrap_bytes,
)

__all__ = ["EncryptedS3Storage"]


def _plain_of(content: Any) -> bytes:
    if hasattr(content, "seek"):
        content.seek(0)
    chunks = content.chunks() if hasattr(content, "chunks") else [content.read()]
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)


@deconstructible
class EncryptedS3Storage(S3Storage):
    """``S3Storage`` that encrypts what it saves and decrypts what it opens (see the module)."""

    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        defaults.update(file_overwrite=False, default_acl=None, querystring_auth=True, gzip=False)
        return defaults

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        """Every object is typed as the opaque bytes it is (never image/jpeg: it is ciphertext)."""
        params: dict[str, Any] = super().get_object_parameters(name)
        params.setdefault("ContentType", "application/octet-stream")
        return params

    def _save(self, name: str, content: File[Any]) -> str:
        return self._save_stored(name, encrypt_bytes(_plain_of(content)))

    def _save_stored(self, name: str, stored: bytes) -> str:
        saved: str = super()._save(name, ContentFile(stored))
        return saved

    def _read_stored(self, name: str) -> bytes:
        handle = super()._open(name, "rb")  # FileNotFoundError when missing
        try:
            data: bytes = handle.read()
        finally:
            handle.close()
        return data

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted files are written through save(), not opened for writing")
        data = self._read_stored(name)
        plain = decrypt_bytes(data) if is_encrypted(data) else data  # plain: stored before encryption
        stream: IO[bytes] = io.BytesIO(plain)
        return File(stream, name=name)

    def size(self, name: str) -> int:
        stored: int = super().size(name)  # FileNotFoundError when missing
        if stored < HEADER_BYTES + _TAG_BYTES:
            return stored
        key = self._normalize_name(clean_name(name))
        head = self.bucket.Object(key).get(Range=f"bytes=0-{len(MAGIC) - 1}")["Body"].read()
        return stored - HEADER_BYTES - _TAG_BYTES if is_encrypted(head) else stored

    # --- for the management commands and the backup -------------------------------------------------

    def walk(self, folder: str = "") -> Iterator[str]:
        """The names of every stored object (under the storage's location)."""
        folders, files = self.listdir(folder)
        for file_name in sorted(files):
            yield f"{folder}/{file_name}" if folder else file_name
        for sub in sorted(folders):
            yield from self.walk(f"{folder}/{sub}" if folder else sub)

    def open_raw(self, name: str) -> IO[bytes]:
        """The bytes as stored in the bucket (encrypted), for the commands, the backup and the tests."""
        return io.BytesIO(self._read_stored(name))

    def save_raw(self, name: str, content: IO[bytes]) -> str:
        """Store bytes exactly as given (already encrypted, from a backup); a taken name gets a suffix."""
        name = self.get_available_name(name)
        return self._save_stored(name, content.read())

    def encrypt_in_place(self, name: str) -> bool:
        """Encrypt an object stored in clear; False when it already was (nothing written).

        An object is replaced in one PUT: readers see the old or the new object, never a half.
        """
        data = self._read_stored(name)
        if is_encrypted(data):
            return False
        self._save_stored(name, encrypt_bytes(data))
        return True

    def rewrap(self, name: str) -> bool:
        """Rewrap the object's data key under the newest master key; False when it already is."""
        data = self._read_stored(name)
        if not is_encrypted(data):
            raise FileDecryptionError("stored in clear: run encrypt_stored_files first")
        if key_id_of(data).encode("ascii") == _keys()[0].key_id:
            return False
        self._save_stored(name, rewrap_bytes(data))
        return True
