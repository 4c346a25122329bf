"""Handing the letter over: the download for its owner (and their agent) and the issuing office only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import citizen
from layanan.documents.models import Document, Verification
from layanan.documents.tests.render_builders import issued, signing_ca  # noqa: F401  # a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def download_url(document: Document) -> str:
    return reverse("documents:download", kwargs={"code": document.public_code})


def test_the_owner_downloads_the_signed_pdf_as_a_private_attachment(cast) -> None:
    document = issued(cast)

    response = client_for(cast.siti).get(download_url(document))

    assert response.status_code == 200
    body = response.getvalue()
    assert body == document.file.open("rb").read()
    assert body.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert not Verification.objects.exists()  # a download is not a public check


def test_the_operator_who_applied_for_the_owner_may_download_it(cast) -> None:
    document = issued(cast, owner_agent=cast.rini)  # Rini's desa office did not issue it

    assert client_for(cast.rini).get(download_url(document)).status_code == 200


@pytest.mark.parametrize("who", ["budi", "sekar"])
def test_the_issuing_offices_staff_may_download_it_too(cast, who: str) -> None:
    document = issued(cast)

    assert client_for(getattr(cast, who)).get(download_url(document)).status_code == 200


@pytest.mark.parametrize("who", ["other_citizen", "andi", "rini", "bupati"])
def test_people_outside_the_owner_and_the_office_are_refused(cast, who: str) -> None:
    document = issued(cast)
    person = citizen(phone="081299998888") if who == "other_citizen" else getattr(cast, who)

    response = client_for(person).get(download_url(document))
    unknown = client_for(person).get(reverse("documents:download", kwargs={"code": "ABCDEFGHJKMNPQRSTVWX"}))

    assert response.status_code == unknown.status_code == 404  # the same answer as for an unknown code
    assert b"%PDF" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in_and_unknown_codes_are_404(cast) -> None:
    document = issued(cast)

    anonymous = client_for(None).get(download_url(document))
    unknown = client_for(cast.siti).get(
        reverse("documents:download", kwargs={"code": "ABCDEFGHJKMNPQRSTVWX"})
    )

    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    assert unknown.status_code == 404


# --- a letter that is no longer valid ---------------------------------------------------------------


@pytest.mark.usefixtures("test_source")
def test_a_revoked_letter_is_refused_with_a_page_saying_when_and_why(cast) -> None:
    from layanan.documents.services import document_revoke

    document = issued(cast)
    document_revoke(document=document, actor=cast.sekar, reason="Diterbitkan untuk orang yang salah.")

    response = client_for(cast.siti).get(download_url(document))

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Surat ini sudah dicabut" in html
    assert "Diterbitkan untuk orang yang salah." in html
    assert document.number in html
    assert "Yang perlu Anda lakukan" in html
    assert b"%PDF" not in response.content
    assert "no-store" in response["Cache-Control"]


@pytest.mark.usefixtures("test_source")
def test_a_revoked_letter_is_still_refused_outright_to_people_outside_it(cast) -> None:
    from layanan.documents.services import document_revoke

    document = issued(cast)
    document_revoke(document=document, actor=cast.sekar, reason="Salah orang.")

    response = client_for(cast.andi).get(download_url(document))

    assert response.status_code == 404
    assert b"Salah orang." not in response.content


@pytest.mark.usefixtures("test_source")
def test_a_replaced_letter_leads_to_its_newest_successor(cast) -> None:
    from layanan.documents.services import document_replace

    first = issued(cast)
    second = document_replace(document=first, actor=cast.sekar, reason="Salah ketik.")
    third = document_replace(document=second, actor=cast.sekar, reason="Salah ketik lagi.")

    response = client_for(cast.siti).get(download_url(first))
    followed = client_for(cast.siti).get(download_url(first), follow=True)

    assert response.status_code == 302
    assert response["Location"] == download_url(third)
    assert followed.status_code == 200
    assert followed.getvalue() == third.file.open("rb").read()


@pytest.mark.usefixtures("test_source")
def test_a_replaced_letter_whose_successor_was_revoked_explains_instead(cast) -> None:
    from layanan.documents.services import document_replace, document_revoke

    first = issued(cast)
    second = document_replace(document=first, actor=cast.sekar, reason="Salah ketik.")
    document_revoke(document=second, actor=cast.sekar, reason="Tidak berhak.")

    response = client_for(cast.siti).get(download_url(first))

    assert response.status_code == 410
    html = response.content.decode()
    assert "Surat ini sudah diganti" in html
    assert second.number in html
    assert b"%PDF" not in response.content
