"""The office's letter pages: the list of issued letters, revoke, replace, and the signer's preview.

A village letter of desa Tanjung Raja, signed by its head (Hendra). Each test checks the answer,
the database afterwards, and that the persona who must be refused is refused: Rini (the desa's
operator, who handles but does not sign), Sekar (the signer of another office), Andi, Siti,
the Bupati, the auditor and the administrator (who has the admin, not these pages).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.accounts.models import User
from layanan.applications.models import Application, Status
from layanan.applications.tests.test_letters import awaiting_signature, client_for, kepala_desa, signed
from layanan.audit.models import AuditEvent
from layanan.documents.models import Document, NumberSequence
from layanan.documents.tests.render_builders import signing_ca, signing_code  # noqa: F401  # a fixture
from layanan.notifications.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]

REFUSED = ["rini", "sekar", "andi", "siti", "bupati", "auditor", "admin"]


def issued_letter(cast: Any) -> tuple[Application, Document, User]:
    official = kepala_desa(cast)
    application = signed(awaiting_signature(cast, name="Putri Lestari"), official)
    return application, application.documents.get(), official


def person(cast: Any, who: str) -> User:
    return getattr(cast, who)


def revoke_url(document: Document) -> str:
    return reverse("applications:letter_revoke", kwargs={"code": document.public_code})


def replace_url(document: Document) -> str:
    return reverse("applications:letter_replace", kwargs={"code": document.public_code})


# --- the list ----------------------------------------------------------------------------------------


def test_the_offices_signer_sees_its_letters_with_the_holder_masked_and_the_two_actions(cast) -> None:
    _application, document, official = issued_letter(cast)

    page = client_for(official).get(reverse("applications:letters"))

    assert page.status_code == 200
    html = page.content.decode()
    assert document.number in html
    assert "Putri L******" in html
    assert "Putri Lestari" not in html
    assert "Berlaku" in html
    assert revoke_url(document) in html
    assert replace_url(document) in html


def test_the_operator_of_the_office_sees_the_list_without_the_actions(cast) -> None:
    _application, document, _official = issued_letter(cast)

    page = client_for(cast.rini).get(reverse("applications:letters"))

    assert page.status_code == 200
    assert document.number in page.content.decode()
    assert revoke_url(document) not in page.content.decode()


def test_another_offices_staff_see_only_their_own_offices_letters(cast) -> None:
    _application, document, _official = issued_letter(cast)

    for who in ("sekar", "andi", "budi"):
        page = client_for(person(cast, who)).get(reverse("applications:letters"))
        assert page.status_code == 200
        assert document.number not in page.content.decode()


@pytest.mark.parametrize("who", ["siti", "bupati", "auditor", "admin"])
def test_citizens_leaders_auditors_and_the_administrator_are_refused_the_list(cast, who: str) -> None:
    issued_letter(cast)

    assert client_for(person(cast, who)).get(reverse("applications:letters")).status_code == 403


def test_the_list_reads_in_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    _application, _document, official = issued_letter(cast)
    for _ in range(2):
        another = signed(awaiting_signature(cast), official)
        assert another.status == Status.COMPLETED
    client = client_for(official)
    client.get(reverse("applications:letters"))  # warm the session and the user

    with django_assert_num_queries(5):
        page = client.get(reverse("applications:letters"))

    assert page.content.decode().count("/cabut/") == 3


# --- revoking --------------------------------------------------------------------------------------


def test_the_signer_revokes_with_a_reason_the_citizen_is_told_and_it_is_audited(
    cast, django_capture_on_commit_callbacks
) -> None:
    application, document, official = issued_letter(cast)
    version = Application.objects.get(pk=application.pk).version
    client = client_for(official)

    assert client.get(revoke_url(document)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(revoke_url(document), {"reason": "Nama ayah salah tulis."})

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:letters")
    document.refresh_from_db()
    assert (document.state, document.revoked_reason) == (Document.State.REVOKED, "Nama ayah salah tulis.")
    assert document.changed_at is not None
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.version == version + 1
    event = fresh.timeline.get(action="document_revoke")
    assert event.message == f"Surat nomor {document.number} dicabut. Alasan: Nama ayah salah tulis."
    assert event.actor == official
    notice = Message.objects.get(event="application.document_revoked")
    assert notice.recipient == application.applicant
    assert notice.key == f"application:{application.pk}:document_revoked:v{fresh.version}"
    audit = AuditEvent.objects.get(action="documents.revoke", object_id=str(document.pk))
    assert (audit.actor, audit.details) == (official, {"number": document.number})  # no free text


def test_a_revocation_without_a_reason_is_refused_with_a_plain_message(cast) -> None:
    _application, document, official = issued_letter(cast)

    response = client_for(official).post(revoke_url(document), {"reason": "   "})

    assert response.status_code == 400
    assert "Tulis alasan surat ini dicabut." in response.content.decode()
    document.refresh_from_db()
    assert document.state == Document.State.VALID
    assert not Message.objects.filter(event="application.document_revoked").exists()


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_issuing_offices_signer_may_revoke(cast, who: str) -> None:
    application, document, _official = issued_letter(cast)
    client = client_for(person(cast, who))

    page = client.get(revoke_url(document))
    post = client.post(revoke_url(document), {"reason": "Tidak berhak."})

    assert (page.status_code, post.status_code) == (403, 403)
    document.refresh_from_db()
    assert document.state == Document.State.VALID
    assert not application.timeline.filter(action="document_revoke").exists()


def test_anonymous_visitors_are_sent_to_sign_in(cast) -> None:
    _application, document, _official = issued_letter(cast)

    response = Client().post(revoke_url(document), {"reason": "x"})

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    document.refresh_from_db()
    assert document.state == Document.State.VALID


def test_a_revoked_letter_cannot_be_revoked_again(cast) -> None:
    _application, document, official = issued_letter(cast)
    client = client_for(official)
    client.post(revoke_url(document), {"reason": "Salah orang."})

    again = client.post(revoke_url(document), {"reason": "Lagi."})

    assert again.status_code == 400
    assert "sudah tidak berlaku" in again.content.decode()
    document.refresh_from_db()
    assert document.revoked_reason == "Salah orang."


# --- replacing -------------------------------------------------------------------------------------


def test_the_signer_replaces_a_letter_with_a_fresh_code_and_the_old_one_points_to_the_new(cast) -> None:
    application, old, official = issued_letter(cast)
    client = client_for(official)

    assert client.get(replace_url(old)).status_code == 200
    response = client.post(
        replace_url(old), {"reason": "Alamat salah ketik.", "code": signing_code(official)}
    )

    assert response.status_code == 302
    old.refresh_from_db()
    new = application.documents.get(state=Document.State.VALID)
    assert (old.state, old.replaced_by, old.revoked_reason) == (
        Document.State.REPLACED,
        new,
        "Alamat salah ketik.",
    )
    assert (new.signer, new.owner) == (official, application.applicant)
    event = application.timeline.get(action="document_replace")
    assert event.message == (
        f"Surat nomor {old.number} diganti dengan surat nomor {new.number}. Alasan: Alamat salah ketik."
    )
    assert Message.objects.filter(
        event="application.document_ready", key=f"application:{application.pk}:document_ready:d{new.pk}"
    ).exists()


def test_a_replacement_with_a_wrong_code_or_no_reason_changes_nothing(cast) -> None:
    _application, old, official = issued_letter(cast)
    client = client_for(official)
    code = signing_code(official)
    sequence = NumberSequence.objects.get().last_value

    no_reason = client.post(replace_url(old), {"reason": "", "code": code})
    no_code = client.post(replace_url(old), {"reason": "Alamat salah ketik."})
    wrong = client.post(
        replace_url(old),
        {"reason": "Alamat salah ketik.", "code": "000000" if code != "000000" else "111111"},
    )

    assert (no_reason.status_code, no_code.status_code, wrong.status_code) == (400, 400, 400)
    assert "Tulis alasan surat ini diganti." in no_reason.content.decode()
    assert "Ketik kode 6 angka" in no_code.content.decode()
    assert "Kode autentikator salah" in wrong.content.decode()
    old.refresh_from_db()
    assert old.state == Document.State.VALID
    assert Document.objects.count() == 1
    assert NumberSequence.objects.get().last_value == sequence


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_issuing_offices_signer_may_replace(cast, who: str) -> None:
    _application, old, _official = issued_letter(cast)
    actor = person(cast, who)
    client = client_for(actor)

    page = client.get(replace_url(old))
    post = client.post(replace_url(old), {"reason": "Tidak berhak.", "code": "123456"})

    assert (page.status_code, post.status_code) == (403, 403)
    old.refresh_from_db()
    assert old.state == Document.State.VALID
    assert Document.objects.count() == 1


# --- the preview -------------------------------------------------------------------------------------


def preview_url(application: Application) -> str:
    return reverse("applications:letter_preview", kwargs={"public_id": application.public_id})


def test_the_signer_previews_the_unsigned_letter_inline_marked_as_a_preview(cast) -> None:
    application = awaiting_signature(cast, name="Putri Lestari")
    official = kepala_desa(cast)

    response = client_for(official).get(preview_url(application))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "no-store" in response["Cache-Control"]
    reader = PdfFileReader(io.BytesIO(response.content))
    assert str(reader.trailer_view["/Info"]["/Title"]) == "PRATINJAU — BELUM DITANDATANGANI"
    assert reader.embedded_signatures == []
    assert not Document.objects.exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()
    assert AuditEvent.objects.filter(
        action="applications.letter_preview", object_id=str(application.pk)
    ).exists()


def test_the_desa_operator_handling_it_may_preview_too(cast) -> None:
    application = awaiting_signature(cast)

    assert client_for(cast.rini).get(preview_url(application)).status_code == 200


@pytest.mark.parametrize("who", ["sekar", "andi", "budi", "siti", "bupati", "auditor", "admin"])
def test_the_preview_is_refused_outside_the_handling_office(cast, who: str) -> None:
    application = awaiting_signature(cast)

    response = client_for(person(cast, who)).get(preview_url(application))

    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")
    assert not AuditEvent.objects.filter(action="applications.letter_preview").exists()


def test_the_applicant_is_refused_the_preview_of_her_own_letter(cast) -> None:
    application = awaiting_signature(cast)

    response = client_for(application.applicant).get(preview_url(application))

    assert response.status_code == 403


def test_after_signing_the_preview_sends_back_to_the_work_page_with_a_message(cast) -> None:
    application, _document, official = issued_letter(cast)

    response = client_for(official).get(preview_url(application), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "applications:work", kwargs={"public_id": application.public_id}
    )
    assert "Pratinjau surat hanya tersedia sebelum surat ditandatangani." in response.content.decode()


def test_the_work_page_links_the_preview_while_signing_and_the_letters_after(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    work = reverse("applications:work", kwargs={"public_id": application.public_id})

    before = client_for(official).get(work).content.decode()
    signed(application, official)
    after = client_for(official).get(work).content.decode()

    assert preview_url(application) in before
    assert preview_url(application) not in after
    assert f"{reverse('applications:letters')}?permohonan={application.public_id}" in after
