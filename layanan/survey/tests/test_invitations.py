"""Invited once: a completed application or an answered report makes one invitation and one notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from layanan.applications import services as application_services
from layanan.applications.models import Status, TimelineEvent
from layanan.applications.tests import builders as application_builders
from layanan.audit.models import AuditEvent
from layanan.complaints.tests import domain_builders as report_builders
from layanan.notifications.models import Message
from layanan.survey.models import Invitation
from layanan.survey.services import invitation_for_application, invitation_for_report, invitation_link
from layanan.survey.tasks import survey_invitations_backfill
from layanan.survey.tests.builders import completed_application


def _complete(cast, capture):
    """Siti's Dukcapil application, approved by Budi (SIAK: straight to completed), commit hooks run."""
    built = application_builders.dukcapil_service(cast.world)
    with capture(execute=True):
        application = application_builders.submitted(built, cast.siti)
        application = application_builders.claimed(application, cast.budi)
        application_builders.accept_all(application, cast.budi)
        application = application_services.application_process(
            application=application, actor=cast.budi, expected_version=application.version
        )
        application = application_services.application_approve(
            application=application, actor=cast.budi, expected_version=application.version
        )
    assert application.status == Status.COMPLETED
    return application


def test_a_completed_application_invites_its_applicant_once_with_a_short_link(
    cast, django_capture_on_commit_callbacks
):
    application = _complete(cast, django_capture_on_commit_callbacks)

    invitation = Invitation.objects.get()
    assert invitation.application == application
    assert invitation.subject == Invitation.Subject.APPLICATION
    assert invitation.respondent == cast.siti
    assert (invitation.office, invitation.service) == (cast.world.disdukcapil, application.service)
    assert invitation.tracking_number == application.tracking_number
    assert invitation.sent_at is not None
    assert invitation.period == timezone.localdate(application.decided_at)
    message = Message.objects.get(key=f"survey:{invitation.pk}")
    assert (message.event, message.recipient) == ("survey.invite", cast.siti)
    link = invitation_link(invitation)
    assert link.endswith(f"/survei/{invitation.token}/")
    assert len(link) < 80
    assert cast.siti.full_name.split()[-1] not in link
    assert AuditEvent.objects.filter(action="survey.invite", object_id=str(invitation.pk)).count() == 1


def test_a_second_completion_event_or_a_rerun_makes_no_second_invitation_or_message(
    cast, django_capture_on_commit_callbacks
):
    application = _complete(cast, django_capture_on_commit_callbacks)
    first = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        TimelineEvent.objects.create(
            application=application, action="approve", from_status="processing", to_status="completed"
        )
    assert invitation_for_application(application_id=application.pk) == first
    assert survey_invitations_backfill.call() == 0

    assert Invitation.objects.count() == 1
    assert Message.objects.filter(event="survey.invite").count() == 1


def test_an_application_that_is_not_completed_invites_nobody(cast, django_capture_on_commit_callbacks):
    built = application_builders.dukcapil_service(cast.world)
    with django_capture_on_commit_callbacks(execute=True):
        application = application_builders.claimed(
            application_builders.submitted(built, cast.siti), cast.budi
        )

    assert invitation_for_application(application_id=application.pk) is None
    assert not Invitation.objects.exists()


def test_a_completion_rolled_back_invites_nobody(cast, django_capture_on_commit_callbacks):
    application = completed_application(cast.siti, office=cast.world.disdukcapil)
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        TimelineEvent.objects.create(
            application=application, action="approve", from_status="processing", to_status="completed"
        )
        raise RuntimeError("the officer's transaction failed")

    assert not Invitation.objects.exists()


def test_the_invitation_and_its_message_are_written_in_one_transaction(cast):
    application = completed_application(cast.siti, office=cast.world.disdukcapil)

    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        invitation = invitation_for_application(application_id=application.pk)
        assert invitation is not None
        assert Message.objects.filter(key=f"survey:{invitation.pk}", event="survey.invite").count() == 1
        raise RuntimeError("the invitation's transaction failed")

    assert not Invitation.objects.exists()
    assert not Message.objects.filter(event="survey.invite").exists()


def test_the_invitation_is_sent_only_once_its_transaction_commits(cast, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    application = completed_application(cast.siti, office=cast.world.disdukcapil)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_for_application(application_id=application.pk)
    assert invitation is not None
    # The send is written in the invitation's own transaction (an outbox row): seen by a worker at the commit.
    sends = DBTaskResult.objects.filter(task_path="layanan.notifications.tasks.message_send")
    message = Message.objects.get(key=f"survey:{invitation.pk}")
    assert sends.get().args_kwargs["args"] == [message.pk]
    for callback in callbacks:
        callback()
    assert sends.count() == 1


def test_an_answered_report_invites_its_reporter_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_builders.answered(cast)

    invitation = Invitation.objects.get()
    assert invitation.report == report
    assert invitation.subject == Invitation.Subject.REPORT
    assert (invitation.respondent, invitation.office, invitation.service) == (
        cast.siti,
        cast.world.disdukcapil,
        None,
    )
    assert invitation_for_report(report_id=report.pk) == invitation
    assert Message.objects.filter(key=f"survey:{invitation.pk}").count() == 1


def test_a_report_not_yet_answered_invites_nobody(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_builders.disposed(cast)

    assert invitation_for_report(report_id=report.pk) is None
    assert not Invitation.objects.exists()


def test_the_backfill_invites_for_recent_cases_the_commit_hook_missed(cast):
    recent = completed_application(cast.siti, office=cast.world.disdukcapil)
    old = completed_application(cast.siti, office=cast.world.disdukcapil)
    old.decided_at = timezone.now() - timedelta(days=30)
    old.save(update_fields=["decided_at"])

    assert survey_invitations_backfill.call() == 1
    assert survey_invitations_backfill.call() == 0  # safe to run twice
    assert list(Invitation.objects.values_list("application_id", flat=True)) == [recent.pk]


def test_an_inactive_applicant_is_not_invited(cast):
    cast.siti.is_active = False
    cast.siti.save(update_fields=["is_active"])
    application = completed_application(cast.siti, office=cast.world.disdukcapil)

    assert invitation_for_application(application_id=application.pk) is None
    assert not Invitation.objects.exists()


def _render_tag(user, subject) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load survey %}{% survey_invitation subject %}")
    return template.render(Context({"request": request, "subject": subject}))


def test_the_citizen_page_tag_shows_the_open_invitation_only_to_the_respondent(cast):
    application = completed_application(cast.siti, office=cast.world.disdukcapil)
    invitation = invitation_for_application(application_id=application.pk)
    assert invitation is not None

    assert f"/survei/{invitation.token}/" in _render_tag(cast.siti, application)
    assert "survei" not in _render_tag(cast.budi, application)
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
    assert "survei" not in _render_tag(cast.siti, application)
