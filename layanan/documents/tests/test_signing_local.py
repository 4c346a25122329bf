"""The local signer backend: the platform CA, officials' certificates and PAdES signing."""

from __future__ import annotations

import stat
import time
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.db import connection
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.audit.models import AuditEvent
from layanan.documents import signing_local
from layanan.documents.models import SignerCredential
from layanan.documents.signing import SigningFailed, sign_pdf, signer_ensure_credential, validate_pdf
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.testing import Cast


@pytest.fixture(autouse=True)
def _own_ca(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
    settings.DOCUMENT_TRUST_ROOTS_FILE = ""


def _subject(credential: SignerCredential) -> dict[str, str]:
    cert = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
    return {attr.oid._name: str(attr.value) for attr in cert.subject}


def test_it_signs_a_pdf_that_pyhankos_validator_finds_intact_and_trusted(cast: Cast) -> None:
    signed = sign_pdf(pdf=tiny_pdf(), signer=cast.sekar, reason="Penerbitan surat", location="Kotabumi")

    report = validate_pdf(signed)

    assert report.intact
    assert report.trusted
    assert report.signed_by == "Sekar Kusuma"
    assert report.signed_at is not None
    assert report.problem == ""


def test_the_signature_is_pades_with_reason_location_and_the_whole_chain(cast: Cast) -> None:
    signed = sign_pdf(pdf=tiny_pdf(), signer=cast.sekar, reason="Penerbitan surat", location="Kotabumi")

    signature, sealing_timestamp = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert sealing_timestamp.sig_object_type == "/DocTimeStamp"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Penerbitan surat"
    assert signature.sig_object["/Location"] == "Kotabumi"
    embedded = {cert.chosen.subject.native["common_name"] for cert in signature.signed_data["certificates"]}
    assert embedded == {"Sekar Kusuma", "Layanan Lampura CA Pengembangan"}


def test_the_development_ca_is_made_once_with_a_private_key_file(cast: Cast, settings) -> None:
    signer_ensure_credential(cast.sekar)
    first = (Path(settings.VAR_DIR) / "signing" / "dev-ca" / "ca-cert.pem").read_bytes()
    signer_ensure_credential(cast.budi)

    key_file = Path(settings.VAR_DIR) / "signing" / "dev-ca" / "ca-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (Path(settings.VAR_DIR) / "signing" / "dev-ca" / "ca-cert.pem").read_bytes() == first


def test_a_configured_ca_is_used_instead_of_the_development_one(cast: Cast, settings, tmp_path: Path) -> None:
    ca = signing_local.ca_make(common_name="CA Produksi Lampura", organization="Pemkab Lampung Utara")
    (tmp_path / "ca.pem").write_text(signing_local.cert_pem(ca.cert))
    (tmp_path / "ca.key").write_text(signing_local.key_pem(ca.key))
    settings.DOCUMENT_CA_CERT_FILE = str(tmp_path / "ca.pem")
    settings.DOCUMENT_CA_KEY_FILE = str(tmp_path / "ca.key")

    report = validate_pdf(sign_pdf(pdf=tiny_pdf(), signer=cast.sekar, reason="r", location="l"))

    assert report.trusted
    assert not (tmp_path / "signing" / "dev-ca").exists()
    assert (signing_local.tsa_folder(signing_local.ca_load()) / "tsa-cert.pem").exists()


def test_the_officials_certificate_names_them_their_office_and_nip(cast: Cast) -> None:
    cast.sekar.nip = "198001012005012001"
    cast.sekar.position = "Kepala Dinas"
    cast.sekar.save()

    signer_ensure_credential(cast.sekar)

    credential = SignerCredential.objects.get(user=cast.sekar)
    assert _subject(credential) == {
        "countryName": "ID",
        "organizationName": "Dinas Kependudukan dan Pencatatan Sipil",
        "title": "Kepala Dinas",
        "commonName": "Sekar Kusuma",
        "serialNumber": "198001012005012001",
    }
    cert = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment  # nonRepudiation
    assert not usage.key_cert_sign
    assert (
        cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Layanan Lampura CA Pengembangan"
    )
    assert AuditEvent.objects.filter(
        action="documents.credential_issue", object_id=str(credential.pk)
    ).exists()


def test_the_credential_is_kept_while_still_right_and_renewed_when_the_name_changes(cast: Cast) -> None:
    signer_ensure_credential(cast.sekar)
    first = SignerCredential.objects.get(user=cast.sekar).certificate_pem
    signer_ensure_credential(cast.sekar)
    assert SignerCredential.objects.get(user=cast.sekar).certificate_pem == first

    cast.sekar.full_name = "Sekar Kusuma Wardani"
    cast.sekar.save()
    signer_ensure_credential(cast.sekar)

    credential = SignerCredential.objects.get(user=cast.sekar)
    assert credential.certificate_pem != first
    assert _subject(credential)["commonName"] == "Sekar Kusuma Wardani"
    assert AuditEvent.objects.filter(action="documents.credential_renew").count() == 1


def test_a_credential_from_another_ca_is_reissued(cast: Cast, settings, tmp_path: Path) -> None:
    signer_ensure_credential(cast.sekar)
    settings.VAR_DIR = tmp_path / "elsewhere"  # a new CA, as after losing var/

    report = validate_pdf(sign_pdf(pdf=tiny_pdf(), signer=cast.sekar, reason="r", location="l"))

    assert report.trusted


def test_the_private_key_is_sealed_in_the_database(cast: Cast) -> None:
    signer_ensure_credential(cast.sekar)

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_pem FROM documents_signercredential")
        (raw,) = cursor.fetchone()
    assert "PRIVATE KEY" not in raw
    assert "BEGIN PRIVATE KEY" in SignerCredential.objects.get(user=cast.sekar).private_key_pem


def test_the_bsre_backend_makes_no_local_credential(cast: Cast, settings) -> None:
    settings.DOCUMENT_SIGNER_BACKEND = "bsre"

    signer_ensure_credential(cast.sekar)

    assert not SignerCredential.objects.exists()
    assert not (Path(settings.VAR_DIR) / "signing").exists()


def test_it_refuses_bytes_that_are_not_a_pdf(cast: Cast) -> None:
    with pytest.raises(SigningFailed, match="bukan PDF"):
        sign_pdf(pdf=b"GIF89a not a letter", signer=cast.sekar, reason="r", location="l")


def test_it_refuses_a_broken_pdf_with_a_plain_message(cast: Cast) -> None:
    with pytest.raises(SigningFailed, match="rusak"):
        sign_pdf(pdf=b"%PDF-1.7\nnothing else here", signer=cast.sekar, reason="r", location="l")


def test_signing_speed_is_reported(cast: Cast, capsys) -> None:
    """Not an assertion on time (house style): prints the rate for the report and the bench."""
    pdf = tiny_pdf()
    sign_pdf(pdf=pdf, signer=cast.sekar, reason="r", location="l")  # credential and CA made
    count, started = 20, time.perf_counter()
    for _ in range(count):
        signed = sign_pdf(pdf=pdf, signer=cast.sekar, reason="r", location="l")
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nlocal signing: {count / elapsed:.1f} small PDFs per second")  # noqa: T201
    assert validate_pdf(signed).intact
