"""The public verification pages: the state of a document by its code, and who may see what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.calendars.selectors import WIB
from layanan.documents import verification
from layanan.documents.models import Document, Verification
from layanan.documents.tests.verify_builders import document_row

pytestmark = pytest.mark.django_db


def _page(client: Client, code: str) -> Any:
    return client.get(reverse("documents:check", kwargs={"code": code}))


def test_a_valid_document_shows_green_with_what_is_printed_on_it(cast: Any, client: Client) -> None:
    document = document_row(cast)
    response = _page(client, document.public_code)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dokumen sah dan berlaku" in body
    assert "notice--success" in body
    for shown in (
        "Surat Keterangan Domisili",
        document.number,
        "Sekar Wulandari",
        "Kepala Dinas",
        "S*** A*****",
    ):
        assert shown in body
    assert cast.world.disdukcapil.name in body
    assert "Siti" not in body
    assert "197001012000031001" not in body
    assert body.count("<h1") == 1
    row = Verification.objects.get()
    assert (row.document, row.method, row.result) == (document, "code", Verification.Result.VALID)


def test_a_replaced_document_shows_amber_without_a_link_to_the_new_one(cast: Any, client: Client) -> None:
    newer = document_row(cast)
    document = document_row(cast, state=Document.State.REPLACED)
    document.replaced_by = newer
    document.save(update_fields=["replaced_by"])
    response = _page(client, document.public_code)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sudah diganti dengan dokumen yang lebih baru" in body
    assert "notice--warning" in body
    assert newer.public_code not in body
    assert newer.number not in body
    assert Verification.objects.get().result == Verification.Result.REPLACED


def test_a_revoked_document_shows_red_with_the_date_but_not_the_reason(cast: Any, client: Client) -> None:
    document = document_row(
        cast,
        state=Document.State.REVOKED,
        changed_at=datetime(2026, 11, 3, 9, 0, tzinfo=WIB),
        revoked_reason="Pemohon Siti Aminah memalsukan surat pengantar RT",
    )
    response = _page(client, document.public_code)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen dicabut" in body
    assert "3 November 2026" in body
    assert "memalsukan" not in body
    assert Verification.objects.get().result == Verification.Result.REVOKED


def test_an_unknown_code_gives_a_helpful_404_and_is_logged(cast: Any, client: Client) -> None:
    response = _page(client, "ABCDEFGHJKMNPQRSTVWX")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Dokumen tidak ditemukan" in body
    assert 'name="kode"' in body
    row = Verification.objects.get()
    assert (row.document, row.result) == (None, Verification.Result.UNKNOWN)


def test_a_code_typed_in_lower_case_with_spaces_leads_to_its_page(cast: Any, client: Client) -> None:
    document = document_row(cast)
    typed = " ".join([document.public_code[:4].lower(), document.public_code[4:]])
    response = client.get(reverse("documents:index"), {"kode": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:check", kwargs={"code": document.public_code})
    assert not Verification.objects.exists()  # counted when the page itself is opened


def test_a_code_with_letters_outside_the_alphabet_is_refused_on_the_form(client: Client, db: None) -> None:
    response = client.get(reverse("documents:index"), {"kode": "ILOU-0101"})
    assert response.status_code == 400
    assert "Kode dokumen terdiri dari" in response.content.decode()


def test_signed_in_people_see_the_same_public_page(cast: Any, client: Client) -> None:
    document = document_row(cast)
    sign_in(client, cast.andi)
    response = _page(client, document.public_code)
    assert response.status_code == 200
    assert "Dokumen sah dan berlaku" in response.content.decode()


def test_the_public_key_is_published_as_pem(client: Client, db: None) -> None:
    from layanan.documents import qr

    response = client.get(reverse("documents:public_key"))
    assert response.status_code == 200
    assert response.content.decode() == qr.public_key_pem()
    assert response.content.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_checks_are_limited_per_address_with_a_friendly_page(cast: Any, client: Client) -> None:
    document = document_row(cast)
    for _ in range(verification.VERIFY_PER_ADDRESS.attempts):
        assert _page(client, document.public_code).status_code == 200
    refused = _page(client, document.public_code)
    assert refused.status_code == 429
    assert "Terlalu banyak pemeriksaan" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert Verification.objects.count() == verification.VERIFY_PER_ADDRESS.attempts  # the refused one is not
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert _page(other, document.public_code).status_code == 200


def test_a_check_is_logged_with_a_keyed_hash_of_the_address_only(cast: Any) -> None:
    document = document_row(cast)
    _page(Client(REMOTE_ADDR="203.0.113.9"), document.public_code)
    _page(Client(REMOTE_ADDR="203.0.113.9"), document.public_code)
    _page(Client(REMOTE_ADDR="203.0.113.10"), document.public_code)
    rows = list(Verification.objects.order_by("pk"))
    assert len(rows) == 3
    assert rows[0].source_hash == rows[1].source_hash != rows[2].source_hash
    assert len(rows[0].source_hash) == verification.SOURCE_HASH_CHARS
    stored = " ".join(f"{r.method} {r.result} {r.source_hash}" for r in rows)
    assert "203.0.113" not in stored
    assert rows[0].source_hash != verification.source_hash("203.0.113.10")
