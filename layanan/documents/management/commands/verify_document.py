"""Check a signed document offline: ``manage.py verify_document FILE.pdf [--public-key FILE]``.

Needs no server and no database: reads the QR payload the platform writes into
the PDF (document information key ``/LayananQR``), checks it with the
platform's public QR key (from ``DOCUMENT_QR_KEY``, or a PEM file published at
``/v/kunci-publik/``), and checks the PDF's electronic signature. Prints a
plain report; exits 0 only when every check passes, 1 otherwise, 2 when the
file or key cannot be read. The document's current state (replaced, revoked)
is only known online, at the link printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from layanan.documents import qr
from layanan.documents.signing import validate_pdf


class Command(BaseCommand):
    help = "Check a document PDF offline: its QR payload and its electronic signature."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the PDF to check")
        parser.add_argument(
            "--public-key", type=Path, default=None, help="PEM file of the platform's public QR key"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            pdf = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from error
        key = None
        if options["public_key"] is not None:
            try:
                key = qr.public_key_from_pem(Path(options["public_key"]).read_bytes())
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read the public key: {error}", returncode=2) from error

        failures = 0
        self.stdout.write(f"File:       {path.name}")
        payload = qr.extract_payload(pdf)
        if payload is None:
            self.stdout.write("QR payload: MISSING (no /LayananQR in the PDF)")
            failures += 1
            fields: dict[str, str] = {}
        else:
            check = qr.qr_payload_check(payload, key=key)
            fields = check.fields
            if check.valid:
                self.stdout.write("QR payload: OK (signed with the platform key)")
            else:
                self.stdout.write(f"QR payload: FAILED ({check.problem})")
                failures += 1
        for name in qr.FIELD_NAMES:
            if name in fields:
                self.stdout.write(f"  {name:<8} {fields[name]}")

        try:
            report = validate_pdf(pdf)
        except Exception as error:  # any unreadable file is a failed check, not a traceback
            self.stdout.write(f"Signature:  FAILED (unreadable: {error.__class__.__name__})")
            failures += 1
        else:
            if report.intact:
                when = f", {report.signed_at.isoformat(timespec='minutes')}" if report.signed_at else ""
                trust = "trusted" if report.trusted else "not chained to a trusted root"
                if report.long_term:
                    trust = "trusted on its timestamps and embedded validation data"
                self.stdout.write(f"Signature:  OK (intact; {report.signed_by}{when}; {trust})")
                stamped = (
                    f", timestamp {report.timestamped_at.isoformat(timespec='seconds')}"
                    if report.timestamped_at
                    else ", no timestamp"
                )
                self.stdout.write(f"Level:      PAdES {report.level}{stamped}")
            else:
                self.stdout.write(f"Signature:  FAILED ({report.problem or 'not intact'})")
                failures += 1

        if "code" in fields:
            link = settings.SITE_URL + reverse("documents:check", kwargs={"code": fields["code"]})
            self.stdout.write(f"Current state (online): {link}")
        if failures:
            self.stdout.write(f"RESULT: NOT VERIFIED ({failures} check(s) failed)")
            raise CommandError("verification failed", returncode=1)
        self.stdout.write("RESULT: VERIFIED")
