"""Issuing a letter from the data its caller hands over, replacing and revoking it."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from layanan.audit.models import AuditEvent
from layanan.documents import qr
from layanan.documents.models import Document, NumberSequence
from layanan.documents.rendering import TemplateProblem
from layanan.documents.services import DocumentError, document_replace, document_revoke, mask_name
from layanan.documents.signing import validate_pdf
from layanan.documents.tests.render_builders import (  # noqa: F401  # fixtures
    TEST_KIND,
    RecordingSource,
    issued,
    issued_by,
    letter_of,
    signing_ca,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def audit_actions(document: Document) -> list[str]:
    rows = AuditEvent.objects.filter(object_type="documents.document", object_id=str(document.pk))
    return list(rows.order_by("id").values_list("action", flat=True))


def test_names_are_masked_after_the_first_name() -> None:
    assert mask_name("Siti Aminah") == "Siti A*****"
    assert mask_name("Siti Nur Aminah") == "Siti N** A*****"
    assert mask_name("Sukarno") == "Sukarno"
    assert mask_name("  ") == ""


def test_issuing_makes_a_numbered_signed_stored_document_for_its_owner(cast) -> None:
    document = issued(cast, owner_agent=cast.rini)

    document.refresh_from_db()
    pdf = document.file.read()
    assert document.number.startswith("470/001/")
    assert document.state == Document.State.VALID
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (document.file.name or "").startswith("documents/")
    assert (document.signer_name, document.signer) == (cast.sekar.full_name, cast.sekar)
    assert (document.owner, document.owner_agent) == (cast.siti, cast.rini)
    assert (document.kind, document.reference) == (TEST_KIND, "P-UJI-00001")
    assert (document.office, document.service) == (cast.world.disdukcapil, letter_of(cast).service)
    assert document.holder_name_masked == "Putri L******"
    report = validate_pdf(pdf)
    assert report.intact
    assert report.trusted
    assert qr.qr_payload_check(qr.extract_payload(pdf) or "").valid
    assert audit_actions(document) == ["documents.issue"]


def test_a_broken_template_issues_nothing_and_uses_up_no_number(cast) -> None:
    template = letter_of(cast)
    template.body = "#let broken = ("
    template.save()

    with pytest.raises(TemplateProblem, match="unclosed delimiter"):
        issued(cast)

    assert not Document.objects.exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()


def test_only_the_offices_signer_may_issue(cast) -> None:
    template = letter_of(cast)

    with pytest.raises(PermissionDenied):
        issued_by(cast.budi, office=cast.world.disdukcapil, template=template, owner=cast.siti)
    with pytest.raises(PermissionDenied):
        issued_by(cast.sekar, office=cast.world.pupr, template=template, owner=cast.siti)

    assert not Document.objects.exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()


def test_replacing_issues_a_new_number_through_the_source_and_marks_the_old_one(
    cast, test_source: RecordingSource
) -> None:
    old = issued(cast)

    with pytest.raises(DocumentError):
        document_replace(document=old, actor=cast.sekar, reason="  ")
    with pytest.raises(PermissionDenied):
        document_replace(document=old, actor=cast.budi, reason="Salah ketik alamat.")
    new = document_replace(document=old, actor=cast.sekar, reason="Salah ketik alamat.")

    old.refresh_from_db()
    assert (old.state, old.replaced_by, old.revoked_reason) == (
        Document.State.REPLACED,
        new,
        "Salah ketik alamat.",
    )
    assert (new.state, new.owner, new.kind) == (Document.State.VALID, cast.siti, TEST_KIND)
    assert "/002/" in new.number
    assert audit_actions(old) == ["documents.issue", "documents.replaced"]
    assert audit_actions(new) == ["documents.replace"]
    assert AuditEvent.objects.get(action="documents.replace").details["replaces"] == old.public_code
    with pytest.raises(DocumentError):
        document_replace(document=old, actor=cast.sekar, reason="Lagi.")


def test_revoking_needs_a_reason_and_the_right_person_and_tells_the_source(
    cast, test_source: RecordingSource
) -> None:
    document = issued(cast)

    with pytest.raises(DocumentError):
        document_revoke(document=document, actor=cast.sekar, reason="")
    with pytest.raises(PermissionDenied):
        document_revoke(document=document, actor=cast.andi, reason="Tidak berhak.")
    document_revoke(document=document, actor=cast.admin, reason="Diterbitkan untuk orang yang salah.")

    document.refresh_from_db()
    assert document.state == Document.State.REVOKED
    assert document.revoked_reason == "Diterbitkan untuk orang yang salah."
    assert "documents.revoke" in audit_actions(document)
    assert [(d.pk, a, r) for d, a, r in test_source.revoked_calls] == [
        (document.pk, cast.admin, "Diterbitkan untuk orang yang salah.")
    ]
    with pytest.raises(DocumentError):
        document_revoke(document=document, actor=cast.sekar, reason="Lagi.")


def test_a_kind_without_a_registered_source_fails_loudly_and_changes_nothing(cast) -> None:
    document = issued(cast)  # kind "test", no source registered in this test

    with pytest.raises(ImproperlyConfigured, match="no document source registered for kind 'test'"):
        document_revoke(document=document, actor=cast.admin, reason="Salah orang.")

    document.refresh_from_db()
    assert document.state == Document.State.VALID
    assert audit_actions(document) == ["documents.issue"]
