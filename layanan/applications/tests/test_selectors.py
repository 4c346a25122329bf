"""Reads: one application, the citizen's list, the office queue, the timeline, the public status."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layanan.applications import selectors, services
from layanan.applications.models import Application, Status
from layanan.applications.selectors import QUEUE_BUCKETS
from layanan.applications.tests import builders
from layanan.applications.tests.builders import (
    accept_all,
    claimed,
    dukcapil_service,
    reloaded,
    submitted,
    village_letter,
)

pytestmark = pytest.mark.django_db


# --- one application, and the citizen's own --------------------------------------------------------


def test_the_applicant_and_disdukcapil_staff_read_the_application_and_the_bupati_too(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    for reader in (cast.siti, cast.budi, cast.sekar, cast.bupati, cast.auditor, cast.admin):
        assert selectors.application_get(actor=reader, public_id=application.public_id) == application


def test_another_citizen_andi_rini_and_a_visitor_are_refused_sitis_application(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)

    for outsider in (builders.citizen(), cast.andi, cast.rini, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            selectors.application_get(actor=outsider, public_id=application.public_id)


def test_an_unknown_application_is_not_found(cast):
    with pytest.raises(Http404):
        selectors.application_get(actor=cast.siti, public_id=uuid.uuid4())


def test_a_citizen_lists_only_her_own_applications_newest_first(cast):
    service = dukcapil_service(cast.world)
    first = submitted(service, cast.siti)
    second = builders.draft(service, cast.siti)
    submitted(service, builders.citizen())

    assert list(selectors.applications_of_citizen(actor=cast.siti)) == [second, first]
    assert list(selectors.applications_of_citizen(actor=cast.budi)) == []


# --- the office queue ------------------------------------------------------------------------------


def in_every_status(cast):
    """One Disdukcapil application per open status, plus one overdue and one elsewhere."""
    service = dukcapil_service(cast.world)
    new = submitted(service, cast.siti)
    verifying = claimed(submitted(service, cast.siti), cast.budi)
    waiting = claimed(submitted(service, cast.siti), cast.budi)
    waiting = services.application_request_revision(
        application=waiting, actor=cast.budi, expected_version=waiting.version, message="Lengkapi."
    )
    processing = claimed(submitted(service, cast.siti), cast.budi)
    accept_all(processing, cast.budi)
    processing = services.application_process(
        application=processing, actor=cast.budi, expected_version=processing.version
    )
    signing_service = dukcapil_service(cast.world, output="letter")
    signing = claimed(submitted(signing_service, cast.siti), cast.budi)
    accept_all(signing, cast.budi)
    signing = services.application_approve(
        application=signing, actor=cast.budi, expected_version=signing.version
    )
    late = submitted(service, cast.siti)
    Application.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    Application.objects.filter(pk=waiting.pk).update(due_at=timezone.now() - timedelta(days=1))  # paused
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    submitted(village_letter(), villager)
    return {
        "new": new,
        "verifying": verifying,
        "waiting": waiting,
        "processing": processing,
        "signing": signing,
        "late": reloaded(late),
    }


def test_the_queue_counts_every_bucket_and_lists_one_sorted_by_due_time(cast):
    made = in_every_status(cast)

    queue = selectors.office_queue(actor=cast.budi, bucket="new")

    assert queue.office == cast.world.disdukcapil
    assert queue.counts == {
        "new": 2,
        "verifying": 1,
        "waiting_citizen": 1,
        "processing": 1,
        "signing": 1,
        "overdue": 1,  # the late one; the paused one is not counted late
    }
    assert [item.pk for item in queue.items] == [made["late"].pk, made["new"].pk]
    overdue = selectors.office_queue(actor=cast.budi, bucket="overdue")
    assert [item.pk for item in overdue.items] == [made["late"].pk]
    for bucket, key in (("verifying", "verifying"), ("waiting_citizen", "waiting"), ("signing", "signing")):
        assert [i.pk for i in selectors.office_queue(actor=cast.budi, bucket=bucket).items] == [made[key].pk]


def test_the_queue_takes_two_queries_whatever_its_length(cast):
    service = dukcapil_service(cast.world)
    submitted(service, cast.siti)
    with CaptureQueriesContext(connection) as few:
        queue = selectors.office_queue(actor=cast.budi, bucket="new")
        [(item.service.name, item.applicant.full_name) for item in queue.items]
    for _ in range(4):
        submitted(service, cast.siti)
    with CaptureQueriesContext(connection) as many:
        queue = selectors.office_queue(actor=cast.budi, bucket="new")
        [(item.service.name, item.applicant.full_name) for item in queue.items]

    assert len(queue.items) == 5
    assert len(few.captured_queries) == len(many.captured_queries) == 2


def test_rini_sees_the_queue_of_her_desa_and_not_of_disdukcapil(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    letter = submitted(village_letter(), villager)
    submitted(dukcapil_service(cast.world), cast.siti)

    queue = selectors.office_queue(actor=cast.rini)

    assert [item.pk for item in queue.items] == [letter.pk]
    with pytest.raises(PermissionDenied):
        selectors.office_queue(actor=cast.rini, office=cast.world.disdukcapil)
    with pytest.raises(PermissionDenied):
        selectors.office_queue(actor=cast.andi, office=cast.world.disdukcapil)
    with pytest.raises(PermissionDenied):
        selectors.office_queue(actor=cast.siti, office=cast.world.disdukcapil)


def test_the_bupati_reads_any_office_queue_but_has_none_of_his_own(cast):
    submitted(dukcapil_service(cast.world), cast.siti)

    assert selectors.office_queue(actor=cast.bupati, office=cast.world.disdukcapil).counts["new"] == 1
    with pytest.raises(PermissionDenied):
        selectors.office_queue(actor=cast.bupati)


def test_an_unknown_bucket_is_not_found(cast):
    with pytest.raises(Http404):
        selectors.office_queue(actor=cast.budi, bucket="semua")
    assert set(QUEUE_BUCKETS) == {"new", "verifying", "waiting_citizen", "processing", "signing", "overdue"}


# --- the timeline ----------------------------------------------------------------------------------


def test_the_citizen_never_sees_internal_events_and_staff_do(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    services.application_note(application=application, actor=cast.budi, text="Cek ke SIAK dulu.")

    for_siti = selectors.application_timeline(actor=cast.siti, application=application)
    for_budi = selectors.application_timeline(actor=cast.budi, application=application)
    for_bupati = selectors.application_timeline(actor=cast.bupati, application=application)

    assert [e.action for e in for_siti] == ["start", "submit", "claim"]
    assert [e.action for e in for_budi] == ["start", "submit", "claim", "note"]
    assert [e.action for e in for_bupati] == [e.action for e in for_budi]
    with pytest.raises(PermissionDenied):
        selectors.application_timeline(actor=cast.andi, application=application)


def test_a_walk_in_application_hides_internal_events_from_an_operator_outside_the_office(cast):
    villager = builders.citizen(home_region=cast.world.tanjung_raja_desa)
    rini_walk_in = builders.submitted(dukcapil_service(cast.world), villager, actor=cast.rini)
    rini_walk_in = claimed(rini_walk_in, cast.budi)
    services.application_note(application=rini_walk_in, actor=cast.budi, text="Internal.")

    actions = [e.action for e in selectors.application_timeline(actor=cast.rini, application=rini_walk_in)]

    assert "note" not in actions
    assert "claim" in actions


# --- public status ---------------------------------------------------------------------------------


def test_the_status_lookup_answers_with_the_right_last_four_digits_only(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    services.application_note(application=application, actor=cast.budi, text="Rahasia kantor.")
    last4 = cast.siti.phone[-4:]
    messy = str(application.tracking_number).lower().replace("-", " ")

    found = selectors.status_lookup(tracking_number=messy, phone_last4=last4)

    assert found is not None
    assert found.tracking_number == application.tracking_number
    assert found.status_label == Status.VERIFYING.label
    assert found.office_name == cast.world.disdukcapil.name
    assert found.due_at == application.due_at
    assert [text for _when, text in found.steps] == [Status.SUBMITTED.label, Status.VERIFYING.label]
    assert not any("Rahasia" in text for _when, text in found.steps)
    assert cast.siti.full_name not in repr(found)


def test_the_status_lookup_shows_statuses_but_never_the_officers_reasons(cast):
    application = claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    services.application_reject(
        application=application,
        actor=cast.budi,
        expected_version=application.version,
        reason="Nama ibu Siti Aminah di KK berbeda dengan akta nikah.",
    )

    found = selectors.status_lookup(
        tracking_number=str(application.tracking_number), phone_last4=cast.siti.phone[-4:]
    )

    assert found is not None
    assert [text for _when, text in found.steps][-1] == Status.REJECTED.label
    assert not any("Nama ibu" in text or "Siti" in text for _when, text in found.steps)


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("right", "0000"),
        ("right", ""),
        ("right", "12345"),
        ("right", "abcd"),
        ("P-00000-00000", "last4"),
        ("", "last4"),
    ],
)
def test_the_status_lookup_says_nothing_for_any_mismatch(cast, number, digits):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    number = application.tracking_number if number == "right" else number
    digits = cast.siti.phone[-4:] if digits == "last4" else digits
    if digits == cast.siti.phone[-4:] and number == application.tracking_number:
        pytest.fail("the parametrisation must make a mismatch")

    assert selectors.status_lookup(tracking_number=number, phone_last4=digits) is None


def test_a_draft_has_no_public_status(cast):
    application = builders.draft(dukcapil_service(cast.world), cast.siti)
    assert application.tracking_number is None
    assert selectors.status_lookup(tracking_number="", phone_last4=cast.siti.phone[-4:]) is None


# --- attachments -----------------------------------------------------------------------------------


def test_an_attachment_is_for_the_applicant_and_once_submitted_the_handling_staff_only(cast):
    service = dukcapil_service(cast.world)
    application = builders.filled(service, cast.siti)
    services.requirement_provide(
        application=application,
        actor=cast.siti,
        requirement=service.requirements.get(code="ktp"),
        provision="upload",
        upload=builders.png_upload(),
    )
    attachment = application.attachments.get()
    with pytest.raises(PermissionDenied):  # a draft is the citizen's own business
        selectors.attachment_get(actor=cast.budi, attachment_id=attachment.pk)

    services.application_submit(application=application, actor=cast.siti, submit_key=uuid.uuid4())

    for reader in (cast.siti, cast.budi, cast.sekar):
        assert selectors.attachment_get(actor=reader, attachment_id=attachment.pk) == attachment
    for outsider in (cast.andi, cast.rini, cast.bupati, cast.auditor, builders.citizen(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            selectors.attachment_get(actor=outsider, attachment_id=attachment.pk)
    with pytest.raises(Http404):
        selectors.attachment_get(actor=cast.siti, attachment_id=attachment.pk + 1000)


def test_staff_do_not_read_a_draft_even_at_their_office(cast):
    application = builders.draft(dukcapil_service(cast.world), cast.siti)

    assert selectors.application_get(actor=cast.siti, public_id=application.public_id) == application
    for staff_member in (cast.budi, cast.bupati, cast.admin):
        with pytest.raises(PermissionDenied):
            selectors.application_get(actor=staff_member, public_id=application.public_id)
