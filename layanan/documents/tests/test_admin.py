"""The documents admin: template preview (and its errors), read-only documents, revoke through the service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    RecordingSource,
    issued,
    letter_template,
    signing_ca,
)
from layanan.documents.tests.verify_builders import letter_service

pytestmark = pytest.mark.django_db


def admin_client(cast) -> Client:
    client = Client()
    sign_in(client, cast.admin)
    return client


def preview_url(template) -> str:
    return reverse("admin:documents_lettertemplate_preview", args=[template.pk])


def test_the_preview_renders_the_letter_with_sample_answers(cast) -> None:
    template = letter_template(letter_service(cast))

    response = admin_client(cast).get(preview_url(template))
    change = admin_client(cast).get(reverse("admin:documents_lettertemplate_change", args=[template.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert change.status_code == 200
    assert preview_url(template).encode() in change.content


def test_a_broken_template_shows_typsts_error_on_the_admin_page(cast) -> None:
    template = letter_template(letter_service(cast), body="#let broken = (")

    response = admin_client(cast).get(preview_url(template), follow=True)

    assert response.status_code == 200
    assert "Templat tidak dapat dipakai: unclosed delimiter" in response.content.decode()


def test_the_preview_is_refused_to_everyone_but_the_administrator(cast) -> None:
    template = letter_template(letter_service(cast))
    client = Client()
    sign_in(client, cast.rini)

    response = client.get(preview_url(template))

    assert response.status_code in (302, 403)
    assert not response.content.startswith(b"%PDF")


@pytest.mark.usefixtures("signing_ca")
def test_documents_are_read_only_and_revoked_through_the_service_with_a_reason(
    cast, test_source: RecordingSource
) -> None:
    document = issued(cast)
    client = admin_client(cast)
    change_url = reverse("admin:documents_document_change", args=[document.pk])
    revoke_url = reverse("admin:documents_document_revoke", args=[document.pk])
    replace_url = reverse("admin:documents_document_replace", args=[document.pk])

    page = client.get(change_url)
    without_reason = client.post(revoke_url, {"reason": ""}, follow=True)
    replace_by_admin = client.post(replace_url, {"reason": "Salah ketik."}, follow=True)
    document.refresh_from_db()
    assert document.state == Document.State.VALID
    revoked = client.post(revoke_url, {"reason": "Diterbitkan untuk orang yang salah."})

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert "Tulis alasan dokumen ini dicabut." in without_reason.content.decode()
    assert "Hanya pejabat penandatangan" in replace_by_admin.content.decode()
    assert revoked.status_code == 302
    document.refresh_from_db()
    assert document.state == Document.State.REVOKED
    assert AuditEvent.objects.filter(action="documents.revoke", object_id=str(document.pk)).exists()
    assert len(test_source.revoked_calls) == 1
