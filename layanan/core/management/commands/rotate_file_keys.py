"""Rewrap every stored file's data key under the newest key: ``manage.py rotate_file_keys``.

Put a new key first in ``FILE_ENCRYPTION_KEYS``, keep the old ones after it, run this,
then drop the old keys. Only the 48-byte wrapped data key of each file changes; the
content is not decrypted. A file that no configured key opens stops the command with
its name (the keys are wrong: nothing is guessed). See ``docs/files.md``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from layanan.core.filecrypt import FileDecryptionError, is_encrypted
from layanan.core.management.commands.encrypt_stored_files import encrypted_storage


class Command(BaseCommand):
    help = "Rewrap each stored file's data key under the newest FILE_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        storage = encrypted_storage()
        rewrapped = current = clear = 0
        for name in storage.walk():
            with storage.open_raw(name) as handle:
                head = handle.read(16)
            if not is_encrypted(head):
                clear += 1
                continue
            try:
                changed = storage.rewrap(name)
            except FileDecryptionError as error:
                raise CommandError(f"{name}: {error}") from error
            if changed:
                rewrapped += 1
            else:
                current += 1
        self.stdout.write(f"{rewrapped} file(s) rewrapped, {current} already under the newest key.")
        if clear:
            self.stdout.write(
                self.style.WARNING(f"{clear} file(s) stored in clear: run manage.py encrypt_stored_files.")
            )
