"""Consent: withdrawn on the page, in force at once, kept as a history; survey invitations ask it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.applications.models import Status, TimelineEvent
from layanan.audit.models import AuditEvent
from layanan.complaints.tests.citizen_builders import other_citizen
from layanan.notifications.models import ContactPreference
from layanan.privacy.models import Consent, PrivacyRequest, RequestKind, RequestStatus
from layanan.privacy.selectors import consents, has_consent
from layanan.privacy.services import consent_set
from layanan.survey.models import Invitation
from layanan.survey.tasks import survey_invitations_backfill
from layanan.survey.tests.builders import completed_application

pytestmark = pytest.mark.django_db
CONSENT = reverse("privacy:consent")


def test_withdrawing_on_the_page_takes_effect_at_once_and_is_recorded(cast, client):
    sign_in(client, cast.siti)
    assert has_consent(cast.siti, "survey")

    response = client.post(CONSENT, {"announcements": "on", "research": "on"})  # survey unticked

    assert response.status_code == 302
    assert consents(cast.siti) == {"survey": False, "announcements": True, "research": True}
    consent = Consent.objects.get()
    assert (consent.purpose, consent.given, consent.via) == ("survey", False, "web")
    record = PrivacyRequest.objects.get()
    assert (record.kind, record.status, record.items) == (
        RequestKind.WITHDRAWAL,
        RequestStatus.DONE,
        ["survey"],
    )
    assert AuditEvent.objects.filter(action="privacy.consent.withdraw", actor=cast.siti).count() == 1


def test_giving_it_back_adds_to_the_history(cast, client):
    sign_in(client, cast.siti)
    client.post(CONSENT, {"announcements": "on", "research": "on"})

    client.post(CONSENT, {"survey": "on", "announcements": "on", "research": "on"})

    assert has_consent(cast.siti, "survey")
    assert list(Consent.objects.order_by("pk").values_list("given", flat=True)) == [False, True]
    assert "setuju" in client.get(CONSENT).content.decode()


def test_saving_the_same_answers_records_nothing(cast, client):
    sign_in(client, cast.siti)

    client.post(CONSENT, {"survey": "on", "announcements": "on", "research": "on"})

    assert not Consent.objects.exists()
    assert not PrivacyRequest.objects.exists()


def test_stopping_optional_messages_counts_as_no_consent_to_message_purposes(cast):
    ContactPreference.objects.create(user=cast.siti, optional_messages=False)

    assert consents(cast.siti) == {"survey": False, "announcements": False, "research": True}


def test_one_citizens_withdrawal_does_not_touch_another(cast):
    dewi = other_citizen()

    consent_set(user=cast.siti, purpose="survey", given=False)

    assert not has_consent(cast.siti, "survey")
    assert has_consent(dewi, "survey")


@pytest.mark.parametrize("persona", ["budi", "rini", "admin"])
def test_staff_have_no_consent_page(cast, client, persona):
    sign_in(client, getattr(cast, persona))

    assert client.post(CONSENT, {}).status_code == 403
    assert not Consent.objects.exists()


def test_no_survey_invitation_is_made_after_consent_is_withdrawn(cast, django_capture_on_commit_callbacks):
    consent_set(user=cast.siti, purpose="survey", given=False)
    dewi = other_citizen()
    withdrawn = completed_application(cast.siti, office=cast.world.disdukcapil)
    consenting = completed_application(dewi, office=cast.world.disdukcapil)

    with django_capture_on_commit_callbacks(execute=True):
        for application in (withdrawn, consenting):
            TimelineEvent.objects.create(
                application=application,
                action="approve",
                from_status="processing",
                to_status=Status.COMPLETED,
            )

    assert list(Invitation.objects.values_list("respondent", flat=True)) == [dewi.pk]


def test_the_backfill_skips_people_who_withdrew_consent(cast):
    consent_set(user=cast.siti, purpose="survey", given=False)
    completed_application(cast.siti, office=cast.world.disdukcapil)

    assert survey_invitations_backfill.call() == 0
    assert not Invitation.objects.exists()

    consent_set(user=cast.siti, purpose="survey", given=True)

    assert survey_invitations_backfill.call() == 1


def test_the_page_says_when_optional_messages_are_switched_off(cast, client):
    ContactPreference.objects.create(user=cast.siti, optional_messages=False)
    sign_in(client, cast.siti)

    response = client.get(CONSENT)

    assert response.status_code == 200
    assert "Anda mematikan pesan tambahan" in response.content.decode()
    assert reverse("notifications:preferences") in response.content.decode()
