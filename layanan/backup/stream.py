"""The encrypted envelope of a backup archive: AES-256-GCM in chunks, written and read as a stream.

Layout of an archive file::

    b"LLBACKUP"  u16 length  preamble (JSON, in clear, authenticated)
    u32 length  chunk 0 (AES-GCM ciphertext and tag)
    u32 length  chunk 1
    ...
    u32 length  last chunk

The preamble says how the archive key was made (``hkdf-sha256`` from ``BACKUP_ENCRYPTION_KEY``,
or ``scrypt`` from a passphrase, each with a fresh random salt), the nonce prefix, the chunk size
and a key check (an HMAC of a constant under the archive key) so a wrong key is told apart from a
damaged archive. Each chunk of at most ``chunk_size`` plaintext bytes is sealed with the nonce
``prefix (7 bytes) || counter (4 bytes) || last (1 byte)`` and the whole preamble as associated data
(the STREAM construction): chunks cannot be reordered, dropped, cut off at the end or moved to
another archive, and the preamble cannot be edited, without the tag check failing. Memory use is
one chunk, whatever the archive's size.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import struct
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"LLBACKUP"
FORMAT_VERSION = 1
CHUNK_SIZE = 1 << 20
_TAG = 16
_PREFIX_BYTES = 7
_HKDF_INFO = b"layanan backup archive v1"
# scrypt cost for passphrases: 2**15 * 8 * 128 bytes = 32 MiB of memory, well under a second.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_SCRYPT_MAX_N = 2**20  # refuse archives that would make the reader spend more than 1 GiB


class ArchiveError(Exception):
    """The archive cannot be read: not an archive, damaged, tampered with, or cut short."""


class WrongKey(ArchiveError):
    """The key or passphrase given is not the one the archive was made with."""


@dataclass(frozen=True)
class Secret:
    """What the archive key is derived from: a 32-byte key, or a passphrase."""

    kind: str  # "key" or "passphrase"
    value: bytes

    @classmethod
    def from_key(cls, text: str) -> Secret:
        text = text.strip()
        try:
            raw = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError(
                "BACKUP_ENCRYPTION_KEY must be 32 random bytes in base64 (manage.py backup --new-key)"
            )
        return cls("key", raw)

    @classmethod
    def from_passphrase(cls, text: str) -> Secret:
        text = text.strip("\r\n")
        if len(text) < 12:
            raise ValueError("a backup passphrase must be at least 12 characters long")
        return cls("passphrase", text.encode())


def new_key() -> str:
    """A fresh archive key for ``BACKUP_ENCRYPTION_KEY``."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ArchiveError("the archive's preamble is malformed")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ArchiveError("the archive's preamble is malformed") from exc


def _derive(secret: Secret, params: dict[str, Any]) -> bytes:
    salt = _unb64(params.get("salt"))
    kdf = params.get("kdf")
    if kdf == "hkdf-sha256":
        if secret.kind != "key":
            raise WrongKey("this archive was made with BACKUP_ENCRYPTION_KEY, not a passphrase")
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO).derive(secret.value)
    if kdf == "scrypt":
        if secret.kind != "passphrase":
            raise WrongKey("this archive was made with a passphrase, not BACKUP_ENCRYPTION_KEY")
        n, r, p = params.get("n"), params.get("r"), params.get("p")
        if not all(isinstance(v, int) and v > 0 for v in (n, r, p)) or n > _SCRYPT_MAX_N or r * p > 64:  # type: ignore[operator]
            raise ArchiveError("the archive's scrypt parameters are out of bounds")
        return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.value)  # type: ignore[arg-type]
    raise ArchiveError(f"unknown key derivation {kdf!r}")


def _key_check(key: bytes) -> bytes:
    return hmac.new(key, b"layanan backup key check", hashlib.sha256).digest()[:16]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 2**32:
        raise ArchiveError("archive too large for one key and nonce prefix")
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only binary stream that seals what it is given into ``sink``; call :meth:`close`."""

    def __init__(self, sink: IO[bytes], secret: Secret, *, created_at: str, chunk_size: int = CHUNK_SIZE):
        salt = os.urandom(16)
        params: dict[str, Any] = {"format": FORMAT_VERSION, "created_at": created_at, "salt": _b64(salt)}
        if secret.kind == "key":
            params["kdf"] = "hkdf-sha256"
        else:
            params.update(kdf="scrypt", n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
        key = _derive(secret, params)
        self._prefix = os.urandom(_PREFIX_BYTES)
        params.update(nonce=_b64(self._prefix), chunk_size=chunk_size, key_check=_b64(_key_check(key)))
        body = json.dumps(params, sort_keys=True).encode()
        self._aad = MAGIC + struct.pack(">H", len(body)) + body
        self._aead = AESGCM(key)
        self._sink = sink
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        self.bytes_written = 0
        self._emit_raw(self._aad)

    def _emit_raw(self, data: bytes) -> None:
        self._sink.write(data)
        self.bytes_written += len(data)

    def _emit(self, plaintext: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), plaintext, self._aad)
        self._counter += 1
        self._emit_raw(struct.pack(">I", len(sealed)) + sealed)

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed archive")
        self._buffer += data
        # Keep at least one byte back: the last chunk must be sealed as the last one.
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


def read_preamble(source: IO[bytes]) -> tuple[bytes, dict[str, Any]]:
    """(the preamble's bytes, its parsed fields), read from the start of ``source``."""
    head = source.read(len(MAGIC) + 2)
    if len(head) < len(MAGIC) + 2 or head[: len(MAGIC)] != MAGIC:
        raise ArchiveError("not a Layanan backup archive")
    (length,) = struct.unpack(">H", head[len(MAGIC) :])
    body = source.read(length)
    if len(body) != length:
        raise ArchiveError("the archive is cut short in its preamble")
    try:
        params = json.loads(body)
    except ValueError as exc:
        raise ArchiveError("the archive's preamble is malformed") from exc
    if not isinstance(params, dict):
        raise ArchiveError("the archive's preamble is malformed")
    if params.get("format") != FORMAT_VERSION:
        raise ArchiveError(f"archive format {params.get('format')!r} is not supported (this release reads 1)")
    return head + body, params


class DecryptingReader:
    """A read-only binary stream of the plaintext of an archive; fails on any tampering."""

    def __init__(self, source: IO[bytes], secret: Secret):
        self._aad, self.params = read_preamble(source)
        key = _derive(secret, self.params)
        if not hmac.compare_digest(_key_check(key), _unb64(self.params.get("key_check"))):
            raise WrongKey("the key or passphrase does not open this archive")
        chunk_size = self.params.get("chunk_size")
        if not isinstance(chunk_size, int) or not 0 < chunk_size <= 64 * CHUNK_SIZE:
            raise ArchiveError("the archive's chunk size is out of bounds")
        self._max_sealed = chunk_size + _TAG
        self._prefix = _unb64(self.params.get("nonce"))
        if len(self._prefix) != _PREFIX_BYTES:
            raise ArchiveError("the archive's preamble is malformed")
        self._aead = AESGCM(key)
        self._source = source
        self._counter = 0
        self._buffer = b""
        self._offset = 0
        self._finished = False
        self._pending = self._read_sealed()

    def _read_sealed(self) -> bytes | None:
        head = self._source.read(4)
        if not head:
            return None
        if len(head) < 4:
            raise ArchiveError("the archive is cut short")
        (length,) = struct.unpack(">I", head)
        if not _TAG <= length <= self._max_sealed:
            raise ArchiveError("the archive is damaged (a chunk has an impossible length)")
        sealed = self._source.read(length)
        if len(sealed) != length:
            raise ArchiveError("the archive is cut short")
        return sealed

    def _next_chunk(self) -> bool:
        if self._finished:
            return False
        sealed = self._pending
        if sealed is None:
            raise ArchiveError("the archive is cut short (its last chunk is missing)")
        self._pending = self._read_sealed()
        last = self._pending is None
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), sealed, self._aad)
        except InvalidTag as exc:
            where = "damaged, tampered with or cut short" if last else "damaged or tampered with"
            raise ArchiveError(f"the archive is {where} (chunk {self._counter} fails its check)") from exc
        self._counter += 1
        self._finished = last
        self._buffer = self._buffer[self._offset :] + plain
        self._offset = 0
        return True

    def read(self, size: int) -> bytes:
        """Exactly ``size`` bytes, or fewer only at the end of the archive."""
        while len(self._buffer) - self._offset < size and self._next_chunk():
            pass
        data = self._buffer[self._offset : self._offset + size]
        self._offset += len(data)
        return data

    def at_end(self) -> bool:
        while len(self._buffer) - self._offset == 0:
            if not self._next_chunk():
                return True
        return False
