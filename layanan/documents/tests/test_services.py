"""Issuing through the signing step (with the official's code), replacing and revoking."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from layanan.applications import services as application_services
from layanan.applications.models import Status
from layanan.applications.services import ApplicationError
from layanan.applications.tests.builders import notices_enqueued
from layanan.audit.models import AuditEvent
from layanan.documents import qr
from layanan.documents.models import Document, LetterTemplate, NumberSequence
from layanan.documents.services import DocumentError, document_replace, document_revoke, mask_name
from layanan.documents.signing import validate_pdf
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    awaiting_signature,
    kepala_desa,
    signed,
    signing_ca,
    signing_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def audit_actions(**filters: object) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def test_names_are_masked_after_the_first_name() -> None:
    assert mask_name("Siti Aminah") == "Siti A*****"
    assert mask_name("Siti Nur Aminah") == "Siti N** A*****"
    assert mask_name("Sukarno") == "Sukarno"
    assert mask_name("  ") == ""


def test_signing_with_a_valid_code_issues_a_numbered_signed_stored_document(
    cast, django_capture_on_commit_callbacks
) -> None:
    application = awaiting_signature(cast, name="Putri Lestari")
    official = kepala_desa(cast)

    with django_capture_on_commit_callbacks(execute=True):
        application = signed(application, official)

    document = Document.objects.get(application=application)
    pdf = document.file.read()
    assert application.status == Status.COMPLETED
    assert document.number.startswith("470/001/")
    assert document.state == Document.State.VALID
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (document.file.name or "").startswith("documents/")
    assert (document.signer_name, document.signer) == (official.full_name, official)
    assert document.holder_name_masked == "Putri L******"  # the test form has no "nama": the applicant
    report = validate_pdf(pdf)
    assert report.intact
    assert report.trusted
    assert qr.qr_payload_check(qr.extract_payload(pdf) or "").valid
    assert application.timeline.filter(action="document_issue", message__contains=document.number).exists()
    assert "document.issue" in audit_actions(object_id=str(document.pk))
    assert notices_enqueued()[-2:] == ["completed", "document_ready"]


def test_a_wrong_or_reused_code_is_refused_and_nothing_is_issued(cast) -> None:
    application = awaiting_signature(cast)
    official = kepala_desa(cast)
    code = signing_code(official)

    with pytest.raises(ApplicationError, match="Kode autentikator salah"):
        application_services.application_sign(
            application=application,
            actor=official,
            expected_version=application.version,
            second_factor_code="000000" if code != "000000" else "111111",
        )

    assert application.status == Status.SIGNING
    assert not Document.objects.exists()
    assert not NumberSequence.objects.exists()
    assert "accounts.second_factor_failed" in audit_actions(object_id=str(official.pk))


def test_a_code_cannot_sign_twice(cast) -> None:
    official = kepala_desa(cast)
    first, second = awaiting_signature(cast), awaiting_signature(cast)
    code = signing_code(official)
    application_services.application_sign(
        application=first, actor=official, expected_version=first.version, second_factor_code=code
    )

    with pytest.raises(ApplicationError, match="sudah dipakai"):
        application_services.application_sign(
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
    assert application.timeline.filter(action="sign").count() == 0
    assert not Document.objects.exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()
    problem = AuditEvent.objects.get(action="documents.template_problem")
    assert "unclosed delimiter" in problem.details["problem"]


def test_only_the_offices_signer_may_issue(cast) -> None:
    application = awaiting_signature(cast)

    with pytest.raises(PermissionDenied):
        signed(application, cast.sekar)  # Disdukcapil's signer, not the desa's

    assert not Document.objects.exists()


def test_replacing_issues_a_new_number_and_marks_the_old_one(cast) -> None:
    official = kepala_desa(cast)
    application = signed(awaiting_signature(cast), official)
    old = Document.objects.get(application=application)

    with pytest.raises(DocumentError):
        document_replace(document=old, actor=official, reason="  ")
    with pytest.raises(PermissionDenied):
        document_replace(document=old, actor=cast.rini, reason="Salah ketik alamat.")
    new = document_replace(document=old, actor=official, reason="Salah ketik alamat.")

    old.refresh_from_db()
    assert (old.state, old.replaced_by) == (Document.State.REPLACED, new)
    assert new.state == Document.State.VALID
    assert "/002/" in new.number
    assert "document.replaced" in audit_actions(object_id=str(old.pk))
    assert "document.replace" in audit_actions(object_id=str(new.pk))
    with pytest.raises(DocumentError):
        document_replace(document=old, actor=official, reason="Lagi.")


def test_revoking_needs_a_reason_and_the_right_person(cast) -> None:
    official = kepala_desa(cast)
    document = Document.objects.get(application=signed(awaiting_signature(cast), official))

    with pytest.raises(DocumentError):
        document_revoke(document=document, actor=official, reason="")
    with pytest.raises(PermissionDenied):
        document_revoke(document=document, actor=cast.andi, reason="Tidak berhak.")
    document_revoke(document=document, actor=cast.admin, reason="Diterbitkan untuk orang yang salah.")

    document.refresh_from_db()
    assert document.state == Document.State.REVOKED
    assert document.revoked_reason == "Diterbitkan untuk orang yang salah."
    assert "document.revoke" in audit_actions(object_id=str(document.pk))
    with pytest.raises(DocumentError):
        document_revoke(document=document, actor=official, reason="Lagi.")
