"""Stored files are encrypted at rest: envelope encryption, rotation by rewrapping, loud failures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from layanan.core.filecrypt import (
    HEADER_BYTES,
    EncryptedFileSystemStorage,
    FileDecryptionError,
    is_encrypted,
    key_id_of,
)

OLD = "kunci-lama-3b7f0c2e9d1a4b5c"
NEW = "kunci-baru-8e2d6a1f0b3c7d9e"
PDF = b"%PDF-1.7\n% KTP Siti Aminah 1803045203880001\n" + b"x" * 2000 + b"\n%%EOF\n"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def storage(settings, tmp_path: Path) -> EncryptedFileSystemStorage:
    settings.FILE_ENCRYPTION_KEYS = [OLD]
    found = storages["default"]
    assert isinstance(found, EncryptedFileSystemStorage)  # what settings.STORAGES names
    return EncryptedFileSystemStorage(location=tmp_path / "media")


def _on_disk(storage: EncryptedFileSystemStorage, name: str) -> bytes:
    return Path(storage.path(name)).read_bytes()


@pytest.mark.parametrize(
    ("content", "magic"), [(PDF, b"%PDF"), (_jpeg(), b"\xff\xd8\xff")], ids=["pdf", "jpeg"]
)
def test_the_bytes_on_disk_hold_nothing_of_the_content_and_reading_gives_it_back(storage, content, magic):
    name = storage.save("uploads/ktp.bin", ContentFile(content))

    raw = _on_disk(storage, name)
    assert is_encrypted(raw)
    assert magic not in raw
    assert b"1803045203880001" not in raw
    assert b"Siti" not in raw
    with storage.open(name) as handle:
        assert handle.read() == content
    assert storage.size(name) == len(content)
    assert len(raw) == len(content) + HEADER_BYTES + 16


def test_each_file_has_its_own_data_key(storage):
    first = _on_disk(storage, storage.save("a.pdf", ContentFile(PDF)))
    second = _on_disk(storage, storage.save("b.pdf", ContentFile(PDF)))

    assert first[HEADER_BYTES:] != second[HEADER_BYTES:]


def test_rotation_rewraps_data_keys_without_touching_the_content_and_old_keys_still_open(storage, settings):
    name = storage.save("documents/2026/surat.pdf", ContentFile(PDF))
    before = _on_disk(storage, name)
    old_id = key_id_of(before)

    settings.FILE_ENCRYPTION_KEYS = [NEW, OLD]
    with storage.open(name) as handle:  # before rotation: the old key, second in the ring, opens it
        assert handle.read() == PDF
    assert storage.rewrap(name) is True
    assert storage.rewrap(name) is False  # already under the newest key

    after = _on_disk(storage, name)
    assert key_id_of(after) != old_id
    assert (
        after[HEADER_BYTES - 12 :] == before[HEADER_BYTES - 12 :]
    )  # content nonce and ciphertext as they were
    settings.FILE_ENCRYPTION_KEYS = [NEW]  # the old key dropped
    with storage.open(name) as handle:
        assert handle.read() == PDF


def test_a_file_no_configured_key_opens_fails_loudly_not_as_missing(storage, settings):
    name = storage.save("a.pdf", ContentFile(PDF))

    settings.FILE_ENCRYPTION_KEYS = [NEW]

    with pytest.raises(FileDecryptionError, match="no configured key"):
        storage.open(name)


def test_a_file_altered_on_disk_fails_loudly(storage):
    name = storage.save("a.pdf", ContentFile(PDF))
    path = Path(storage.path(name))
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x01
    path.write_bytes(bytes(raw))

    with pytest.raises(FileDecryptionError, match="altered"):
        storage.open(name)


def test_files_are_private_to_the_server_process(storage, settings):
    settings.FILE_UPLOAD_PERMISSIONS = 0o600
    name = EncryptedFileSystemStorage(location=storage.location).save("a.pdf", ContentFile(PDF))

    assert Path(storage.path(name)).stat().st_mode & 0o777 == 0o600


def test_encrypt_stored_files_encrypts_clear_files_in_place_once(settings, tmp_path: Path):
    settings.FILE_ENCRYPTION_KEYS = [OLD]
    media = Path(settings.MEDIA_ROOT)
    (media / "applications" / "1").mkdir(parents=True)
    clear = media / "applications" / "1" / "kk.jpg"
    clear.write_bytes(_jpeg())
    stored = storages["default"]
    already = stored.save("reports/x.jpg", ContentFile(_jpeg()))
    already_bytes = Path(stored.path(already)).read_bytes()

    out = io.StringIO()
    call_command("encrypt_stored_files", stdout=out)
    again = io.StringIO()
    call_command("encrypt_stored_files", stdout=again)

    assert "1 file(s) encrypted, 1 already encrypted" in out.getvalue()
    assert "0 file(s) encrypted, 2 already encrypted" in again.getvalue()
    assert b"\xff\xd8\xff" not in clear.read_bytes()
    assert Path(stored.path(already)).read_bytes() == already_bytes
    with stored.open("applications/1/kk.jpg") as handle:
        assert handle.read() == _jpeg()


def test_a_clear_file_from_before_encryption_is_still_read(settings):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "lama.pdf").write_bytes(PDF)

    with storages["default"].open("lama.pdf") as handle:
        assert handle.read() == PDF


def test_rotate_file_keys_rewraps_every_file_and_reports_clear_ones(settings):
    settings.FILE_ENCRYPTION_KEYS = [OLD]
    stored = storages["default"]
    names = [stored.save(f"documents/{n}.pdf", ContentFile(PDF)) for n in range(3)]
    Path(stored.path("lama.pdf")).write_bytes(PDF)
    settings.FILE_ENCRYPTION_KEYS = [NEW, OLD]

    out = io.StringIO()
    call_command("rotate_file_keys", stdout=out)

    assert "3 file(s) rewrapped, 0 already under the newest key" in out.getvalue()
    assert "1 file(s) stored in clear" in out.getvalue()
    settings.FILE_ENCRYPTION_KEYS = [NEW]
    for name in names:
        with stored.open(name) as handle:
            assert handle.read() == PDF


def test_rotate_file_keys_stops_at_a_file_no_key_opens(settings):
    settings.FILE_ENCRYPTION_KEYS = [OLD]
    stored = storages["default"]
    stored.save("documents/a.pdf", ContentFile(PDF))
    settings.FILE_ENCRYPTION_KEYS = [NEW]

    with pytest.raises(CommandError, match="no configured key"):
        call_command("rotate_file_keys", stdout=io.StringIO())
