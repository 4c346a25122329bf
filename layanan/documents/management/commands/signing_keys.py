"""The local signer's keys: ``manage.py signing_keys [--new-ca DIR]``.

Without options: makes what is missing (the development CA when no CA files are configured,
and the local timestamping authority of the CA in use, under ``VAR_DIR/signing/``) and prints
each certificate's subject, SHA-256 fingerprint and expiry. With ``--new-ca DIR``: writes a
fresh CA for production (``ca-cert.pem``, ``ca-key.pem`` mode 0600) into ``DIR`` for
``DOCUMENT_CA_CERT_FILE``/``DOCUMENT_CA_KEY_FILE``, refusing to overwrite existing files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.documents import signing_local


def _describe(label: str, cert: x509.Certificate) -> str:
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":")
    return (
        f"{label}: {cert.subject.rfc4514_string()}\n"
        f"  SHA-256 {fingerprint}\n"
        f"  valid until {cert.not_valid_after_utc.date().isoformat()}"
    )


class Command(BaseCommand):
    help = "Make and show the local signing CA and its timestamping authority, or write a new production CA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-ca", type=Path, default=None, metavar="DIR", help="write a new CA into DIR"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path | None = options["new_ca"]
        if folder is not None:
            self._new_ca(folder)
            return
        ca = signing_local.ca_load()
        tsa = signing_local.tsa_load(ca)
        self.stdout.write(_describe("CA", ca.cert))
        self.stdout.write(_describe("TSA", tsa.cert))
        self.stdout.write(f"TSA files: {signing_local.tsa_folder(ca)}")
        url = getattr(settings, "DOCUMENT_TSA_URL", "")
        self.stdout.write(f"Timestamps from: {url or 'the local TSA above'}")

    def _new_ca(self, folder: Path) -> None:
        cert_file, key_file = folder / "ca-cert.pem", folder / "ca-key.pem"
        if cert_file.exists() or key_file.exists():
            raise CommandError(f"{folder} already holds a CA; move it away first")
        folder.mkdir(parents=True, exist_ok=True)
        ca = signing_local.ca_make(
            common_name=f"{settings.REGENCY['platform_name']} CA", organization=settings.REGENCY["name"]
        )
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(signing_local.key_pem(ca.key))
        cert_file.write_text(signing_local.cert_pem(ca.cert), encoding="ascii")
        self.stdout.write(_describe("New CA", ca.cert))
        self.stdout.write(f"Set DOCUMENT_CA_CERT_FILE={cert_file} and DOCUMENT_CA_KEY_FILE={key_file}")
