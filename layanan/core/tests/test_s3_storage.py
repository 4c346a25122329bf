"""Files on S3-compatible storage are encrypted at rest like on disk (layanan/core/s3storage.py).

A real S3 endpoint (moto's server on 127.0.0.1, a free port) holds the bucket: what is in it is read
with boto3 directly, past the storage class, to prove it is ciphertext.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from typing import Any, cast

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from moto.server import ThreadedMotoServer

from layanan.backup.files import StorageArea, areas
from layanan.core.filecrypt import HEADER_BYTES, FileDecryptionError, is_encrypted, key_id_of
from layanan.core.s3storage import EncryptedS3Storage

OLD = "kunci-lama-3b7f0c2e9d1a4b5c"
NEW = "kunci-baru-8e2d6a1f0b3c7d9e"
PDF = b"%PDF-1.7\n% KTP Siti Aminah 1803045203880001\n" + b"x" * 2000 + b"\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


_buckets = iter(range(10**6))


@pytest.fixture
def bucket(s3_endpoint: str, credentials: None) -> str:
    name = f"layanan-test-{next(_buckets)}"
    _client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def storage(settings, s3_endpoint: str, bucket: str) -> EncryptedS3Storage:
    """The default storage, configured as settings does for STORAGE_BACKEND=s3."""
    settings.FILE_ENCRYPTION_KEYS = [OLD]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "layanan.core.s3storage.EncryptedS3Storage",
            "OPTIONS": {"bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": "us-east-1"},
        },
    }
    found = storages["default"]
    assert isinstance(found, EncryptedS3Storage)
    return found


def _in_bucket(endpoint: str, bucket: str, name: str) -> bytes:
    body: bytes = _client(endpoint).get_object(Bucket=bucket, Key=name)["Body"].read()
    return body


def _keys_in(endpoint: str, bucket: str) -> list[str]:
    listed = _client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def test_an_upload_is_ciphertext_in_the_bucket_and_reads_back_as_the_original(storage, s3_endpoint, bucket):
    name = storage.save("applications/abc/ktp.pdf", ContentFile(PDF))

    assert name == "applications/abc/ktp.pdf"
    raw = _in_bucket(s3_endpoint, bucket, name)
    assert is_encrypted(raw)
    assert b"%PDF" not in raw
    assert b"1803045203880001" not in raw
    assert b"Siti" not in raw
    assert len(raw) == len(PDF) + HEADER_BYTES + 16
    head = _client(s3_endpoint).head_object(Bucket=bucket, Key=name)
    assert head["ContentType"] == "application/octet-stream"  # opaque bytes, not a PDF
    with storage.open(name) as handle:
        assert handle.read() == PDF
    assert storage.size(name) == len(PDF)
    assert storage.exists(name)


def test_a_taken_name_gets_a_new_one_and_never_overwrites(storage, s3_endpoint, bucket):
    first = storage.save("documents/2026/SK-1.pdf", ContentFile(b"first letter"))
    second = storage.save("documents/2026/SK-1.pdf", ContentFile(b"second letter"))

    assert first != second
    assert storage.open(first).read() == b"first letter"
    assert storage.open(second).read() == b"second letter"
    assert _keys_in(s3_endpoint, bucket) == sorted([first, second])


def test_delete_removes_the_object_and_exists_says_so(storage, s3_endpoint, bucket):
    name = storage.save("reports/r1/photo.jpg", ContentFile(b"\xff\xd8\xff photo"))
    assert storage.exists(name)

    storage.delete(name)

    assert not storage.exists(name)
    assert _keys_in(s3_endpoint, bucket) == []
    storage.delete(name)  # deleting what is gone is not an error, as on disk


def test_a_missing_object_raises_file_not_found_as_on_disk(storage):
    with pytest.raises(FileNotFoundError):
        storage.open("reports/none/photo.jpg")
    with pytest.raises(FileNotFoundError):
        storage.size("reports/none/photo.jpg")
    assert not storage.exists("reports/none/photo.jpg")


def test_an_altered_object_fails_loudly_never_as_missing(storage, s3_endpoint, bucket):
    name = storage.save("reports/r2/photo.jpg", ContentFile(b"\xff\xd8\xff photo of a road"))
    raw = bytearray(_in_bucket(s3_endpoint, bucket, name))
    raw[-1] ^= 1
    _client(s3_endpoint).put_object(Bucket=bucket, Key=name, Body=bytes(raw))

    with pytest.raises(FileDecryptionError):
        storage.open(name)


def test_the_commands_encrypt_clear_objects_and_rotate_keys_in_the_bucket(
    storage, settings, s3_endpoint, bucket
):
    _client(s3_endpoint).put_object(Bucket=bucket, Key="reports/old/photo.jpg", Body=b"stored in clear")
    encrypted_name = storage.save("reports/new/photo.jpg", ContentFile(b"stored encrypted"))
    assert storage.open("reports/old/photo.jpg").read() == b"stored in clear"  # read as it is

    out = StringIO()
    call_command("encrypt_stored_files", stdout=out)

    assert "1 file(s) encrypted, 1 already encrypted." in out.getvalue()
    assert is_encrypted(_in_bucket(s3_endpoint, bucket, "reports/old/photo.jpg"))
    assert storage.open("reports/old/photo.jpg").read() == b"stored in clear"

    old_key_id = key_id_of(_in_bucket(s3_endpoint, bucket, encrypted_name))
    settings.FILE_ENCRYPTION_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_file_keys", stdout=out)

    assert "2 file(s) rewrapped" in out.getvalue()
    assert key_id_of(_in_bucket(s3_endpoint, bucket, encrypted_name)) != old_key_id
    settings.FILE_ENCRYPTION_KEYS = [NEW]
    assert storage.open(encrypted_name).read() == b"stored encrypted"
    assert storage.open("reports/old/photo.jpg").read() == b"stored in clear"


def test_the_commands_refuse_a_storage_that_does_not_encrypt(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with pytest.raises(CommandError, match="neither"):
        call_command("encrypt_stored_files", stdout=StringIO())


def test_the_backup_takes_the_ciphertext_and_restore_puts_it_back_as_it_was(
    storage, settings, s3_endpoint, bucket
):
    name = storage.save("applications/abc/ktp.pdf", ContentFile(PDF))
    stored = _in_bucket(s3_endpoint, bucket, name)
    area = areas()["storage:default"]
    assert isinstance(area, StorageArea)
    assert list(area.names()) == [name]
    with area.open(name) as handle:
        assert handle.read() == stored  # the archive holds the stored form, never plaintext

    _client(s3_endpoint).create_bucket(Bucket=f"{bucket}-restored")
    target = StorageArea(
        "default",
        EncryptedS3Storage(
            bucket_name=f"{bucket}-restored", endpoint_url=s3_endpoint, region_name="us-east-1"
        ),
    )
    assert target.is_empty()
    writer = target.writer(name)
    writer.write(stored)
    writer.commit()

    assert _in_bucket(s3_endpoint, f"{bucket}-restored", name) == stored  # not encrypted twice
    assert target.storage.open(name).read() == PDF
    writer = target.writer(name)
    writer.write(stored)
    with pytest.raises(Exception, match="already exists"):
        writer.commit()  # a file to restore never replaces one in place
    assert _keys_in(s3_endpoint, f"{bucket}-restored") == [name]


def test_settings_choose_the_bucket_from_the_environment(monkeypatch):
    env = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "layanan-files",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "S3_REGION": "ap-southeast-3",
        "DJANGO_SETTINGS_MODULE": "layanan.settings",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.STORAGES['default']; print(d['BACKEND'], d['OPTIONS']['bucket_name'], "
        "d['OPTIONS']['endpoint_url'], d['OPTIONS']['region_name'])"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.split() == [
        "layanan.core.s3storage.EncryptedS3Storage",
        "layanan-files",
        "http://127.0.0.1:9",
        "ap-southeast-3",
    ]
    monkeypatch.delenv("S3_BUCKET")
    refused = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert refused.returncode != 0
    assert "S3_BUCKET must be set" in refused.stderr


def test_the_file_view_serves_the_original_bytes_and_a_missing_object_is_a_404(storage):
    from django.db.models import FileField
    from django.db.models.fields.files import FieldFile
    from django.http import Http404

    from layanan.core.views import file_response

    field = FileField(storage=storage)
    name = storage.save("reports/r3/photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg bytes"))

    response = file_response(
        FieldFile(cast(Any, None), field, name), content_type="image/jpeg", filename="foto.jpg"
    )

    assert b"".join(cast(Iterator[bytes], response.streaming_content)) == b"\xff\xd8\xff\xe0 jpeg bytes"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    storage.delete(name)
    with pytest.raises(Http404):  # the same answer the filesystem gives for a file gone from storage
        file_response(FieldFile(cast(Any, None), field, name), content_type="image/jpeg", filename="foto.jpg")
