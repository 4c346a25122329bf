"""The download: a ZIP of data.json and README.txt with my data and nothing of anyone else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.audit.services import audit_record
from layanan.complaints.tests.citizen_builders import other_citizen, report
from layanan.notifications.services import notify
from layanan.privacy.models import PrivacyRequest, RequestKind, RequestStatus
from layanan.servicepoints.services import subscription_add
from layanan.survey.tests.builders import invitation

pytestmark = pytest.mark.django_db
EXPORT = reverse("privacy:export")


def _download(client) -> tuple[dict, str]:
    response = client.post(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="data-saya-')
    assert response["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("data.json")), archive.read("README.txt").decode()


def test_the_export_holds_my_data_and_nothing_of_another_citizen(cast, client):
    cast.siti.nik = "1803020101900001"
    cast.siti.save()
    dewi = other_citizen()
    mine = report(
        cast, anonymous=True, text="Lampu jalan di gang kami mati sejak bulan lalu, mohon diperbaiki."
    )
    theirs = report(cast, reporter=dewi, text="Saluran air di depan rumah Dewi tersumbat sampah sejak lama.")
    notify(to=cast.siti, event="report.closed", data={"tracking_number": mine.tracking_number}, key="x-1")
    notify(to=dewi, event="report.closed", data={"tracking_number": theirs.tracking_number}, key="x-2")
    invitation(cast)
    audit_record(actor=cast.budi, action="complaints.report.view", obj=mine)
    audit_record(actor=cast.budi, action="complaints.report.view", obj=theirs)
    sign_in(client, cast.siti)

    data, readme = _download(client)

    assert data["account"]["full_name"] == "Siti Aminah"
    assert data["account"]["nik"] == "1803********0001"
    assert [r["tracking_number"] for r in data["reports"]] == [mine.tracking_number]
    assert data["reports"][0]["anonymous"] is True
    assert {m["tracking_number"] for m in data["messages"]} == {mine.tracking_number}
    assert "report.closed" in {m["event"] for m in data["messages"]}
    assert len(data["survey_invitations"]) == 1
    assert "answers" not in data["survey_invitations"][0]
    assert [row["about"] for row in data["access_log"]] == [mine.tracking_number]
    assert "name" not in data["access_log"][0]
    text = json.dumps(data)
    assert "Dewi" not in text
    assert theirs.tracking_number not in text
    assert "1803020101900001" not in text
    assert "access_log" in readme
    assert "survey_invitations" in readme


def test_a_download_is_recorded_as_an_answered_access_request_and_audited(cast, client):
    sign_in(client, cast.siti)

    _download(client)

    record = PrivacyRequest.objects.get(citizen=cast.siti)
    assert (record.kind, record.status) == (RequestKind.ACCESS, RequestStatus.DONE)
    assert record.closed_at is not None
    assert AuditEvent.objects.filter(action="privacy.export", object_id=str(record.pk)).count() == 1


def test_the_download_is_a_post_only(cast, client):
    sign_in(client, cast.siti)

    assert client.get(EXPORT).status_code == 405
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize("persona", ["budi", "rini", "admin"])
def test_staff_cannot_download_through_the_citizen_page(cast, client, persona):
    sign_in(client, getattr(cast, persona))

    assert client.post(EXPORT).status_code == 403
    assert not PrivacyRequest.objects.exists()


def test_the_export_lists_my_voice_note_but_not_its_sound(cast, client):
    import uuid

    from layanan.complaints import services
    from layanan.complaints.models import Kind
    from layanan.complaints.tests.citizen_builders import category
    from layanan.testing.audio import voice_upload

    filed = services.report_submit(
        reporter=cast.siti,
        kind=Kind.COMPLAINT,
        category=category(cast),
        text="",
        region=cast.world.kotabumi_pasar,
        voice=voice_upload(),
        submit_key=uuid.uuid4(),
    )
    sign_in(client, cast.siti)

    data, readme = _download(client)

    (listed,) = data["reports"]
    assert listed["tracking_number"] == filed.tracking_number
    assert listed["voice_note"]["seconds"] == 2
    assert listed["voice_note"]["content_type"] == "audio/ogg"
    assert listed["voice_note"]["size"] == filed.voice.size
    assert "voice_note" in readme


def test_the_export_lists_my_announcement_subscriptions_only(cast, client):
    subscription_add(user=cast.siti, region=cast.world.kotabumi)
    subscription_add(user=other_citizen(), region=cast.world.tanjung_raja)
    sign_in(client, cast.siti)

    data, readme = _download(client)

    (listed,) = data["announcement_subscriptions"]
    assert listed["region"] == {"code": "18.03.02", "name": "Kotabumi"}
    assert listed["created_at"]
    assert "Tanjung Raja" not in json.dumps(data["announcement_subscriptions"])
    assert "announcement_subscriptions" in readme
