"""Handing the letter over: the download for the applicant and the issuing office, refused to others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.applications.models import Application, Status
from layanan.applications.tests import builders
from layanan.documents.models import Document, Verification
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    awaiting_signature,
    kepala_desa,
    signed,
    signing_ca,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def issued(cast) -> tuple[Application, Document]:
    application = signed(awaiting_signature(cast, name="Putri Lestari"), kepala_desa(cast))
    return application, Document.objects.get(application=application)


def download_url(document: Document) -> str:
    return reverse("documents:download", kwargs={"code": document.public_code})


def test_the_applicant_downloads_the_signed_pdf_as_a_private_attachment(cast) -> None:
    application, document = issued(cast)

    response = client_for(application.applicant).get(download_url(document))

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


def test_the_issuing_offices_staff_may_download_it_too(cast) -> None:
    _application, document = issued(cast)

    assert client_for(cast.rini).get(download_url(document)).status_code == 200


@pytest.mark.parametrize("who", ["other_citizen", "andi", "sekar", "bupati"])
def test_people_outside_the_application_and_the_office_are_refused(cast, who: str) -> None:
    _application, document = issued(cast)
    person = builders.citizen(name="Warga Lain") if who == "other_citizen" else getattr(cast, who)

    response = client_for(person).get(download_url(document))

    assert response.status_code == 403
    assert b"%PDF" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in_and_unknown_codes_are_404(cast) -> None:
    _application, document = issued(cast)

    anonymous = client_for(None).get(download_url(document))
    unknown = client_for(cast.siti).get(
        reverse("documents:download", kwargs={"code": "ABCDEFGHJKMNPQRSTVWX"})
    )

    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]
    assert unknown.status_code == 404


def test_the_citizens_page_offers_the_download_once_the_letter_is_issued(cast) -> None:
    application, document = issued(cast)
    page = client_for(application.applicant).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )

    assert page.status_code == 200
    assert download_url(document).encode() in page.content
    assert b"Unduh surat (PDF)" in page.content
    assert document.number.encode() in page.content


def test_a_siak_service_says_the_document_comes_through_disdukcapil(cast) -> None:
    application = builders.submitted(builders.dukcapil_service(cast.world), cast.siti)
    application = builders.claimed(application, cast.budi)
    builders.accept_all(application, cast.budi)
    from layanan.applications import services

    services.application_approve(
        application=application, actor=cast.budi, expected_version=application.version
    )
    assert builders.reloaded(application).status == Status.COMPLETED

    page = client_for(cast.siti).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )

    assert page.status_code == 200
    assert b"Dokumen diproses di Disdukcapil melalui SIAK" in page.content
    assert b"Unduh surat" not in page.content
