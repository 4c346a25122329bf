"""The BSrE backend against a fake esign-client on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from layanan.documents.models import SignerCredential
from layanan.documents.signing import SigningFailed, sign_pdf, validate_pdf
from layanan.documents.tests import fake_bsre
from layanan.documents.tests.fake_bsre import FakeBsre
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.testing import Cast

NIK = "1803014107900001"
PASSPHRASE = "passphrase-sekar"


@pytest.fixture
def fake(settings, tmp_path: Path) -> Iterator[FakeBsre]:
    with FakeBsre(identities={NIK: ("SEKAR KUSUMA", PASSPHRASE)}) as server:
        (tmp_path / "bsre-roots.pem").write_text(server.ca_cert_pem)
        settings.VAR_DIR = tmp_path
        settings.DOCUMENT_SIGNER_BACKEND = "bsre"
        settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
        settings.DOCUMENT_TRUST_ROOTS_FILE = str(tmp_path / "bsre-roots.pem")
        settings.BSRE_URL = server.url
        settings.BSRE_USER = fake_bsre.USER
        settings.BSRE_PASSWORD = fake_bsre.PASSWORD
        settings.BSRE_TIMEOUT_SECONDS = 5
        yield server


@pytest.fixture
def sekar(cast: Cast):
    cast.sekar.nik = NIK
    cast.sekar.save()
    return cast.sekar


def _sign(signer, passphrase: str | None = PASSPHRASE) -> bytes:
    return sign_pdf(pdf=tiny_pdf(), signer=signer, reason="r", location="Kotabumi", passphrase=passphrase)


def test_it_signs_through_bsre_when_the_answer_is_the_pdf(fake: FakeBsre, sekar) -> None:
    signed = _sign(sekar)

    report = validate_pdf(signed)
    assert (report.intact, report.trusted, report.signed_by, report.problem) == (
        True,
        True,
        "SEKAR KUSUMA",
        "",
    )
    assert fake.requests == [
        {"nik": NIK, "passphrase": PASSPHRASE, "tampilan": "invisible", "file_size": str(len(tiny_pdf()))}
    ]
    assert not SignerCredential.objects.exists()


def test_it_downloads_the_pdf_when_the_answer_is_json_with_an_id(fake: FakeBsre, sekar) -> None:
    fake.mode = "json"

    report = validate_pdf(_sign(sekar))

    assert report.intact
    assert report.trusted


def test_a_wrong_passphrase_is_a_clear_failure(fake: FakeBsre, sekar) -> None:
    with pytest.raises(SigningFailed) as failure:
        _sign(sekar, passphrase="salah")

    message = str(failure.value)
    assert "Periksa passphrase" in message
    assert "Passphrase anda salah" in message
    assert NIK not in message
    assert PASSPHRASE not in message


def test_wrong_application_credentials_are_a_clear_failure(fake: FakeBsre, sekar, settings) -> None:
    settings.BSRE_PASSWORD = "bukan-ini"

    with pytest.raises(SigningFailed, match="akun aplikasi atau passphrase salah"):
        _sign(sekar)
    assert fake.requests == []


def test_a_server_error_is_reported_as_bsre_trouble(fake: FakeBsre, sekar) -> None:
    fake.status = 500

    with pytest.raises(SigningFailed, match=r"sedang bermasalah \(HTTP 500\)") as failure:
        _sign(sekar)
    assert "<html" not in str(failure.value)


def test_a_slow_server_times_out(fake: FakeBsre, sekar, settings) -> None:
    settings.BSRE_TIMEOUT_SECONDS = 0.2
    fake.delay = 3

    with pytest.raises(SigningFailed, match=r"tidak menjawab dalam 0\.2 detik"):
        _sign(sekar)


def test_an_unreachable_server_is_reported(fake: FakeBsre, sekar, settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BSRE_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(SigningFailed, match="tidak dapat dihubungi"):
        _sign(sekar)


def test_it_asks_for_the_passphrase(fake: FakeBsre, sekar) -> None:
    with pytest.raises(SigningFailed, match="Passphrase TTE BSrE wajib diisi"):
        _sign(sekar, passphrase=None)
    assert fake.requests == []


def test_an_official_without_a_nik_cannot_sign_through_bsre(fake: FakeBsre, cast: Cast) -> None:
    with pytest.raises(SigningFailed, match="NIK pejabat penandatangan belum tercatat"):
        _sign(cast.sekar)
    assert fake.requests == []


def test_a_locally_signed_pdf_is_not_trusted_in_bsre_mode_without_the_local_ca(
    fake: FakeBsre, cast: Cast, settings
) -> None:
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.VAR_DIR = Path(settings.VAR_DIR) / "other"
    local = sign_pdf(pdf=tiny_pdf(), signer=cast.sekar, reason="r", location="l")
    settings.VAR_DIR = Path(settings.VAR_DIR).parent
    settings.DOCUMENT_SIGNER_BACKEND = "bsre"

    report = validate_pdf(local)

    assert report.intact
    assert not report.trusted


def test_the_officials_passphrase_reaches_bsre_when_a_letter_is_issued(fake: FakeBsre, cast: Cast) -> None:
    from layanan.documents.tests.render_builders import issued

    cast.sekar.nik = NIK  # the fake knows this NIK with PASSPHRASE
    cast.sekar.save(update_fields=["nik"])

    document = issued(cast, passphrase=PASSPHRASE)

    document.refresh_from_db()
    assert document.signature_backend == "bsre"
    assert validate_pdf(document.file.read()).intact
