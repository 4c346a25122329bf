"""Writes of the survey: invite once per finished case, and record an answer once.

``invitation_for_application`` / ``invitation_for_report`` run after the commit
that completed the application or answered the report (``signals.py``) and
again from the hourly backfill task: they re-read the case, make its one
invitation (a unique row per case; a second call returns the first) and, in
the same transaction, call ``notify()`` with the invitation's key
(``survey:{invitation id}``), which sends the link once that commits. ``response_submit`` records the
answers of a questionnaire; the invitation is marked answered by a conditional
update in the same transaction, so a double submit or a second tab counts once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.applications.models import Application
from layanan.applications.models import Status as ApplicationStatus
from layanan.audit.services import audit_record
from layanan.catalogue.models import Service
from layanan.complaints.models import Disposition, Report
from layanan.complaints.models import Status as ReportStatus
from layanan.notifications.services import notify
from layanan.survey.models import PROFILE_FIELDS, Invitation, Response
from layanan.survey.unsur import COUNT, FIELDS

SUGGESTION_MAX = 2000
REPORT_DONE = (ReportStatus.ANSWERED, ReportStatus.CLOSED)


class SurveyError(Exception):
    """A questionnaire that cannot be accepted; the message is plain Indonesian for the respondent."""


class AlreadyAnswered(SurveyError):
    pass


class Expired(SurveyError):
    pass


def invitation_link(invitation: Invitation) -> str:
    """The absolute link of the questionnaire (short enough for an SMS)."""
    path = reverse("survey:questionnaire", kwargs={"token": invitation.token})
    return f"{settings.SITE_URL}{path}"


def _first_name(user: User) -> str:
    parts = (user.full_name or "").split()
    return parts[0] if parts else ""


def _period(moment: datetime | None) -> datetime:
    return moment or timezone.now()


def _invite(
    *,
    subject: str,
    lookup: Mapping[str, object],
    respondent: User | None,
    service: Service | None,
    office: Office | None,
    tracking_number: str,
    finished_at: datetime,
) -> Invitation | None:
    """Make the one invitation of a case (or return the existing one) and send its link once."""
    existing = Invitation.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    if respondent is None or not respondent.is_active:
        return None  # nobody to ask (an SMS report without an account, a deactivated account)
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                subject=subject,
                respondent=respondent,
                service=service,
                office=office,
                tracking_number=tracking_number,
                period=timezone.localdate(finished_at),
                expires_at=now + timedelta(days=settings.SKM_INVITATION_DAYS),
                **lookup,
            )
            audit_record(
                actor=None,
                action="survey.invite",
                obj=invitation,
                details={"subject": subject, "office": office.code if office else ""},
            )
            if _send(invitation, respondent):
                Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
                invitation.sent_at = now
    except IntegrityError:
        return Invitation.objects.filter(**lookup).first()  # made at the same moment by another run
    return invitation


def _send(invitation: Invitation, respondent: User) -> bool:
    """Ask the notifications app to send the invitation (non-essential: the person may have opted out)."""
    data = {
        "first_name": _first_name(respondent),
        "tracking_number": invitation.tracking_number,
        "link": invitation_link(invitation),
    }
    message = notify(to=respondent, event="survey.invite", data=data, key=f"survey:{invitation.pk}")
    return message is not None


def invitation_for_application(*, application_id: int) -> Invitation | None:
    """The invitation of a completed application (made once), or None when it is not completed."""
    application = (
        Application.objects.real()
        .select_related("applicant", "service", "office")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status != ApplicationStatus.COMPLETED:
        return None
    return _invite(
        subject=Invitation.Subject.APPLICATION,
        lookup={"application": application},
        respondent=application.applicant,
        service=application.service,
        office=application.office,
        tracking_number=application.tracking_number or "",
        finished_at=_period(application.decided_at),
    )


def invitation_for_report(*, report_id: int) -> Invitation | None:
    """The invitation of an answered report (made once), or None when it is not answered."""
    report = Report.objects.real().select_related("reporter").filter(pk=report_id).first()
    if report is None or report.status not in REPORT_DONE:
        return None
    answering = (
        Disposition.objects.filter(report=report, answered_at__isnull=False)
        .select_related("office")
        .order_by("-is_active", "-answered_at", "-pk")
        .first()
    )
    return _invite(
        subject=Invitation.Subject.REPORT,
        lookup={"report": report},
        respondent=report.reporter,
        service=None,
        office=answering.office if answering is not None else None,
        tracking_number=report.tracking_number,
        finished_at=_period(report.answered_at),
    )


def invitation_state(invitation: Invitation, *, now: datetime | None = None) -> str:
    """``open``, ``answered`` or ``expired``."""
    if invitation.answered_at is not None:
        return "answered"
    if invitation.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"


def response_submit(
    *,
    token: str,
    scores: Sequence[int],
    suggestion: str = "",
    profile: Mapping[str, str] | None = None,
    platform_ease: int | None = None,
) -> Response:
    """Record one questionnaire for the invitation ``token``; refuse a second one or an expired link.

    ``platform_ease`` (1-4, optional) answers the question about the platform itself: stored in its
    own column and never part of the IKM (``platform_question.py``).
    """
    if len(scores) != COUNT or not all(isinstance(s, int) and 1 <= s <= 4 for s in scores):
        raise SurveyError(_("Setiap pertanyaan dijawab dengan salah satu dari empat pilihan."))
    if platform_ease is not None and not (isinstance(platform_ease, int) and 1 <= platform_ease <= 4):
        raise SurveyError(_("Pilih salah satu jawaban, atau biarkan kosong."))
    clean_profile: dict[str, str] = {}
    for name, value in (profile or {}).items():
        choices = PROFILE_FIELDS.get(name)
        if choices is None or (value and value not in choices.values):
            raise SurveyError(_("Pilihan data responden tidak dikenal."))
        clean_profile[name] = value or ""
    suggestion = (suggestion or "").strip()[:SUGGESTION_MAX]
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.filter(token=token).first()
        if invitation is None:
            raise SurveyError(_("Tautan survei ini tidak dikenal."))
        claimed = Invitation.objects.filter(
            pk=invitation.pk, answered_at__isnull=True, expires_at__gt=now
        ).update(answered_at=now)
        if claimed != 1:
            invitation.refresh_from_db()
            if invitation.answered_at is not None:
                raise AlreadyAnswered(_("Survei ini sudah diisi. Terima kasih."))
            raise Expired(_("Waktu untuk mengisi survei ini sudah habis."))
        response = Response.objects.create(
            subject=invitation.subject,
            service_id=invitation.service_id,
            office_id=invitation.office_id,
            period=invitation.period,
            suggestion=suggestion,
            has_suggestion=bool(suggestion),
            platform_ease=platform_ease,
            **dict(zip(FIELDS, scores, strict=True)),
            **clean_profile,
        )
        audit_record(
            actor=None,
            action="survey.answer",
            obj=invitation,
            details={"office": invitation.office.code if invitation.office else ""},
        )
    return response
