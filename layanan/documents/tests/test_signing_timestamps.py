"""Long-term signatures: RFC 3161 timestamps (local TSA or the regency's), validation data in the
file, and a letter that is still valid after its signer's certificate expired."""

from __future__ import annotations

import datetime as dt
import socket
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.audit.models import AuditEvent
from layanan.documents import signing_local
from layanan.documents.models import Document, NumberSequence, SignerCredential
from layanan.documents.signing import Level, SigningFailed, sign_pdf, validate_pdf
from layanan.documents.tests import fake_tsa
from layanan.documents.tests.fake_tsa import FakeTsa
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.documents.tests.render_builders import issued
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_ca(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
    settings.DOCUMENT_TRUST_ROOTS_FILE = ""
    settings.DOCUMENT_TSA_URL = ""


def _sign(cast: Cast) -> bytes:
    return sign_pdf(pdf=tiny_pdf(), signer=cast.sekar, reason="Penerbitan surat", location="Kotabumi")


def _signer_expiry(cast: Cast) -> dt.datetime:
    credential = SignerCredential.objects.get(user=cast.sekar)
    return x509.load_pem_x509_certificate(credential.certificate_pem.encode()).not_valid_after_utc


def _dss_crl_issuers(pdf: bytes) -> list[str]:
    dss = PdfFileReader(BytesIO(pdf)).root["/DSS"]
    return [
        asn1_crl.CertificateList.load(ref.get_object().data).issuer.native["common_name"]
        for ref in dss["/CRLs"]
    ]


def test_a_local_signature_is_b_lta_stamped_by_the_platform_tsa_with_the_cas_crl_inside(cast: Cast) -> None:
    signed = _sign(cast)

    report = validate_pdf(signed)

    assert report.fine
    assert report.level == Level.B_LTA
    assert report.timestamped_at is not None
    assert report.signed_at == report.timestamped_at
    assert report.ours
    assert _dss_crl_issuers(signed) == ["Layanan Lampura CA Pengembangan"]
    kinds = [s.sig_object_type for s in PdfFileReader(BytesIO(signed)).embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]
    tsa = signing_local.tsa_load()
    assert tsa.cert.issuer == signing_local.ca_load().cert.subject
    key_file = signing_local.tsa_folder(signing_local.ca_load()) / "tsa-key.pem"
    assert key_file.stat().st_mode & 0o077 == 0


def test_a_letter_checked_after_its_signers_certificate_expired_is_still_valid(cast: Cast) -> None:
    signed = _sign(cast)
    after_expiry = _signer_expiry(cast) + dt.timedelta(days=30)
    plain = signing_local.pdf_sign_with(  # PAdES B-B, as letters were signed before
        pdf=tiny_pdf(),
        pair=signing_local.keypair_load(
            key_pem_text=SignerCredential.objects.get(user=cast.sekar).private_key_pem,
            cert_pem_text=SignerCredential.objects.get(user=cast.sekar).certificate_pem,
        ),
        chain=[signing_local.ca_load().cert],
        reason="r",
        location="l",
    )

    report = validate_pdf(signed, moment=after_expiry)
    old_style = validate_pdf(plain, moment=after_expiry)

    assert report.intact
    assert report.trusted
    assert report.long_term
    assert report.problem == ""
    assert report.level == Level.B_LTA
    assert old_style.level == Level.B_B
    assert old_style.intact
    assert not old_style.trusted
    assert "tidak berlaku" in old_style.problem


def test_a_signature_changed_after_stamping_is_not_rescued_by_its_timestamps(cast: Cast) -> None:
    signed = _sign(cast)
    tampered = signed.replace(b"modal Rp 100.000", b"modal Rp 900.000")
    assert tampered != signed

    report = validate_pdf(tampered, moment=_signer_expiry(cast) + dt.timedelta(days=30))

    assert not report.intact
    assert not report.trusted
    assert report.ours
    assert "diubah" in report.problem


def test_the_regencys_tsa_stamps_when_configured(cast: Cast, settings, tmp_path: Path) -> None:
    with FakeTsa() as tsa:
        roots = tmp_path / "roots.pem"
        roots.write_text(tsa.root_pem)
        settings.DOCUMENT_TRUST_ROOTS_FILE = str(roots)
        settings.DOCUMENT_TSA_URL = tsa.url
        settings.DOCUMENT_TSA_USER, settings.DOCUMENT_TSA_PASSWORD = fake_tsa.USER, fake_tsa.PASSWORD

        signed = _sign(cast)

    report = validate_pdf(signed)
    assert report.fine
    assert report.level == Level.B_LTA
    assert tsa.requests >= 2  # the signature's timestamp and the document timestamp
    assert not list((Path(settings.VAR_DIR) / "signing").glob("tsa-*"))  # the local TSA stayed unused
    signature, _document_timestamp = PdfFileReader(BytesIO(signed)).embedded_signatures
    attributes = signature.signer_info["unsigned_attrs"]
    token = next(a["values"][0] for a in attributes if a["type"].native == "signature_time_stamp_token")
    stampers = {c.chosen.subject.native["common_name"] for c in token["content"]["certificates"]}
    assert "Fake TSA Kabupaten" in stampers


def test_a_wrong_tsa_password_stops_signing_with_a_plain_message(cast: Cast, settings) -> None:
    with FakeTsa() as tsa:
        settings.DOCUMENT_TSA_URL = tsa.url
        settings.DOCUMENT_TSA_USER, settings.DOCUMENT_TSA_PASSWORD = fake_tsa.USER, "salah"

        with pytest.raises(SigningFailed, match="Layanan cap waktu \\(TSA\\) tidak dapat dihubungi"):
            _sign(cast)

    assert tsa.refused >= 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_tsa_that_is_down_stops_the_letter_and_nothing_is_issued(cast: Cast, settings) -> None:
    settings.DOCUMENT_TSA_URL = f"http://127.0.0.1:{_closed_port()}/tsa"
    numbers_before = list(NumberSequence.objects.values_list("pk", "last_value"))

    with pytest.raises(SigningFailed) as failure:
        issued(cast)

    assert "belum diterbitkan" in str(failure.value)
    assert not Document.objects.exists()
    assert list(NumberSequence.objects.values_list("pk", "last_value")) == numbers_before
    assert not AuditEvent.objects.filter(action="documents.issue").exists()
    assert not default_storage.exists("documents") or default_storage.listdir("documents") == ([], [])


def test_a_tsa_url_that_is_not_http_stops_the_start_naming_the_variable(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="layanan.settings", DOCUMENT_TSA_URL="tsa.lampura"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DOCUMENT_TSA_URL must start with http:// or https://" in result.stderr


def test_a_regency_tsa_whose_root_is_not_trusted_stops_signing(cast: Cast, settings) -> None:
    with FakeTsa() as tsa:
        settings.DOCUMENT_TSA_URL = tsa.url
        settings.DOCUMENT_TSA_USER, settings.DOCUMENT_TSA_PASSWORD = fake_tsa.USER, fake_tsa.PASSWORD

        with pytest.raises(SigningFailed, match="layanan cap waktu tidak dapat diperiksa"):
            _sign(cast)
