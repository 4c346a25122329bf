"""Signed letters per second on one core, and the time to verify one signed PDF.

Run with ``.venv/bin/python -m bench.documents_bench [--seconds S]``. Without
``DATABASE_URL`` it uses a fresh SQLite file, ``var/bench.sqlite3``; with it,
that database. Everything it writes (a small world, one document row, the
signer's credential) is rolled back at the end; the development CA is made in a
temporary folder, not under ``var/``.

Single thread throughout, so the rates are per core. Each phase runs for about
``--seconds`` (bounded by time, not a fixed count):

* baseline: rendering the letter with typst only (``render_letter``);
* subject: the issuing pipeline's PDF work: render, embed the QR payload, sign
  (``sign_pdf``, local backend). The ratio shows what signing adds to rendering;
* verification: ``validate_pdf`` plus the QR payload check of one signed PDF,
  the work behind the public PDF-drop check and ``manage.py verify_document``;
  hashing the same bytes (SHA-256) is printed beside it as the floor.

Recorded (``bench/results/documents.json``): ``documents.signed``, signed PDFs/s as a ratio to
render-only PDFs/s, with both rates as raw figures and whether the signed letter verifies; and
``documents.verify``, the time to verify one signed PDF in ms.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.results import record, yardstick_ms

ROOT = Path(__file__).resolve().parent.parent
BENCH_SQLITE = ROOT / "var" / "bench.sqlite3"
TEMPLATE_FILE = ROOT / "data" / "letter_templates" / "surat-keterangan-domisili.typ"
LETTER_DATA = {
    "nama": "Siti Aminah",
    "nik": "1803024107900001",
    "tempat_lahir": "Kotabumi",
    "tanggal_lahir": "1 Juli 1990",
    "pekerjaan": "Wiraswasta",
    "alamat": "Jl. Pasar Baru No. 12",
    "rt": "002 / 001",
    "desa": "Kotabumi Pasar",
    "tinggal_sejak": "2015",
    "keperluan": "melamar pekerjaan",
}


def _configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    if not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
        BENCH_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite://{BENCH_SQLITE}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rate(seconds: float, work: Callable[[], object]) -> tuple[float, int]:
    """Calls of ``work`` per second over about ``seconds`` (at least 3 calls), and the count."""
    work()  # warm up (fonts, caches)
    count = 0
    began = time.perf_counter()
    while True:
        work()
        count += 1
        elapsed = time.perf_counter() - began
        if elapsed >= seconds and count >= 3:
            return count / elapsed, count


class _Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per phase")
    args = parser.parse_args()
    _configure()

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from layanan.documents import qr
    from layanan.documents.models import LetterTemplate
    from layanan.documents.rendering import render_letter
    from layanan.documents.signing import sign_pdf, signer_ensure_credential, validate_pdf
    from layanan.documents.tests.verify_builders import document_row, letter_service
    from layanan.testing import build_cast, build_world

    settings.DOCUMENT_SIGNER_BACKEND = "local"
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        settings.VAR_DIR = Path(scratch)  # the development CA, made here
        try:
            with transaction.atomic():
                cast = build_cast(build_world())
                document = document_row(cast)
                template = LetterTemplate.objects.create(
                    service=letter_service(cast),
                    classification_code="470",
                    title="Surat Keterangan Domisili",
                    body=TEMPLATE_FILE.read_text(encoding="utf-8"),
                )
                signer_ensure_credential(cast.sekar)
                payload = qr.qr_payload_make(document)
                svg = qr.qr_svg(document, payload)
                issued_at = timezone.now()

                runs = itertools.count()

                def render() -> bytes:
                    # A different name each time: typst memoizes, an identical letter would be cached.
                    return render_letter(
                        template=template,
                        data={**LETTER_DATA, "nama": f"Siti Aminah {next(runs)}"},
                        office=document.office,
                        number=document.number,
                        issued_at=issued_at,
                        signer=cast.sekar,
                        qr_svg=svg,
                    )

                def render_and_sign() -> bytes:
                    return sign_pdf(
                        pdf=qr.embed_payload(render(), payload),
                        signer=cast.sekar,
                        reason="Bench",
                        location="Kotabumi",
                    )

                signed = render_and_sign()

                def verify() -> bool:
                    report = validate_pdf(signed)
                    found = qr.extract_payload(signed)
                    return report.intact and found is not None and qr.qr_payload_check(found).valid

                if not verify():
                    print("FAILED: the signed letter does not verify")
                    failures += 1

                print(
                    f"database: {connection.vendor}; one thread; letter {len(signed) / 1024:.0f} KB signed; "
                    f"{args.seconds:g} s per phase"
                )
                render_rate, n_render = _rate(args.seconds, render)
                sign_rate, n_sign = _rate(args.seconds, render_and_sign)
                verify_rate, n_verify = _rate(args.seconds, verify)
                hash_rate, _n = _rate(min(args.seconds, 1.0), lambda: hashlib.sha256(signed).digest())
                print(f"baseline render only:       {render_rate:8.1f} PDFs/s per core ({n_render} runs)")
                print(f"render + embed QR + sign:   {sign_rate:8.1f} PDFs/s per core ({n_sign} runs)")
                print(f"ratio signed/render-only:   {sign_rate / render_rate:.2f}")
                print(f"verify one signed PDF:      {1000 / verify_rate:8.1f} ms ({n_verify} runs)")
                print(f"sha256 of the same bytes:   {1000 / hash_rate:8.3f} ms (floor)")
                figures = {
                    "signed_pdfs_per_s": round(sign_rate, 2),
                    "render_pdfs_per_s": round(render_rate, 2),
                    "signed_kb": round(len(signed) / 1024),
                    "database": connection.vendor,
                }
                record(
                    "documents",
                    "documents.signed",
                    "Signed letters/s (render + QR + sign) over render-only, one core",
                    sign_rate / render_rate,
                    figures=figures,
                    ok=failures == 0,
                    note="" if failures == 0 else "the signed letter does not verify",
                )
                record(
                    "documents",
                    "documents.verify",
                    "Verify one signed PDF (signature + QR payload)",
                    1000 / verify_rate,
                    unit="ms",
                    higher_is_better=False,
                    figures={
                        "verify_ms": round(1000 / verify_rate, 2),
                        "sha256_ms": round(1000 / hash_rate, 3),
                        "yardstick_ms": yardstick_ms(),
                    },
                )
                raise _Rollback
        except _Rollback:
            pass
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
