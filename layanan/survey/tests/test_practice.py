"""A practice case (practice mode, docs/practice-mode.md) is never invited to the SKM, so it never
counts in the IKM; its real twin is."""

from __future__ import annotations

import pytest

from layanan.applications.models import Application
from layanan.complaints.models import Report
from layanan.complaints.models import Status as ReportStatus
from layanan.complaints.tests import domain_builders as report_builders
from layanan.notifications.models import Message
from layanan.survey.models import Invitation
from layanan.survey.services import invitation_for_application, invitation_for_report
from layanan.survey.tasks import survey_invitations_backfill
from layanan.survey.tests.builders import completed_application
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_finished_practice_application_is_never_invited_and_its_real_twin_is(cast: Cast) -> None:
    office = cast.world.disdukcapil
    real = completed_application(cast.siti, office=office)
    practice = completed_application(cast.siti, office=office, service=real.service)
    Application.objects.filter(pk=practice.pk).update(practice=True)
    assert invitation_for_application(application_id=practice.pk) is None
    assert survey_invitations_backfill.call() == 1
    assert list(Invitation.objects.values_list("application_id", flat=True)) == [real.pk]
    assert Message.objects.filter(event="survey.invite").count() == 1


def test_an_answered_practice_report_is_never_invited_and_its_real_twin_is(cast: Cast) -> None:
    real = report_builders.answered(cast)
    practice = report_builders.submitted(cast)
    Report.objects.filter(pk=practice.pk).update(
        practice=True, status=ReportStatus.ANSWERED, answered_at=real.answered_at
    )
    assert invitation_for_report(report_id=practice.pk) is None
    survey_invitations_backfill.call()
    assert list(Invitation.objects.values_list("report_id", flat=True)) == [real.pk]
