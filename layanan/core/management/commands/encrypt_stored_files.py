"""Encrypt, in place, every stored file still kept in clear: ``manage.py encrypt_stored_files``.

Run once after enabling encryption at rest (and safely again at any time: files already
encrypted are left alone). See ``docs/files.md``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from layanan.core.filecrypt import EncryptedFileSystemStorage
from layanan.core.s3storage import EncryptedS3Storage


def encrypted_storage() -> EncryptedFileSystemStorage | EncryptedS3Storage:
    """The default storage, which must be one of the encrypting ones (a folder or a bucket)."""
    storage = storages["default"]
    if not isinstance(storage, (EncryptedFileSystemStorage, EncryptedS3Storage)):
        raise CommandError(
            "STORAGES['default'] is neither layanan.core.filecrypt.EncryptedFileSystemStorage "
            "nor layanan.core.s3storage.EncryptedS3Storage"
        )
    return storage


class Command(BaseCommand):
    help = "Encrypt every stored file kept in clear (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        storage = encrypted_storage()
        encrypted = already = 0
        for name in storage.walk():
            if storage.encrypt_in_place(name):
                encrypted += 1
            else:
                already += 1
        self.stdout.write(f"{encrypted} file(s) encrypted, {already} already encrypted.")
