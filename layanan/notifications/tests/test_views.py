"""The preferences page, the delivery log page, the admin preview, and the delivery-rate figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.audit.models import AuditEvent
from layanan.notifications.models import ContactPreference, Message, MessageStatus, MessageTemplate
from layanan.notifications.selectors import delivery_figures
from layanan.notifications.services import notify

pytestmark = pytest.mark.django_db
PREFERENCES = reverse("notifications:preferences")
LOG = reverse("notifications:message_list")


def test_the_preferences_page_shows_the_default_choices(cast, client):
    sign_in(client, cast.siti)

    response = client.get(PREFERENCES)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1>") == 1
    assert 'value="whatsapp,sms,email" id="id_order_0" required checked' in body
    assert 'name="whatsapp" id="id_whatsapp" checked' in body


def test_saving_preferences_stores_them_audited_and_changes_the_next_message(cast, client):
    sign_in(client, cast.siti)

    response = client.post(
        PREFERENCES, {"order": "sms,whatsapp,email", "sms": "on", "whatsapp": "", "optional_messages": ""}
    )

    assert response.status_code == 302
    preference = ContactPreference.objects.get(user=cast.siti)
    assert preference.order == ["sms", "whatsapp", "email"]
    assert (preference.whatsapp, preference.sms, preference.email) == (False, True, False)
    assert preference.optional_messages is False
    assert AuditEvent.objects.filter(action="notifications.preference.update").count() == 1
    message = notify(to=cast.siti, event="report.closed", data={"tracking_number": "L"}, key="p-1")
    assert message is not None
    assert message.channels == ["sms"]


def test_turning_every_channel_off_is_refused_with_a_plain_message(cast, client):
    sign_in(client, cast.siti)

    response = client.post(PREFERENCES, {"order": "whatsapp,sms,email"})

    assert response.status_code == 200
    assert "Pilih paling sedikit satu saluran" in response.content.decode()
    assert not ContactPreference.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_from_the_preferences_page(client, db):
    response = client.post(PREFERENCES, {"order": "whatsapp,sms,email", "sms": "on"})

    assert response.status_code == 302
    assert "/masuk" in response.url or "login" in response.url or "next=" in response.url
    assert not ContactPreference.objects.exists()


def test_the_delivery_log_lists_messages_and_finds_them_by_phone_and_tracking(cast, client):
    notify(to=cast.siti, event="report.closed", data={"tracking_number": "LAP-9"}, key="a")
    notify(to=cast.budi, event="report.escalated", data={"tracking_number": "LAP-8"}, key="b")
    sign_in(client, cast.auditor)

    everything = client.get(LOG)
    by_phone = client.post(LOG, {"phone": "0812-0000-0001"})
    phone_in_url = client.get(LOG, {"phone": "0812-0000-0001"})
    by_tracking = client.get(LOG, {"tracking_number": "lap-8"})
    bad_date = client.get(LOG, {"day_from": "kemarin"})

    assert everything.status_code == 200
    assert "LAP-9" in everything.content.decode()
    assert "LAP-8" in everything.content.decode()
    assert "LAP-9" in by_phone.content.decode()
    assert "LAP-8" not in by_phone.content.decode()
    assert "LAP-8" in phone_in_url.content.decode()  # a phone in the URL is ignored, never searched
    assert "LAP-8" in by_tracking.content.decode()
    assert "LAP-9" not in by_tracking.content.decode()
    assert bad_date.status_code == 200
    assert "error-summary" in bad_date.content.decode()
    assert cast.siti.phone not in everything.content.decode()
    assert "Siti" not in everything.content.decode()


@pytest.mark.parametrize("persona", ["siti", "budi", "bupati"])
def test_citizens_officers_and_leaders_are_refused_the_delivery_log(cast, client, persona):
    sign_in(client, getattr(cast, persona))

    assert client.get(LOG).status_code == 403
    assert client.post(LOG, {"phone": "0812-0000-0001"}).status_code == 403


def test_the_delivery_log_pages_back_through_older_messages_without_the_phone_in_the_url(cast, client):
    for n in range(55):
        notify(to=cast.siti, event="report.closed", data={"tracking_number": f"OLD-{n}"}, key=f"p{n}")
    sign_in(client, cast.admin)

    first = client.post(LOG, {"phone": "0812-0000-0001"})
    page = first.content.decode()
    assert first.status_code == 200
    assert "OLD-54<" in page
    assert "OLD-4<" not in page  # the 50 newest only
    assert 'name="phone" value="0812-0000-0001"' in page  # the next page keeps the filter, in the body
    before = page.split('name="before" value="')[1].split('"')[0]
    older = client.post(LOG, {"phone": "0812-0000-0001", "before": before})
    assert "OLD-0<" in older.content.decode()
    assert "OLD-54<" not in older.content.decode()


def test_the_delivery_log_query_count_does_not_grow_with_rows(cast, client, django_assert_max_num_queries):
    for n in range(30):
        notify(to=cast.siti, event="report.closed", data={"tracking_number": f"L{n}"}, key=f"q{n}")
    sign_in(client, cast.admin)

    with django_assert_max_num_queries(12):
        assert client.get(LOG).status_code == 200


def test_delivery_figures_count_by_status_and_give_the_rate(cast):
    now = timezone.now()
    for n, status in enumerate(["sent", "delivered", "delivered", "failed", "queued", "skipped"]):
        Message.objects.create(key=f"f{n}", event="report.closed", status=status)
    Message.objects.create(
        key="old", event="report.closed", status="failed", created_at=now - timedelta(days=40)
    )

    figures = delivery_figures(actor=cast.bupati, start=now - timedelta(days=1), end=now + timedelta(days=1))

    assert (figures.sent, figures.delivered, figures.failed, figures.queued, figures.skipped) == (
        1,
        2,
        1,
        1,
        1,
    )
    assert figures.rate == 0.75
    with pytest.raises(PermissionDenied):
        delivery_figures(actor=cast.siti, start=now, end=now)


def test_the_admin_previews_a_template_with_its_sms_length(cast, client):
    template = MessageTemplate.objects.create(
        event="report.closed", channel="sms", language="id", body="Laporan {tracking_number} selesai. " * 12
    )
    client.force_login(cast.admin)
    sign_in(client, cast.admin)

    response = client.get(reverse("admin:notifications_messagetemplate_change", args=[template.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "PMH-2026-000123-K" in body
    assert "lebih dari 2 bagian SMS" in body


def test_the_admin_refuses_a_template_with_an_unknown_placeholder(cast, client):
    sign_in(client, cast.admin)

    response = client.post(
        reverse("admin:notifications_messagetemplate_add"),
        {"event": "report.closed", "channel": "sms", "language": "id", "body": "NIK {nik}", "subject": ""},
    )

    assert response.status_code == 200
    assert "Isian tidak dikenal" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    assert MessageStatus.QUEUED  # the module's enum is importable for the log page
