"""Practice applications (practice mode, docs/practice-mode.md): the applicant's alone, told to
nobody, in no office's queue or deadline sweep, and deleted after their days.

Each test puts a practice application beside a real twin and checks the twin is where the practice
one is not, so a filter that left out everything would fail too.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.applications import selectors, services
from layanan.applications.models import Application, Attachment, Status
from layanan.applications.tasks import applications_escalate_breaches, applications_practice_purge_due
from layanan.applications.tests import builders as b
from layanan.audit.models import AuditEvent
from layanan.catalogue.models import Service
from layanan.notifications.models import Message
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def practice_submitted(service: Service, applicant: User, *, upload: bool = False) -> Application:
    """A practice application through the real services (the first requirement uploaded when ``upload``)."""
    application = services.application_start(
        service=service, applicant=applicant, actor=applicant, practice=True
    )
    for step, answers in b.ANSWERS.items():
        services.application_save_step(application=application, actor=applicant, step=step, answers=answers)
    for number, requirement in enumerate(service.requirements.order_by("order", "pk")):
        if upload and number == 0:
            services.requirement_provide(
                application=application,
                actor=applicant,
                requirement=requirement,
                provision="upload",
                upload=b.png_upload(),
            )
            continue
        services.requirement_provide(
            application=application, actor=applicant, requirement=requirement, provision="paper"
        )
    return services.application_submit(application=application, actor=applicant, submit_key=uuid.uuid4())


def test_an_application_started_in_practice_mode_is_marked_and_shown_as_practice(cast: Cast) -> None:
    service = b.dukcapil_service(cast.world)
    client = client_of(cast.siti)
    assert client.post(reverse("core:practice"), {"on": "1"}).status_code == 302
    response = client.post(reverse("applications:start", args=[service.slug]))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.practice is True
    real = b.submitted(service, cast.siti)
    assert real.practice is False
    mine = client.get(reverse("applications:mine")).content.decode()
    assert mine.count("tag--practice") == 1  # the practice draft, not the real twin
    detail = client.get(reverse("applications:detail", args=[application.public_id]))
    assert detail.status_code == 200
    assert "Latihan" in detail.content.decode()


def test_a_submitted_practice_application_gets_a_number_and_tells_nobody(cast: Cast) -> None:
    service = b.dukcapil_service(cast.world)
    Message.objects.all().delete()
    practice = practice_submitted(service, cast.siti)
    assert practice.status == Status.SUBMITTED
    assert practice.tracking_number
    assert not Message.objects.exists()
    real = b.submitted(service, cast.siti)
    assert Message.objects.filter(key__startswith=f"application:{real.pk}:").exists()
    page = client_of(cast.siti).get(reverse("applications:done", args=[practice.public_id]))
    assert page.status_code == 200
    assert "tag--practice" in page.content.decode()
    assert "kami juga mengirimkannya ke nomor HP Anda" not in page.content.decode()  # no SMS is sent
    real_page = client_of(cast.siti).get(reverse("applications:done", args=[real.public_id]))
    assert "kami juga mengirimkannya ke nomor HP Anda" in real_page.content.decode()


def test_no_office_queue_holds_a_practice_application_and_no_officer_opens_it(cast: Cast) -> None:
    service = b.dukcapil_service(cast.world)
    practice = practice_submitted(service, cast.siti)
    real = b.submitted(service, cast.siti)
    queue = selectors.office_queue(actor=cast.budi, office=cast.world.disdukcapil)
    assert [a.pk for a in queue.items] == [real.pk]
    assert queue.counts["new"] == 1
    html = client_of(cast.budi).get(reverse("applications:queue")).content.decode()
    assert str(real.tracking_number) in html
    assert str(practice.tracking_number) not in html
    for user in (cast.budi, cast.sekar, cast.bupati, cast.andi):
        work = client_of(user).get(reverse("applications:work", args=[practice.public_id]))
        assert work.status_code in (403, 404)
    assert client_of(cast.budi).get(reverse("applications:work", args=[real.public_id])).status_code == 200
    with pytest.raises(PermissionDenied):
        services.application_claim(application=practice, actor=cast.budi, expected_version=practice.version)
    practice.refresh_from_db()
    assert practice.assigned_to is None


def test_a_practice_application_past_its_due_time_is_not_escalated(cast: Cast) -> None:
    service = b.dukcapil_service(cast.world)
    practice = practice_submitted(service, cast.siti)
    real = b.submitted(service, cast.siti)
    Application.objects.filter(pk__in=[real.pk, practice.pk]).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    assert applications_escalate_breaches.call() == 1
    real.refresh_from_db()
    practice.refresh_from_db()
    assert real.breach_notified_at is not None
    assert practice.breach_notified_at is None


def test_the_tracking_page_marks_a_practice_application(cast: Cast) -> None:
    practice = practice_submitted(b.dukcapil_service(cast.world), cast.siti)
    response = Client().post(
        reverse("applications:lookup"),
        {"tracking_number": practice.tracking_number, "phone_last4": cast.siti.phone[-4:]},
    )
    assert response.status_code == 200
    assert "tag--practice" in response.content.decode()


def test_practice_applications_older_than_the_kept_days_are_deleted_with_their_files(
    cast: Cast, settings: Any
) -> None:
    settings.PRACTICE_KEEP_DAYS = 7
    service = b.dukcapil_service(cast.world)
    old_real = b.submitted(service, cast.siti)
    old_practice = practice_submitted(service, cast.siti, upload=True)
    new_practice = services.application_start(
        service=service, applicant=cast.siti, actor=cast.siti, practice=True
    )
    uploaded = Attachment.objects.get(application=old_practice)
    storage, name = uploaded.file.storage, str(uploaded.file.name)
    assert storage.exists(name)
    long_ago = timezone.now() - timedelta(days=8)
    Application.objects.filter(pk__in=[old_real.pk, old_practice.pk]).update(created_at=long_ago)
    assert applications_practice_purge_due.call() == 1
    assert set(Application.objects.values_list("pk", flat=True)) == {old_real.pk, new_practice.pk}
    assert not Attachment.objects.filter(application_id=old_practice.pk).exists()
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(action="applications.practice_purge").count() == 1
    assert applications_practice_purge_due.call() == 0  # safe to run twice
