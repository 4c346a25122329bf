"""Deletion (Pasal 8): what the regency may delete is anonymised; what it must keep stays."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.urls import reverse

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.applications.models import Application
from layanan.applications.tests import builders as application_builders
from layanan.audit.models import AuditEvent
from layanan.complaints.models import Report
from layanan.complaints.tests.citizen_builders import report
from layanan.core.audio import clean_voice
from layanan.inbound.models import Channel, InboundMessage, InboundVoice, Outcome
from layanan.inbound.services import sender_hash_of
from layanan.inbound.voices import voice_keep
from layanan.notifications.models import Message
from layanan.notifications.services import notify
from layanan.privacy.models import PrivacyRequest, RequestKind, RequestStatus
from layanan.privacy.selectors import has_consent
from layanan.privacy.services import account_anonymise
from layanan.privacy.tests.builders import privacy_request
from layanan.servicepoints.models import Subscription
from layanan.servicepoints.services import subscription_add
from layanan.testing.audio import voice_upload

pytestmark = pytest.mark.django_db


def test_erasing_anonymises_the_account_and_keeps_the_archived_records(cast, client):
    siti = cast.siti
    siti.nik = "1803020101900001"
    siti.email = "siti@example.test"
    siti.save()
    built = application_builders.dukcapil_service(cast.world)
    kept = application_builders.submitted(built, siti)
    draft = application_builders.draft(built, siti)
    filed = report(cast)
    Report.objects.filter(pk=filed.pk).update(rating_comment="Petugasnya ramah sekali, Ibu Siti senang.")
    notify(to=siti, event="report.closed", data={"tracking_number": filed.tracking_number}, key="e-1")
    subscription_add(user=siti, region=cast.world.kotabumi)
    sign_in(client, siti)  # a live session to be ended
    record = privacy_request(siti, kind=RequestKind.DELETION)
    officer = client.__class__()
    sign_in(officer, cast.admin)

    response = officer.post(
        reverse("privacy:request_detail", kwargs={"public_id": record.public_id}), {"step": "erase"}
    )

    assert response.status_code == 302
    siti = User.objects.get(pk=siti.pk)
    assert siti.full_name == "Warga terhapus"
    assert (siti.email, siti.nik, siti.nik_hash, siti.birth_date, siti.home_region) == (
        None,
        "",
        "",
        None,
        None,
    )
    assert siti.phone.startswith("+00")
    assert not siti.is_active
    assert not siti.has_usable_password()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert Application.objects.filter(pk=kept.pk, applicant=siti).exists()  # archival rules
    filed.refresh_from_db()
    assert filed.text  # the complaint record stays
    assert filed.rating_comment == ""  # the free comment goes
    message = Message.objects.get(key="e-1")
    assert (message.phone, message.email, message.data) == ("", "", "")
    assert not any(str(s.get_decoded().get("_auth_user_id")) == str(siti.pk) for s in Session.objects.all())
    assert not has_consent(siti, "survey")
    assert not Subscription.objects.filter(user=siti).exists()
    record.refresh_from_db()
    assert record.status == RequestStatus.DONE
    assert "aturan arsip" in record.answer
    erased = AuditEvent.objects.get(action="privacy.erase", object_id=str(siti.pk))
    assert erased.details["counts"]["drafts"] >= 1
    assert AuditEvent.objects.filter(action="privacy.request.erase", actor=cast.admin).count() == 1


def test_only_a_deletion_request_can_erase(cast, client):
    record = privacy_request(cast.siti, kind=RequestKind.CORRECTION)
    sign_in(client, cast.admin)

    response = client.post(
        reverse("privacy:request_detail", kwargs={"public_id": record.public_id}), {"step": "erase"}
    )

    assert response.status_code == 200
    cast.siti.refresh_from_db()
    assert cast.siti.full_name == "Siti Aminah"
    assert PrivacyRequest.objects.get().status == RequestStatus.RECEIVED


def test_erasing_deletes_a_voice_message_kept_for_the_next_aduan(cast, django_capture_on_commit_callbacks):
    message = InboundMessage.objects.create(
        channel=Channel.WHATSAPP,
        gateway_id="wamid.kept",
        sender=cast.siti.phone,
        sender_hash=sender_hash_of(cast.siti.phone),
        outcome=Outcome.VOICE,
        audio_id="MEDIA-1",
    )
    kept = voice_keep(message=message, voice=clean_voice(voice_upload()))
    name = kept.file.name
    other = InboundMessage.objects.create(
        channel=Channel.WHATSAPP,
        gateway_id="wamid.other",
        sender=cast.budi.phone,
        sender_hash=sender_hash_of(cast.budi.phone),
        outcome=Outcome.VOICE,
    )
    budi_voice = voice_keep(message=other, voice=clean_voice(voice_upload()))

    with django_capture_on_commit_callbacks(execute=True):
        counts = account_anonymise(citizen=cast.siti, actor=cast.admin)

    assert counts["inbound_voices"] == 1
    assert not InboundVoice.objects.filter(pk=kept.pk).exists()
    assert name
    assert not default_storage.exists(name)
    assert InboundVoice.objects.filter(pk=budi_voice.pk).exists()  # only the erased person's


def test_erasing_ends_the_announcement_subscriptions_of_that_person_only(cast):
    subscription_add(user=cast.siti, region=cast.world.kotabumi)
    subscription_add(user=cast.siti, region=cast.world.regency)
    subscription_add(user=cast.budi, region=cast.world.kotabumi)

    counts = account_anonymise(citizen=cast.siti, actor=cast.admin)

    assert counts["announcement_subscriptions"] == 2
    assert not Subscription.objects.filter(user=cast.siti).exists()
    assert Subscription.objects.filter(user=cast.budi).count() == 1
