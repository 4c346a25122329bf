"""The encrypted envelope: chunks that cannot be read with another key, reordered, dropped or cut."""

from __future__ import annotations

import io
import os
import struct

import pytest

from layanan.backup.stream import ArchiveError, DecryptingReader, EncryptingWriter, Secret, WrongKey, new_key

PLAIN = os.urandom(1000)


def _sealed(secret: Secret, chunk_size: int = 64) -> bytes:
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, secret, created_at="2026-12-07T00:00:00+00:00", chunk_size=chunk_size)
    for start in range(0, len(PLAIN), 37):
        writer.write(PLAIN[start : start + 37])
    writer.close()
    return sink.getvalue()


def _split(data: bytes) -> tuple[bytes, list[bytes]]:
    """(preamble, [each chunk with its length prefix])."""
    (length,) = struct.unpack(">H", data[8:10])
    position = 10 + length
    preamble, chunks = data[:position], []
    while position < len(data):
        (size,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position : position + 4 + size])
        position += 4 + size
    return preamble, chunks


def _read(data: bytes, secret: Secret) -> bytes:
    reader = DecryptingReader(io.BytesIO(data), secret)
    out = b""
    while block := reader.read(100):
        out += block
    return out


@pytest.fixture
def key() -> Secret:
    return Secret.from_key(new_key())


def test_it_reads_back_what_was_written_in_many_chunks(key):
    data = _sealed(key)
    assert len(_split(data)[1]) == 16  # 1000 bytes in chunks of 64
    assert PLAIN not in data
    assert _read(data, key) == PLAIN


def test_a_passphrase_works_like_a_key_and_another_passphrase_does_not():
    data = _sealed(Secret.from_passphrase("kuda-lari-di-padang-rumput"))
    assert _read(data, Secret.from_passphrase("kuda-lari-di-padang-rumput")) == PLAIN
    with pytest.raises(WrongKey):
        _read(data, Secret.from_passphrase("kuda-lari-di-padang-pasir"))


def test_another_key_is_told_apart_from_damage(key):
    with pytest.raises(WrongKey, match="does not open"):
        _read(_sealed(key), Secret.from_key(new_key()))


def test_chunks_swapped_dropped_or_cut_off_are_refused(key):
    preamble, chunks = _split(_sealed(key))
    swapped = [chunks[1], chunks[0], *chunks[2:]]
    with pytest.raises(ArchiveError, match="tampered"):
        _read(preamble + b"".join(swapped), key)
    with pytest.raises(ArchiveError, match="tampered"):
        _read(preamble + b"".join(chunks[:3] + chunks[4:]), key)
    with pytest.raises(ArchiveError, match="cut short"):
        _read(preamble + b"".join(chunks[:-1]), key)


def test_a_chunk_from_another_archive_of_the_same_key_is_refused(key):
    preamble, chunks = _split(_sealed(key))
    _, other = _split(_sealed(key))
    with pytest.raises(ArchiveError, match="tampered"):
        _read(preamble + b"".join([other[0], *chunks[1:]]), key)


def test_keys_and_passphrases_too_weak_are_refused():
    with pytest.raises(ValueError, match="32 random bytes"):
        Secret.from_key("c2hvcnQ=")
    with pytest.raises(ValueError, match="12 characters"):
        Secret.from_passphrase("pendek")
