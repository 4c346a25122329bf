"""Practice reports (practice mode, docs/practice-mode.md): the reporter's alone, told to nobody,
on no desk, queue, public list or deadline sweep, and deleted after their days.

Each test puts a practice report beside a real twin and checks the twin is where the practice one
is not, so a filter that left out everything would fail too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.audit.models import AuditEvent
from layanan.complaints import selectors, services
from layanan.complaints.models import Report, Status
from layanan.complaints.tasks import reports_escalate_breaches, reports_practice_purge_due
from layanan.complaints.tests import citizen_builders as build
from layanan.notifications.models import Message
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

NEW = reverse("complaints:new")
PRACTICE = reverse("core:practice")


def in_practice(client: Client) -> Client:
    response = client.post(PRACTICE, {"on": "1"})
    assert response.status_code == 302
    return client


def practice_report(cast: Cast, **extra: Any) -> Report:
    report = build.report(cast, **extra)
    Report.objects.filter(pk=report.pk).update(practice=True)
    report.refresh_from_db()
    return report


def test_a_report_sent_in_practice_mode_is_marked_shown_as_practice_and_tells_nobody(cast: Cast) -> None:
    client = in_practice(build.client_of(cast.siti))
    response = client.post(NEW, build.form_data(cast))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.practice is True
    assert report.tracking_number
    assert report.suggested_office is None  # no routing suggestion either
    assert not Message.objects.exists()  # no SMS, WhatsApp or email "received"
    done = client.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert report.tracking_number in html
    assert "Latihan" in html
    assert "Mode latihan: tidak ada yang dikirim ke kantor mana pun" in html
    assert "kami juga mengirimkannya ke nomor HP Anda" not in html  # no SMS is sent
    mine = client.get(reverse("complaints:mine")).content.decode()
    assert report.tracking_number in mine
    assert "tag--practice" in mine
    # Another citizen cannot open it.
    other = build.client_of(build.other_citizen())
    assert other.get(reverse("complaints:detail", args=[report.public_id])).status_code in (403, 404)


def test_a_report_sent_without_practice_mode_is_real_and_tells_its_reporter(cast: Cast) -> None:
    response = build.client_of(cast.siti).post(NEW, build.form_data(cast))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.practice is False
    assert Message.objects.filter(event="report.received").exists()
    assert "tag--practice" not in build.client_of(cast.siti).get(reverse("complaints:mine")).content.decode()


def test_the_coordinator_never_sees_nor_verifies_a_practice_report(cast: Cast) -> None:
    real = build.report(cast)
    practice = practice_report(cast)
    assert [r.pk for r in selectors.verification_queue(actor=cast.admin)] == [real.pk]
    desk = build.client_of(cast.admin).get(reverse("complaints:desk"))
    assert desk.status_code == 200
    assert real.tracking_number in desk.content.decode()
    assert practice.tracking_number not in desk.content.decode()
    for user in (cast.admin, cast.auditor, cast.budi, cast.andi):
        page = build.client_of(user).get(reverse("complaints:staff_report", args=[practice.public_id]))
        assert page.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.report_verify(report=practice, actor=cast.admin, expected_version=practice.version)
    practice.refresh_from_db()
    assert practice.status == Status.RECEIVED
    assert not practice.dispositions.exists()


def test_a_practice_report_is_never_on_the_public_list_nor_among_similar_reports(cast: Cast) -> None:
    real = build.verified(build.report(cast))
    practice = build.verified(practice_report(cast))
    listed = list(selectors.public_reports())
    assert real in listed
    assert practice not in listed
    html = build.client_of(None).get(reverse("complaints:public_list")).content.decode()
    assert str(real.public_id) in html
    assert str(practice.public_id) not in html
    public = reverse("complaints:public_detail", args=[practice.public_id])
    assert build.client_of(None).get(public).status_code == 404
    similar = selectors.similar_open_reports(category=real.category, region=real.region, text=real.text)
    assert real in similar
    assert practice not in similar


def test_nobody_can_support_a_practice_report(cast: Cast) -> None:
    practice = practice_report(cast)
    other = build.other_citizen()
    response = build.client_of(other).post(reverse("complaints:support", args=[practice.public_id]))
    assert response.status_code == 404
    assert not practice.supports.exists()


def test_in_practice_mode_a_real_report_is_not_supported_and_its_reporter_is_not_told(cast: Cast) -> None:
    real = build.report(cast)
    Message.objects.all().delete()
    other = build.other_citizen()
    client = in_practice(build.client_of(other))

    response = client.post(reverse("complaints:support", args=[real.public_id]), follow=True)

    assert response.status_code == 200
    assert "Dalam mode latihan, dukungan tidak dicatat." in response.content.decode()
    assert not real.supports.exists()
    assert not Message.objects.exists()
    # Out of practice mode, the same press counts.
    assert client.post(PRACTICE, {"on": ""}).status_code == 302
    assert client.post(reverse("complaints:support", args=[real.public_id])).status_code == 302
    assert real.supports.filter(user=other).exists()


def test_a_practice_report_past_its_deadline_is_not_escalated(cast: Cast) -> None:
    real = build.report(cast)
    practice = practice_report(cast)
    past = timezone.now() - timedelta(days=1)
    Report.objects.filter(pk__in=[real.pk, practice.pk]).update(verify_due_at=past)
    Message.objects.all().delete()
    assert reports_escalate_breaches.call() == 1
    real.refresh_from_db()
    practice.refresh_from_db()
    assert real.breach_notified_at is not None
    assert practice.breach_notified_at is None
    assert not Message.objects.filter(key__startswith=f"report:{practice.pk}:").exists()


def test_the_tracking_page_marks_a_practice_report(cast: Cast) -> None:
    practice = practice_report(cast)
    response = Client().post(
        reverse("applications:lookup"),
        {"tracking_number": practice.tracking_number, "phone_last4": cast.siti.phone[-4:]},
    )
    assert response.status_code == 200
    assert "tag--practice" in response.content.decode()


def test_practice_reports_older_than_the_kept_days_are_deleted_and_real_ones_stay(
    cast: Cast, settings: Any
) -> None:
    settings.PRACTICE_KEEP_DAYS = 7
    old_real = build.report(cast)
    old_practice = practice_report(cast, photos=[build.photo_upload(build.jpeg())])
    new_practice = practice_report(cast)
    photo = old_practice.photos.get()
    storage, name = photo.file.storage, str(photo.file.name)
    assert storage.exists(name)
    long_ago = timezone.now() - timedelta(days=8)
    Report.objects.filter(pk__in=[old_real.pk, old_practice.pk]).update(received_at=long_ago)
    assert reports_practice_purge_due.call() == 1
    assert set(Report.objects.values_list("pk", flat=True)) == {old_real.pk, new_practice.pk}
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(action="complaints.practice_purge").count() == 1
    assert reports_practice_purge_due.call() == 0  # safe to run twice
