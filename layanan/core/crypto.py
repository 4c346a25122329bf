"""Authenticated encryption of personal data at rest, and keyed hashes to find it.

Values are sealed with AES-256-GCM. The key is derived with HKDF from the
material in ``FIELD_ENCRYPTION_KEYS`` (newest first), so a value written under
an older key still opens after rotation. Each value is bound to its column
(the associated data), so a ciphertext copied into another column does not
open. Lookups never decrypt: they compare a keyed HMAC (``blind_index``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "enc1"


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
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str, *, context: str) -> str:
    key = _configured_keys()[0]
    nonce = os.urandom(12)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    try:
        prefix, key_id, body = token.split(":", 2)
    except ValueError:
        raise DecryptionError("not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError("unknown format")
    data = base64.urlsafe_b64decode(body)
    for key in _configured_keys():
        if key.key_id == key_id:
            try:
                return key.aead.decrypt(data[:12], data[12:], context.encode()).decode()
            except Exception as exc:  # InvalidTag: tampered value or wrong column
                raise DecryptionError("integrity check failed") from exc
    raise DecryptionError("no configured key opens this value")


def needs_reencryption(token: str) -> bool:
    """True when ``token`` was sealed with a key other than the newest one."""
    return token.split(":", 2)[1] != _configured_keys()[0].key_id


@cache
def _index_key(material: str) -> bytes:
    return _derive(material, b"layanan blind index v1")


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of ``value`` for exact-match lookup; ``purpose`` separates uses."""
    key = _index_key(settings.BLIND_INDEX_KEY)
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
