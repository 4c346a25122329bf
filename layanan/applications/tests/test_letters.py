"""The letter of an application: issued when the official signs, linked, told, replaced and revoked."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.applications import services
from layanan.applications.letters import KIND, application_letter_issue, letter_data
from layanan.applications.models import Application, IssuedLetter, Status
from layanan.applications.services import ApplicationError
from layanan.applications.tests import builders
from layanan.applications.tests.builders import notices_enqueued
from layanan.audit.models import AuditEvent
from layanan.catalogue.models import Service
from layanan.documents.models import Document, LetterTemplate, NumberSequence
from layanan.documents.services import document_replace, document_revoke
from layanan.documents.signing import validate_pdf
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    letter_template,
    signing_ca,
    signing_code,
)
from layanan.documents.tests.test_signing_bsre import NIK, PASSPHRASE, fake  # noqa: F401  # a fixture
from layanan.notifications.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def kepala_desa(cast: Any) -> User:
    return builders.staff(role=Role.SIGNER, office=cast.world.desa_tanjung_raja, name="Hendra Saputra")


def awaiting_signature(cast: Any, *, service: Service | None = None, name: str = "Warga Uji") -> Application:
    """A village letter of a Tanjung Raja villager, approved by Rini, waiting in SIGNING."""
    if service is None:
        service = builders.village_letter()
        letter_template(service)
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa, name=name)
    application = builders.claimed(builders.submitted(service, villager), cast.rini)
    builders.accept_all(application, cast.rini)
    application = services.application_approve(
        application=application, actor=cast.rini, expected_version=application.version
    )
    assert application.status == Status.SIGNING
    return application


def signed(application: Application, signer: User, **extra: Any) -> Application:
    return services.application_sign(
        application=application,
        actor=signer,
        expected_version=application.version,
        second_factor_code=signing_code(signer),
        **extra,
    )


def document_ready_notices(application: Application) -> list[str]:
    rows = Message.objects.filter(event="application.document_ready", recipient=application.applicant)
    return list(rows.order_by("id").values_list("key", flat=True))


def audit_actions(document: Document) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="documents.document", object_id=str(document.pk))
    return list(rows.order_by("id").values_list("action", flat=True))


def test_the_letter_data_is_the_answers_as_text_with_the_applicant_and_tracking_number(cast) -> None:
    application = awaiting_signature(cast, name="Putri Lestari")

    data = letter_data(application)

    assert data["pemohon"] == "Putri Lestari"
    assert data["nomor_pelacakan"] == application.tracking_number
    assert all(isinstance(value, str) for value in data.values())


def test_signing_with_a_valid_code_issues_the_letter_links_it_and_tells_the_applicant(
    cast, django_capture_on_commit_callbacks
) -> None:
    application = awaiting_signature(cast, name="Putri Lestari")
    official = kepala_desa(cast)

    with django_capture_on_commit_callbacks(execute=True):
        application = signed(application, official)

    document = application.documents.get()
    pdf = document.file.read()
    assert application.status == Status.COMPLETED
    assert document.number.startswith("470/001/")
    assert document.state == Document.State.VALID
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (document.signer_name, document.signer) == (official.full_name, official)
    assert document.holder_name_masked == "Putri L******"  # the test form has no "nama": the applicant
    assert (document.kind, document.reference) == (KIND, application.tracking_number)
    assert (document.owner, document.office) == (application.applicant, application.office)
    assert validate_pdf(pdf).intact
    assert IssuedLetter.objects.get(document=document).application == application
    assert application.timeline.filter(action="document_issue", message__contains=document.number).exists()
    assert audit_actions(document) == ["documents.issue"]
    assert notices_enqueued()[-2:] == ["completed", "document_ready"]
    assert document_ready_notices(application) == [
        f"application:{application.pk}:document_ready:d{document.pk}"
    ]


@pytest.fixture
def bsre_backend(request: pytest.FixtureRequest) -> object:
    """The fake BSrE esign-client, set up after the local CA so that BSrE is the backend in use."""
    request.getfixturevalue("signing_ca")
    return request.getfixturevalue("fake")


@pytest.mark.usefixtures("bsre_backend")
def test_the_officials_passphrase_reaches_bsre_through_the_signing_step(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    official.nik = NIK  # the fake knows this NIK with PASSPHRASE
    official.save(update_fields=["nik"])

    done = signed(application, official, passphrase=PASSPHRASE)

    assert done.status == Status.COMPLETED
    document = done.documents.get()
    assert document.signature_backend == "bsre"
    assert validate_pdf(document.file.read()).intact


def test_a_wrong_or_reused_code_is_refused_and_nothing_is_issued(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    code = signing_code(official)

    with pytest.raises(ApplicationError, match="Kode autentikator salah"):
        services.application_sign(
            application=application,
            actor=official,
            expected_version=application.version,
            second_factor_code="000000" if code != "000000" else "111111",
        )

    assert application.status == Status.SIGNING
    assert not Document.objects.exists()
    assert not IssuedLetter.objects.exists()
    assert not NumberSequence.objects.exists()
    assert "accounts.second_factor_failed" in AuditEvent.objects.filter(
        object_id=str(official.pk)
    ).values_list("action", flat=True)


def test_a_code_cannot_sign_twice(cast) -> None:
    official = kepala_desa(cast)
    first, second = awaiting_signature(cast), awaiting_signature(cast)
    code = signing_code(official)
    services.application_sign(
        application=first, actor=official, expected_version=first.version, second_factor_code=code
    )

    with pytest.raises(ApplicationError, match="sudah dipakai"):
        services.application_sign(
            application=second, actor=official, expected_version=second.version, second_factor_code=code
        )

    assert second.status == Status.SIGNING
    assert Document.objects.count() == 1


def test_a_broken_template_leaves_the_application_unsigned_and_tells_the_administrator(cast) -> None:
    application = awaiting_signature(cast)
    LetterTemplate.objects.filter(service=application.service).update(body="#let broken = (")
    official = kepala_desa(cast)

    with pytest.raises(ApplicationError) as refused:
        signed(application, official)

    assert str(refused.value) == "Templat surat bermasalah; administrator sudah diberi tahu."
    assert application.status == Status.SIGNING
    assert application.timeline.filter(action__in=["sign", "document_issue"]).count() == 0
    assert not Document.objects.exists()
    assert not IssuedLetter.objects.exists()
    assert not Message.objects.filter(event="application.document_ready").exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()
    problem = AuditEvent.objects.get(action="applications.template_problem")
    assert "unclosed delimiter" in problem.details["problem"]


def test_only_the_offices_signer_may_issue(cast) -> None:
    application = awaiting_signature(cast)

    with pytest.raises(PermissionDenied):
        signed(application, cast.sekar)  # Disdukcapil's signer, not the desa's
    with pytest.raises(PermissionDenied):
        application_letter_issue(application=application, signer=cast.rini)

    assert not Document.objects.exists()
    assert not IssuedLetter.objects.exists()


def test_an_application_without_a_handling_office_is_refused_with_a_plain_message(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    application.office = None

    with pytest.raises(ApplicationError, match="belum punya kantor"):
        application_letter_issue(application=application, signer=official)

    assert not Document.objects.exists()
    assert not application.timeline.filter(action="document_issue").exists()


def test_a_replacement_is_linked_to_the_same_application_and_the_applicant_is_told_again(cast) -> None:
    official = kepala_desa(cast)
    application = signed(awaiting_signature(cast), official)
    old = application.documents.get()

    new = document_replace(document=old, actor=official, reason="Salah ketik alamat.")

    assert set(application.documents.all()) == {old, new}
    assert application.documents.get(state=Document.State.VALID) == new
    assert (new.owner, new.kind, new.reference) == (application.applicant, KIND, application.tracking_number)
    assert list(application.timeline.filter(action="document_issue").values_list("message", flat=True)) == [
        f"Surat sudah terbit: nomor {old.number}.",
        f"Surat sudah terbit: nomor {new.number}.",
    ]
    assert audit_actions(new) == ["documents.replace"]
    assert document_ready_notices(application) == [
        f"application:{application.pk}:document_ready:d{old.pk}",
        f"application:{application.pk}:document_ready:d{new.pk}",
    ]


def test_a_revocation_is_written_on_the_applications_timeline(cast) -> None:
    official = kepala_desa(cast)
    application = signed(awaiting_signature(cast), official)
    document = application.documents.get()

    document_revoke(document=document, actor=cast.admin, reason="Diterbitkan untuk orang yang salah.")

    event = application.timeline.get(action="document_revoke")
    assert event.actor == cast.admin
    assert event.message == (
        f"Surat nomor {document.number} dicabut. Alasan: Diterbitkan untuk orang yang salah."
    )
    assert (event.from_status, event.to_status) == (Status.COMPLETED, Status.COMPLETED)


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_the_citizens_page_offers_the_download_once_the_letter_is_issued(cast) -> None:
    application = signed(awaiting_signature(cast, name="Putri Lestari"), kepala_desa(cast))
    document = application.documents.get()
    download = reverse("documents:download", kwargs={"code": document.public_code})

    page = client_for(application.applicant).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )
    pdf = client_for(application.applicant).get(download)
    refused = client_for(cast.andi).get(download)

    assert page.status_code == 200
    assert download.encode() in page.content
    assert b"Unduh surat (PDF)" in page.content
    assert document.number.encode() in page.content
    assert pdf.status_code == 200
    assert refused.status_code == 404  # not hers answers as a letter that does not exist


def test_a_siak_service_says_the_document_comes_through_disdukcapil(cast) -> None:
    application = builders.submitted(builders.dukcapil_service(cast.world), cast.siti)
    application = builders.claimed(application, cast.budi)
    builders.accept_all(application, cast.budi)
    services.application_approve(
        application=application, actor=cast.budi, expected_version=application.version
    )
    assert builders.reloaded(application).status == Status.COMPLETED

    page = client_for(cast.siti).get(
        reverse("applications:detail", kwargs={"public_id": application.public_id})
    )

    assert page.status_code == 200
    assert "di SIAK (sistem Dukcapil), bukan di platform ini" in page.content.decode()
    assert b"Unduh surat" not in page.content
    assert not Document.objects.exists()
