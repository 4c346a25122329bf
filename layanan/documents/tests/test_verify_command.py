"""``manage.py verify_document``: an offline check of a PDF, with exit codes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from layanan.documents import qr
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.documents.tests.verify_builders import signed_document


@pytest.fixture(autouse=True)
def _signing_under_tmp(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.DOCUMENT_SIGNER_BACKEND = "local"


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_document", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def signed_file(cast: Any, tmp_path: Path) -> Path:
    _document, pdf = signed_document(cast)
    path = tmp_path / "surat.pdf"
    path.write_bytes(pdf)
    return path


def test_a_good_file_is_verified_without_touching_the_database(
    signed_file: Path, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        code, out = _run(str(signed_file))
    assert code == 0
    assert "QR payload: OK" in out
    assert "Signature:  OK" in out
    assert "Level:      PAdES B-LTA, timestamp 20" in out
    assert "RESULT: VERIFIED" in out


def test_a_good_file_is_verified_with_the_published_public_key(signed_file: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "kunci.pem"
    key_file.write_text(qr.public_key_pem())
    assert _run(str(signed_file), "--public-key", str(key_file))[0] == 0


def test_a_tampered_file_fails(signed_file: Path) -> None:
    signed_file.write_bytes(signed_file.read_bytes().replace(b"Domisili", b"Domisilx"))
    code, out = _run(str(signed_file))
    assert code == 1
    assert "Signature:  FAILED" in out
    assert "RESULT: NOT VERIFIED" in out


def test_a_file_checked_with_another_public_key_fails(signed_file: Path, tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    key_file = tmp_path / "lain.pem"
    key_file.write_bytes(
        other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    code, out = _run(str(signed_file), "--public-key", str(key_file))
    assert code == 1
    assert "QR payload: FAILED" in out


def test_an_unsigned_pdf_without_a_payload_fails(tmp_path: Path, db: None) -> None:
    path = tmp_path / "polos.pdf"
    path.write_bytes(tiny_pdf())
    code, out = _run(str(path))
    assert code == 1
    assert "QR payload: MISSING" in out
    assert "Signature:  FAILED" in out


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert _run(str(tmp_path / "tidak-ada.pdf"))[0] == 2
