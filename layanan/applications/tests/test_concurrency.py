"""Two requests at once: a double submit makes one application, two officers make one change.

The threaded tests need PostgreSQL's real concurrent writers (threads with
their own connections, committed transactions); the sequential ones run on
both databases.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from layanan.accounts.models import Role
from layanan.applications import services
from layanan.applications.models import Application, Status, TimelineEvent
from layanan.applications.services import ApplicationError, ConcurrentChange
from layanan.applications.tests import builders
from layanan.applications.tests.builders import dukcapil_service, filled, reloaded, submitted
from layanan.audit.models import AuditEvent
from layanan.testing.concurrency import THREADS_NEED_POSTGRES, at_once
from layanan.tracking.models import TrackingNumber

# --- sequential: both databases ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_submit_key_twice_makes_one_submission_with_one_tracking_number(cast):
    application = filled(dukcapil_service(cast.world), cast.siti)
    key = uuid.uuid4()

    first = services.application_submit(application=application, actor=cast.siti, submit_key=key)
    again = services.application_submit(application=reloaded(application), actor=cast.siti, submit_key=key)

    assert again.pk == first.pk
    assert again.tracking_number == first.tracking_number
    assert again.version == first.version
    assert TrackingNumber.objects.count() == 1
    assert TimelineEvent.objects.filter(action="submit").count() == 1
    assert AuditEvent.objects.filter(action="applications.submit").count() == 1


@pytest.mark.django_db
def test_a_repeat_of_the_first_submit_after_the_officer_claimed_returns_it_unchanged(cast):
    application = filled(dukcapil_service(cast.world), cast.siti)
    key = uuid.uuid4()
    first = services.application_submit(application=application, actor=cast.siti, submit_key=key)
    builders.claimed(first, cast.budi)

    again = services.application_submit(application=reloaded(application), actor=cast.siti, submit_key=key)

    assert again.status == Status.VERIFYING
    assert TimelineEvent.objects.filter(action="submit").count() == 1


@pytest.mark.django_db
def test_a_submit_key_of_another_application_is_refused(cast):
    service = dukcapil_service(cast.world)
    key = uuid.uuid4()
    services.application_submit(application=filled(service, cast.siti), actor=cast.siti, submit_key=key)
    second = filled(service, cast.siti)

    with pytest.raises(ApplicationError):
        services.application_submit(application=second, actor=cast.siti, submit_key=key)
    assert reloaded(second).status == Status.DRAFT
    assert TrackingNumber.objects.count() == 1


@pytest.mark.django_db
def test_the_officer_who_saw_an_older_version_loses_and_changes_nothing(cast):
    application = builders.claimed(submitted(dukcapil_service(cast.world), cast.siti), cast.budi)
    seen_by_both = application.version
    colleague = builders.staff(role=Role.OFFICER, office=cast.world.disdukcapil)
    services.application_reject(
        application=reloaded(application), actor=colleague, expected_version=seen_by_both, reason="Ganda."
    )

    with pytest.raises(ConcurrentChange):
        services.application_request_revision(
            application=application, actor=cast.budi, expected_version=seen_by_both, message="Perbaiki."
        )

    after = reloaded(application)
    assert after.status == Status.REJECTED
    assert after.paused_at is None
    assert not after.timeline.filter(action="request_revision").exists()


# --- threaded: PostgreSQL ---------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason=THREADS_NEED_POSTGRES)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_with_the_same_key_make_one_application(cast):
    application = filled(dukcapil_service(cast.world), cast.siti)
    key = uuid.uuid4()

    def submit(_number: int) -> tuple[int, str]:
        done = services.application_submit(
            application=Application.objects.get(pk=application.pk), actor=cast.siti, submit_key=key
        )
        return done.pk, done.tracking_number or ""

    results, errors = at_once(4, submit)

    assert errors == []
    assert len(set(results)) == 1
    assert TrackingNumber.objects.count() == 1
    assert TimelineEvent.objects.filter(action="submit").count() == 1
    assert reloaded(application).status == Status.SUBMITTED


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason=THREADS_NEED_POSTGRES)
@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_at_once_one_wins_the_other_is_told_to_reload(cast):
    application = submitted(dukcapil_service(cast.world), cast.siti)
    officers = [cast.budi, builders.staff(role=Role.OFFICER, office=cast.world.disdukcapil)]
    seen = application.version

    def claim(number: int) -> int:
        done = services.application_claim(
            application=Application.objects.get(pk=application.pk),
            actor=officers[number],
            expected_version=seen,
        )
        return done.assigned_to_id or 0

    results, errors = at_once(2, claim)

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ConcurrentChange)
    after = reloaded(application)
    assert after.assigned_to_id == results[0]
    assert after.version == seen + 1
    assert after.timeline.filter(action="claim").count() == 1
