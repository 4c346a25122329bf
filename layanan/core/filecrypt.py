"""Stored files encrypted at rest: envelope encryption under a rotatable key ring.

Every file the platform stores (requirement uploads such as KTP and KK scans, report
photos, issued PDFs) goes through :class:`EncryptedFileSystemStorage`, the default
storage. Each file gets its own random 256-bit data key; the content is sealed with
AES-256-GCM under that data key, and the data key is sealed ("wrapped") under the
newest master key of ``FILE_ENCRYPTION_KEYS`` (newest first; by default the keys of
``FIELD_ENCRYPTION_KEYS``, derived with HKDF for this purpose only). Reading is
transparent: ``field.open()``, ``storage.open()`` and ``FileResponse`` see the
original bytes, and ``storage.size()`` the original size.

On disk a file is a fixed 88-byte header, then the sealed content::

    MAGIC (8) | master key id (8, ASCII) | wrap nonce (12) | wrapped data key (48) | content nonce (12)
    content sealed under the data key (original length + 16)

Rotation (``manage.py rotate_file_keys``) only rewraps the 48-byte data key under the
newest master key: the content is not decrypted. Older master keys keep decrypting
until they are removed from the ring. A file that no configured key opens, or whose
bytes were altered, raises :class:`FileDecryptionError` — loudly, never as "missing".

Files stored before encryption (no header) are still read as they are, so a deploy
does not break them; ``manage.py encrypt_stored_files`` encrypts them in place
(idempotent: encrypted files are left alone).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

__all__ = [
    "HEADER_BYTES",
    "MAGIC",
    "EncryptedFileSystemStorage",
    "FileDecryptionError",
    "decrypt_bytes",
    "encrypt_bytes",
    "is_encrypted",
    "key_id_of",
    "rewrap_bytes",
]

MAGIC = b"\x00LYNENC1"  # starts with NUL: no tool takes an encrypted file for text
_KEY_ID_BYTES = 8
_NONCE_BYTES = 12
_DATA_KEY_BYTES = 32
_WRAPPED_BYTES = _DATA_KEY_BYTES + 16
_TAG_BYTES = 16
HEADER_BYTES = len(MAGIC) + _KEY_ID_BYTES + _NONCE_BYTES + _WRAPPED_BYTES + _NONCE_BYTES


class FileDecryptionError(Exception):
    """A stored file cannot be opened: no configured key wraps its data key, or it was altered."""


@dataclass(frozen=True)
class _MasterKey:
    key_id: bytes
    aead: AESGCM


@cache
def _ring(materials: tuple[str, ...]) -> tuple[_MasterKey, ...]:
    keys = []
    for material in materials:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"layanan file encryption v1")
        raw = hkdf.derive(material.encode())
        key_id = hashlib.sha256(raw).hexdigest()[:_KEY_ID_BYTES].encode("ascii")
        keys.append(_MasterKey(key_id=key_id, aead=AESGCM(raw)))
    return tuple(keys)


def _keys() -> tuple[_MasterKey, ...]:
    materials = tuple(getattr(settings, "FILE_ENCRYPTION_KEYS", ()) or settings.FIELD_ENCRYPTION_KEYS)
    if not materials:
        raise ImproperlyConfigured("FILE_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS) must hold a key")
    return _ring(materials)


def is_encrypted(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) starts an encrypted file."""
    return head.startswith(MAGIC)


def key_id_of(data: bytes) -> str:
    """The id of the master key that wraps an encrypted file's data key."""
    return data[len(MAGIC) : len(MAGIC) + _KEY_ID_BYTES].decode("ascii", "replace")


def _wrap(data_key: bytes) -> bytes:
    """key id | nonce | the data key sealed under the newest master key."""
    master = _keys()[0]
    nonce = os.urandom(_NONCE_BYTES)
    return master.key_id + nonce + master.aead.encrypt(nonce, data_key, MAGIC + master.key_id)


def _unwrap(data: bytes) -> bytes:
    if len(data) < HEADER_BYTES + _TAG_BYTES or not is_encrypted(data):
        raise FileDecryptionError("not an encrypted file")
    start = len(MAGIC)
    key_id = data[start : start + _KEY_ID_BYTES]
    nonce = data[start + _KEY_ID_BYTES : start + _KEY_ID_BYTES + _NONCE_BYTES]
    wrapped = data[start + _KEY_ID_BYTES + _NONCE_BYTES : HEADER_BYTES - _NONCE_BYTES]
    for master in _keys():
        if master.key_id != key_id:
            continue
        try:
            return master.aead.decrypt(nonce, wrapped, MAGIC + key_id)
        except InvalidTag:
            continue
    raise FileDecryptionError(f"no configured key opens this file (key id {key_id_of(data)})")


def encrypt_bytes(plain: bytes) -> bytes:
    """``plain`` sealed under a fresh data key, itself wrapped under the newest master key."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(_NONCE_BYTES)
    return MAGIC + _wrap(data_key) + nonce + AESGCM(data_key).encrypt(nonce, plain, MAGIC)


def decrypt_bytes(data: bytes) -> bytes:
    """The original bytes of an encrypted file; :class:`FileDecryptionError` if it does not open."""
    data_key = _unwrap(data)
    nonce = data[HEADER_BYTES - _NONCE_BYTES : HEADER_BYTES]
    try:
        return AESGCM(data_key).decrypt(nonce, data[HEADER_BYTES:], MAGIC)
    except InvalidTag:
        raise FileDecryptionError("the file was altered (integrity check failed)") from None


def rewrap_bytes(data: bytes) -> bytes:
    """The same file with its data key wrapped under the newest master key; the content untouched."""
    data_key = _unwrap(data)
    return MAGIC + _wrap(data_key) + data[HEADER_BYTES - _NONCE_BYTES :]


def _replace_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` beside ``path`` and move it over, keeping the mode: never a half-written file."""
    mode = path.stat().st_mode & 0o777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rewrite-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@deconstructible
class EncryptedFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` that encrypts what it saves and decrypts what it opens (see the module)."""

    def _save(self, name: str, content: File[Any]) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        chunks = content.chunks() if hasattr(content, "chunks") else [content.read()]
        plain = b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)
        saved: str = super()._save(name, ContentFile(encrypt_bytes(plain)))  # type: ignore[misc]
        return saved

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted files are written through save(), not opened for writing")
        data = Path(self.path(name)).read_bytes()  # FileNotFoundError when missing, as Django expects
        plain = decrypt_bytes(data) if is_encrypted(data) else data  # plain: stored before encryption
        stream: IO[bytes] = io.BytesIO(plain)
        return File(stream, name=name)

    def size(self, name: str) -> int:
        path = Path(self.path(name))
        with path.open("rb") as handle:
            head = handle.read(len(MAGIC))
        on_disk = path.stat().st_size
        return on_disk - HEADER_BYTES - _TAG_BYTES if is_encrypted(head) else on_disk

    # --- for the management commands ---------------------------------------------------------

    def walk(self) -> Iterator[str]:
        """The names of every stored file (temporary files of an interrupted rewrite left out)."""
        root = Path(self.location)
        if not root.is_dir():
            return
        for folder, _dirs, files in os.walk(root):
            for filename in sorted(files):
                if filename.startswith(".rewrite-"):
                    continue
                yield (Path(folder) / filename).relative_to(root).as_posix()

    def open_raw(self, name: str) -> IO[bytes]:
        """The bytes as stored on disk (encrypted), for the commands and the tests."""
        return Path(self.path(name)).open("rb")

    def encrypt_in_place(self, name: str) -> bool:
        """Encrypt a file stored in clear; False when it already was (nothing written)."""
        path = Path(self.path(name))
        data = path.read_bytes()
        if is_encrypted(data):
            return False
        _replace_atomically(path, encrypt_bytes(data))
        return True

    def rewrap(self, name: str) -> bool:
        """Rewrap the file's data key under the newest master key; False when it already is."""
        path = Path(self.path(name))
        data = path.read_bytes()
        if not is_encrypted(data):
            raise FileDecryptionError("stored in clear: run encrypt_stored_files first")
        if key_id_of(data).encode("ascii") == _keys()[0].key_id:
            return False
        _replace_atomically(path, rewrap_bytes(data))
        return True
