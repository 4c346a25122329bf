"""Background work of the survey: catch up on invitations a failed commit hook missed.

Tasks take ids or nothing, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from layanan.applications.models import Application
from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Report
from layanan.survey.services import REPORT_DONE, invitation_for_application, invitation_for_report
from layanan.survey.signals import INVITE_WITHHELD

logger = logging.getLogger(__name__)

BATCH = 500


@task()
def survey_invitations_backfill() -> int:
    """Invite for cases finished in the last ``SKM_BACKFILL_DAYS`` days that have no invitation yet."""
    since = timezone.now() - timedelta(days=settings.SKM_BACKFILL_DAYS)
    made = 0
    applications = Application.objects.real().filter(
        status=ApplicationStatus.COMPLETED, decided_at__gte=since, survey_invitation__isnull=True
    )
    for withheld in INVITE_WITHHELD:  # people who withdrew consent (layanan.privacy)
        applications = applications.exclude(applicant__in=withheld())
    for application_id in list(applications.values_list("pk", flat=True)[:BATCH]):
        if invitation_for_application(application_id=application_id) is not None:
            made += 1
    reports = Report.objects.real().filter(
        status__in=REPORT_DONE,
        answered_at__gte=since,
        survey_invitation__isnull=True,
        reporter__isnull=False,
    )
    for withheld in INVITE_WITHHELD:
        reports = reports.exclude(reporter__in=withheld())
    for report_id in list(reports.values_list("pk", flat=True)[:BATCH]):
        if invitation_for_report(report_id=report_id) is not None:
            made += 1
    if made:
        logger.info("survey: %d missed invitations made", made)
    return made
