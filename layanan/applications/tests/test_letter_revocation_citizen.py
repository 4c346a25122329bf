"""What the applicant sees when her letter is revoked or replaced: the page, the message, the history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from layanan.applications.models import Application
from layanan.applications.services.decision import application_letter_replace, application_letter_revoke
from layanan.applications.tests.test_letters import awaiting_signature, client_for, kepala_desa, signed
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import signing_ca, signing_code  # noqa: F401  # a fixture
from layanan.notifications.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def detail(application: Application) -> str:
    page = client_for(application.applicant).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )
    assert page.status_code == 200
    return page.content.decode()


def letter(cast: Any) -> tuple[Application, Document, Any]:
    official = kepala_desa(cast)
    application = signed(awaiting_signature(cast, name="Putri Lestari"), official)
    return application, application.documents.get(), official


def test_a_revoked_letter_is_explained_on_the_application_page_without_a_download(cast) -> None:
    application, document, official = letter(cast)

    application_letter_revoke(document=document, actor=official, reason="Nama ayah salah tulis.")

    html = detail(application)
    document.refresh_from_db()
    assert "Surat Anda dicabut" in html
    assert f"Surat nomor {document.number} dicabut pada" in html
    assert "Nama ayah salah tulis." in html
    assert "Yang perlu Anda lakukan:" in html
    assert "Surat dicabut" in html  # beside the status, not only "Selesai"
    assert reverse("documents:download", kwargs={"code": document.public_code}) not in html
    assert reverse("applications:start", kwargs={"slug": application.service.slug}) in html
    assert f"Surat nomor {document.number} dicabut. Alasan: Nama ayah salah tulis." in html  # history


def test_the_applicant_gets_a_message_once_per_revocation(cast, django_capture_on_commit_callbacks) -> None:
    application, document, official = letter(cast)

    with django_capture_on_commit_callbacks(execute=True):
        application_letter_revoke(document=document, actor=official, reason="Salah orang.")

    notices = Message.objects.filter(event="application.document_revoked", recipient=application.applicant)
    assert notices.count() == 1
    version = Application.objects.get(pk=application.pk).version
    assert notices.get().key == f"application:{application.pk}:document_revoked:v{version}"


def test_a_replaced_letter_points_to_its_successor_and_offers_the_new_download(cast) -> None:
    application, old, official = letter(cast)

    new = application_letter_replace(
        document=old, actor=official, reason="Alamat salah ketik.", second_factor_code=signing_code(official)
    )

    html = detail(application)
    assert f"Surat nomor {new.number} sudah terbit" in html
    assert f"Surat nomor {old.number} tidak berlaku lagi: diganti dengan surat nomor {new.number}" in html
    assert "Alamat salah ketik." in html
    assert html.count(reverse("documents:download", kwargs={"code": new.public_code})) == 2
    assert reverse("documents:download", kwargs={"code": old.public_code}) not in html
    assert "Surat Anda dicabut" not in html


def test_another_citizen_cannot_read_the_revocation(cast) -> None:
    application, document, official = letter(cast)
    application_letter_revoke(document=document, actor=official, reason="Salah orang.")

    page = client_for(cast.siti).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )

    assert page.status_code in (403, 404)
    assert b"Salah orang." not in page.content
