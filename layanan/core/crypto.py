"""Authenticated encryption of personal data at rest, and keyed hashes to find it.

Values are sealed with AES-256-GCM. The key is derived with HKDF from the
material in ``FIELD_ENCRYPTION_KEYS`` (newest first), so a value written under
an older key still opens after rotation. Each value is bound to its column
(the associated data), so a ciphertext copied into another column does not
open. Lookups never decrypt: they compare a keyed HMAC (``blind_index``).

Because the column name is part of the associated data, renaming a model or
a field holding sealed values needs a data migration that re-seals them
under the new name (decrypt with the old context, encrypt with the new one).
Rotation: put a new key first in ``FIELD_ENCRYPTION_KEYS``, keep the old ones
after it, run ``manage.py reencrypt_personal_data``, then drop the old keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value cannot be opened with any configured key."""


@dataclass(frozen=True)
class _Key:
    key_id: str
    aead: AESGCM


def _derive(material: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material.encode())


@cache
def _keys(materials: tuple[str, ...]) -> tuple[_Key, ...]:
    keys = []
    for material in materials:
        raw = _derive(material, b"layanan field encryption v1")
        key_id = hashlib.sha256(raw).hexdigest()[:8]
        keys.append(_Key(key_id=key_id, aead=AESGCM(raw)))
    return tuple(keys)


def _configured_keys() -> tuple[_Key, ...]:
    materials = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not materials:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one key (newest first)")
    return _keys(materials)


def _split(token: str) -> tuple[str, bytes]:
    """The key id and the nonce+ciphertext of ``token``; DecryptionError if malformed."""
    try:
        prefix, key_id, body = token.split(":", 2)
    except ValueError:
        raise DecryptionError("not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError("unknown format")
    try:
        data = base64.urlsafe_b64decode(body.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise DecryptionError("not an encrypted value") from None
    if len(data) <= _NONCE_BYTES:
        raise DecryptionError("not an encrypted value")
    return key_id, data


def encrypt(plaintext: str, *, context: str) -> str:
    """Seal ``plaintext`` under the newest key, bound to ``context`` (the column)."""
    key = _configured_keys()[0]
    nonce = os.urandom(_NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    """Open a value sealed by :func:`encrypt` for the same ``context``.

    Raises :class:`DecryptionError` when the value is malformed, was tampered
    with, belongs to another column, or no configured key opens it.
    """
    key_id, data = _split(token)
    candidates = [key for key in _configured_keys() if key.key_id == key_id]
    if not candidates:
        raise DecryptionError("no configured key opens this value")
    for key in candidates:  # more than one only if two keys share an id (2**-32)
        try:
            return key.aead.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], context.encode()).decode()
        except InvalidTag:
            continue
    raise DecryptionError("integrity check failed")


def needs_reencryption(token: str) -> bool:
    """True when ``token`` was sealed with a key other than the newest one.

    Raises :class:`DecryptionError` when ``token`` is not a sealed value at all.
    """
    key_id, _data = _split(token)
    return key_id != _configured_keys()[0].key_id


@cache
def _index_key(material: str) -> bytes:
    return _derive(material, b"layanan blind index v1")


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of ``value`` for exact-match lookup; ``purpose`` separates uses.

    The caller normalises ``value`` first (a NIK typed with spaces must hash
    like one without). Changing ``BLIND_INDEX_KEY`` changes every hash, so it
    is not rotated like the encryption keys: the hashes would have to be
    recomputed from the decrypted values.
    """
    if not settings.BLIND_INDEX_KEY:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be set")
    key = _index_key(settings.BLIND_INDEX_KEY)
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
