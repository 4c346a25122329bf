"""Requests: a citizen asks to correct or delete; the data-protection officer answers; others refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.complaints.tests.citizen_builders import other_citizen
from layanan.notifications.models import Message
from layanan.privacy.models import PrivacyRequest, RequestKind, RequestStatus
from layanan.privacy.tests.builders import privacy_request

pytestmark = pytest.mark.django_db
NEW = reverse("privacy:request_new")
QUEUE = reverse("privacy:request_list")


def _detail(record: PrivacyRequest) -> str:
    return reverse("privacy:request_detail", kwargs={"public_id": record.public_id})


def test_a_citizen_asks_for_a_correction_and_the_officers_are_told(cast, client):
    sign_in(client, cast.siti)

    response = client.post(
        NEW, {"kind": "correction", "items": ["name"], "details": "Nama saya Siti Aminah Putri."}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:my_data")
    record = PrivacyRequest.objects.get()
    assert (record.citizen, record.kind, record.status) == (cast.siti, RequestKind.CORRECTION, "received")
    assert record.items == ["name"]
    assert record.details == "Nama saya Siti Aminah Putri."
    assert (record.due_at - record.received_at).total_seconds() == 72 * 3600
    assert AuditEvent.objects.filter(action="privacy.request.submit", object_id=str(record.pk)).count() == 1
    told = Message.objects.filter(event="privacy.request_received")
    assert [m.recipient for m in told] == [cast.admin]
    assert "Siti" not in told.get().tracking_number


def test_a_correction_without_words_is_refused_with_a_plain_message(cast, client):
    sign_in(client, cast.siti)

    response = client.post(NEW, {"kind": "correction", "details": " "})

    assert response.status_code == 200
    assert "Tuliskan data mana yang salah" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_a_deletion_request_needs_the_citizen_to_say_they_understand(cast, client):
    sign_in(client, cast.siti)

    refused = client.post(NEW, {"kind": "deletion"})
    accepted = client.post(NEW, {"kind": "deletion", "understood": "on"})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert PrivacyRequest.objects.get().kind == RequestKind.DELETION


def test_the_request_page_shows_what_must_be_kept_and_how_long(cast, client):
    sign_in(client, cast.siti)

    body = client.get(NEW).content.decode()

    assert "Jadwal Retensi Arsip" in body
    assert "3650 hari" in body


@pytest.mark.parametrize("persona", ["budi", "rini", "admin"])
def test_staff_cannot_file_a_request_as_a_citizen(cast, client, persona):
    sign_in(client, getattr(cast, persona))

    assert client.post(NEW, {"kind": "deletion", "understood": "on"}).status_code == 403
    assert not PrivacyRequest.objects.exists()


def test_the_officer_sees_the_queue_and_answers_a_request(cast, client):
    record = privacy_request(cast.siti)
    sign_in(client, cast.admin)

    listed = client.get(QUEUE)
    answered = client.post(_detail(record), {"step": "complete", "answer": "Nama Anda sudah diperbaiki."})

    assert listed.status_code == 200
    assert record.reference in listed.content.decode()
    assert answered.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.handled_by, record.answer) == (
        RequestStatus.DONE,
        cast.admin,
        "Nama Anda sudah diperbaiki.",
    )
    assert record.closed_at is not None
    assert AuditEvent.objects.filter(action="privacy.request.complete", actor=cast.admin).count() == 1
    assert Message.objects.get(event="privacy.request_answered").recipient == cast.siti


def test_a_step_the_status_does_not_allow_is_refused(cast, client):
    record = privacy_request(cast.siti, status=RequestStatus.DONE)
    sign_in(client, cast.admin)

    response = client.post(_detail(record), {"step": "refuse", "answer": "Tidak."})

    assert response.status_code == 200
    assert "tidak dapat dilakukan" in response.content.decode()
    record.refresh_from_db()
    assert record.status == RequestStatus.DONE
    assert not AuditEvent.objects.filter(action__startswith="privacy.request.").exists()


def test_the_auditor_reads_the_queue_but_cannot_handle_a_request(cast, client):
    record = privacy_request(cast.siti)
    sign_in(client, cast.auditor)

    assert client.get(QUEUE).status_code == 200
    assert client.get(_detail(record)).status_code == 200
    assert client.post(_detail(record), {"step": "start"}).status_code == 403
    record.refresh_from_db()
    assert record.status == RequestStatus.RECEIVED


@pytest.mark.parametrize("persona", ["siti", "budi", "rini", "bupati", "sekar"])
def test_operators_officers_and_citizens_cannot_handle_privacy_requests(cast, client, persona):
    record = privacy_request(cast.siti)
    sign_in(client, getattr(cast, persona))

    assert client.get(QUEUE).status_code == 403
    assert client.get(_detail(record)).status_code == 403
    assert client.post(_detail(record), {"step": "complete", "answer": "x"}).status_code == 403
    record.refresh_from_db()
    assert record.status == RequestStatus.RECEIVED


def test_another_citizen_does_not_see_my_request(cast, client):
    record = privacy_request(cast.siti)
    sign_in(client, other_citizen())

    assert record.reference not in client.get(reverse("privacy:my_data")).content.decode()
    assert client.get(_detail(record)).status_code == 403


def test_the_queue_makes_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries):
    for _ in range(8):
        privacy_request(cast.siti)
    sign_in(client, cast.admin)

    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)

    assert response.status_code == 200
    assert response.content.decode().count("PDP-") == 8
