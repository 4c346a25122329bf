"""Who may see who sent a report (``layanan/complaints/disclosure.py``), surface by surface.

The walk over every page is ``tests/test_identity_walk.py``; these pin each surface's behaviour.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.complaints import services
from layanan.complaints.disclosure import may_see_reporter
from layanan.complaints.tests.citizen_builders import answered, report
from layanan.identity.services import citizen_identity_set
from layanan.notifications.models import Message
from layanan.notifications.services import notify
from layanan.survey.services import invitation_for_report

pytestmark = pytest.mark.django_db
AUDIT = reverse("audit:event_list")
LOG = reverse("notifications:message_list")


def _page(client, user, url, params=None):
    sign_in(client, user)
    response = client.get(url, params or {})
    return response, response.content.decode()


def test_only_the_reporter_may_be_shown_who_sent_a_report(cast):
    mine = report(cast)
    assert may_see_reporter(cast.siti, mine)
    for persona in ("admin", "auditor", "budi", "andi", "rini", "bupati", "sekar"):
        assert not may_see_reporter(getattr(cast, persona), mine), persona


def test_the_audit_log_shows_the_reporter_as_pelapor_and_keeps_naming_staff(client, cast):
    named = report(cast, confidential=True)
    report(cast, anonymous=True, text="Jalan di dusun tiga longsor setelah hujan deras semalam.")
    services.report_verify(
        report=named, actor=cast.admin, expected_version=named.version, office=cast.world.pupr
    )

    response, body = _page(client, cast.auditor, AUDIT)

    assert response.status_code == 200
    assert "Siti Aminah" not in body
    assert "Pelapor (anonim)" in body
    assert ">Pelapor<" in body or "Pelapor</td>" in body
    assert f"?actor={cast.siti.pk}" not in body  # no link from the report's rows to her account
    assert "Ayu Administrator" in body  # staff who acted are named as ever
    assert AuditEvent.objects.filter(action="complaints.submit").count() == 2


def test_searching_the_audit_log_by_the_reporter_leaves_out_her_reports(client, cast):
    report(cast)
    citizen_identity_set(user=cast.siti, nik="1803024107900003", actor=cast.siti)

    response, body = _page(client, cast.admin, AUDIT, {"actor": cast.siti.pk})

    assert response.status_code == 200
    assert "identity.set" in body  # her own account's events stay findable
    assert "complaints.submit" not in body
    assert "Siti Aminah" not in body  # citizens are named by account, not by name


def test_the_audit_admin_hides_the_reporter_of_a_report_event(client, cast):
    filed = report(cast)
    event = AuditEvent.objects.get(action="complaints.submit", object_id=str(filed.pk))
    sign_in(client, cast.admin)

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))

    assert listing.status_code == change.status_code == 200
    for page in (listing, change):
        body = page.content.decode()
        assert "Siti Aminah" not in body
        assert "Pelapor" in body


def test_a_phone_search_of_the_message_log_finds_no_notice_about_a_report(client, cast):
    filed = report(cast, anonymous=True)
    notify(to=cast.siti, event="report.closed", data={"tracking_number": "P-LAIN"}, key="other-1")
    about_report = Message.objects.filter(tracking_number=filed.tracking_number)
    assert about_report.exists(), "the reporter was told her report arrived"
    count = Message.objects.count()
    sign_in(client, cast.auditor)

    by_phone = client.post(LOG, {"phone": cast.siti.phone})
    by_number = client.post(LOG, {"tracking_number": filed.tracking_number})
    both = client.post(LOG, {"phone": cast.siti.phone, "tracking_number": filed.tracking_number})

    assert by_phone.status_code == by_number.status_code == both.status_code == 200
    assert filed.tracking_number not in by_phone.content.decode()
    assert "P-LAIN" in by_phone.content.decode()  # the person's other messages are still found
    assert f"<td>{filed.tracking_number}</td>" in by_number.content.decode()  # by number: no phone
    assert f"<td>{filed.tracking_number}</td>" not in both.content.decode()  # only the typed filter
    assert Message.objects.count() == count


def test_the_message_log_stays_closed_to_officers(client, cast):
    report(cast)
    sign_in(client, cast.budi)
    assert client.post(LOG, {"phone": cast.siti.phone}).status_code == 403


def test_the_survey_invitation_admin_never_names_the_respondent(client, cast):
    invitation = invitation_for_report(report_id=answered(report(cast, anonymous=True)).pk)
    assert invitation is not None
    sign_in(client, cast.admin)

    change = client.get(reverse("admin:survey_invitation_change", args=[invitation.pk]))
    listing = client.get(reverse("admin:survey_invitation_changelist"), {"q": cast.siti.phone})

    assert change.status_code == listing.status_code == 200
    assert invitation.tracking_number in change.content.decode()
    assert "Siti Aminah" not in change.content.decode()
    assert invitation.tracking_number not in listing.content.decode()
