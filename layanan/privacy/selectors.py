"""Reads of the privacy app: consent, everything held about a person, who accessed it, requests.

Every selector takes the actor (or the subject) and returns only what that actor may see: a
citizen their own data, the data-protection officer (administrators) and auditors the queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.phone import mask_phone
from layanan.applications.models import Application, Attachment
from layanan.aspirations.models import Support as UsulanSupport
from layanan.aspirations.models import Usulan
from layanan.audit.models import AuditEvent
from layanan.complaints.models import Report, ReportVoice, Support
from layanan.identity.selectors import mask_nik
from layanan.notifications.models import ContactPreference, Message
from layanan.privacy.access import Actor, may_read_requests
from layanan.privacy.models import Consent, PrivacyRequest, Purpose, RequestStatus
from layanan.servicepoints.selectors import subscriptions_of
from layanan.survey.models import Invitation

# A purpose nobody has answered about yet: SKM and announcements are part of running the service
# and may be refused at any time (opt-out); anonymised research data likewise.
DEFAULTS: dict[str, bool] = {Purpose.SURVEY: True, Purpose.ANNOUNCEMENTS: True, Purpose.RESEARCH: True}
# Purposes that are messages: a person who stopped optional messages has not agreed to them either.
MESSAGE_PURPOSES = frozenset({Purpose.SURVEY, Purpose.ANNOUNCEMENTS})

_NIK_SHAPED = re.compile(r"(?<!\d)\d{16}(?!\d)")


def _user_id(user: User | int) -> int:
    return user if isinstance(user, int) else int(user.pk)


def consents(user: User | int) -> dict[str, bool]:
    """Each optional purpose and whether the person agrees to it now (newest answer, else the default)."""
    uid = _user_id(user)
    answers: dict[str, bool] = {}
    for purpose, given in (
        Consent.objects.filter(user_id=uid).order_by("-recorded_at", "-pk").values_list("purpose", "given")
    ):
        answers.setdefault(purpose, given)
    optional_messages = (
        ContactPreference.objects.filter(user_id=uid).values_list("optional_messages", flat=True).first()
    )
    result: dict[str, bool] = {}
    for purpose in Purpose:
        given = answers.get(purpose, DEFAULTS[purpose])
        if purpose in MESSAGE_PURPOSES and optional_messages is False:
            given = False
        result[purpose.value] = given
    return result


def optional_messages_stopped(user: User | int) -> bool:
    """The person switched off optional messages in their notification preferences."""
    return ContactPreference.objects.filter(user_id=_user_id(user), optional_messages=False).exists()


def has_consent(user: User | int, purpose: str) -> bool:
    """Does the person agree to ``purpose`` now? Withdrawal takes effect at once."""
    return consents(user)[Purpose(purpose).value]


def users_without_consent(purpose: str) -> QuerySet[User]:
    """The people who do not agree to ``purpose`` now, as a queryset usable in ``__in`` (no query run)."""
    wanted = Purpose(purpose)
    latest = Consent.objects.filter(user=OuterRef("pk"), purpose=wanted).order_by("-recorded_at", "-pk")
    refused = Q(latest_consent=False)
    if not DEFAULTS[wanted]:
        refused |= Q(latest_consent__isnull=True)
    if wanted in MESSAGE_PURPOSES:
        refused |= Q(Exists(ContactPreference.objects.filter(user=OuterRef("pk"), optional_messages=False)))
    return (
        User.objects.annotate(latest_consent=Subquery(latest.values("given")[:1]))
        .filter(refused)
        .values("pk")  # type: ignore[return-value]
    )


def consent_history(user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("-recorded_at", "-pk")


# --- the person's own requests and the officer's queue -----------------------------------------------


def requests_of(*, citizen: User) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(citizen=citizen).order_by("-received_at", "-pk")


def request_queue(*, actor: Actor, status: str = "open") -> QuerySet[PrivacyRequest]:
    """Requests for the data-protection officer, oldest deadline first; nothing for anyone else."""
    if not may_read_requests(actor):
        return PrivacyRequest.objects.none()
    found = PrivacyRequest.objects.select_related("citizen", "handled_by")
    if status == "open":
        found = found.filter(status__in=[RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS])
    elif status in RequestStatus.values:
        found = found.filter(status=status)
    return found.order_by("due_at", "pk")


def request_for_staff(*, actor: Actor, public_id: str) -> PrivacyRequest | None:
    return request_queue(actor=actor, status="all").filter(public_id=public_id).first()


# --- who accessed my data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    occurred_at: datetime
    action: str
    about: str  # the tracking number of the case or request; empty for the account itself
    role: str
    office: str
    name: str  # empty unless PRIVACY_ACCESS_LOG_SHOWS_NAMES


def _subject_objects(subject: User) -> dict[tuple[str, str], str]:
    """(object_type, object_id) of the records about ``subject`` → a label the person recognises."""
    objects: dict[tuple[str, str], str] = {("accounts.user", str(subject.pk)): ""}  # "": the account
    for pk, number in Application.objects.filter(applicant=subject).values_list("pk", "tracking_number"):
        objects[("applications.application", str(pk))] = number or "draf"
    for pk, number in Report.objects.filter(reporter=subject).values_list("pk", "tracking_number"):
        objects[("complaints.report", str(pk))] = number
    for pk, number in PrivacyRequest.objects.filter(citizen=subject).values_list("pk", "reference"):
        objects[("privacy.privacyrequest", str(pk))] = number
    return objects


def access_log(*, subject: User, limit: int = 200) -> list[Access]:
    """Every staff action recorded about the person and their cases, newest first.

    Staff are shown by role and office; by name only when ``PRIVACY_ACCESS_LOG_SHOWS_NAMES``.
    The person's own actions and the system's are left out: this is who *else* touched the data.
    """
    objects = _subject_objects(subject)
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in objects:
        by_type.setdefault(object_type, []).append(object_id)
    about = Q()
    for object_type, ids in by_type.items():
        about |= Q(object_type=object_type, object_id__in=ids)
    events = (
        AuditEvent.objects.filter(about, actor__isnull=False)
        .exclude(actor=subject)
        .select_related("actor__office")
        .order_by("-id")[:limit]
    )
    show_names = settings.PRIVACY_ACCESS_LOG_SHOWS_NAMES
    rows: list[Access] = []
    for event in events:
        office = event.actor.office if event.actor is not None else None
        rows.append(
            Access(
                occurred_at=event.occurred_at,
                action=event.action,
                about=objects.get((event.object_type, event.object_id), ""),
                role=event.actor_role_label,
                office=office.name if office is not None else "",
                name=event.actor_label if show_names else "",
            )
        )
    return rows


# --- everything held about a person -------------------------------------------------------------------


def _masked(value: Any) -> Any:
    """``value`` with every 16-digit (NIK/KK-shaped) number masked as the profile shows it."""
    if isinstance(value, str):
        return _NIK_SHAPED.sub(lambda match: mask_nik(match.group(0)), value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def _sessions_of(subject: User) -> list[dict[str, Any]]:
    """The person's live sessions (database sessions only: other stores cannot be listed per person)."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return []
    found: list[dict[str, Any]] = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == str(subject.pk):
            found.append({"expires_at": _iso(session.expire_date)})
    return found


def _voice_note(report: Report) -> dict[str, Any] | None:
    """The report's voice note as the export lists it (the sound itself is heard on the report's page)."""
    voice = ReportVoice.objects.filter(report=report).first()
    if voice is None:
        return None
    return {
        "content_type": "audio/ogg",
        "seconds": voice.seconds,
        "size": voice.size,
        "uploaded_at": _iso(voice.uploaded_at),
    }


def subject_data(*, subject: User) -> dict[str, Any]:
    """Everything the platform holds about ``subject``, as plain JSON-ready data.

    NIK and KK are masked as on the profile page; survey answers are never linked to a person, so
    only the invitations appear; message bodies are not kept, so messages show their event.
    """
    region = subject.home_region
    account = {
        "full_name": subject.full_name,
        "phone": "0" + subject.phone.removeprefix("+62") if subject.phone.startswith("+62") else "",
        "phone_proven_at": _iso(subject.phone_verified_at),
        "email": subject.email or "",
        "nik": mask_nik(subject.nik) if subject.nik else "",
        "kk": mask_nik(subject.kk) if subject.kk else "",
        "birth_date": subject.birth_date.isoformat() if subject.birth_date else None,
        "sex": subject.sex,
        "home_region": {"code": region.code, "name": region.name} if region is not None else None,
        "preferred_language": subject.preferred_language,
        "role": subject.role,
        "date_joined": _iso(subject.date_joined),
        "last_login": _iso(subject.last_login),
        "active": subject.is_active,
    }
    applications = []
    for application in (
        Application.objects.filter(Q(applicant=subject) | Q(submitted_by=subject))
        .select_related("service", "office")
        .order_by("created_at", "pk")
    ):
        applications.append(
            {
                "tracking_number": application.tracking_number or "",
                "service": application.service.name,
                "office": application.office.name if application.office is not None else "",
                "status": application.status,
                "created_at": _iso(application.created_at),
                "submitted_at": _iso(application.submitted_at),
                "decided_at": _iso(application.decided_at),
                "answers": _masked(application.answers) if application.applicant_id == subject.pk else {},
                "decision_reason": application.decision_reason,
                "files": [
                    {
                        "requirement": attachment.requirement.name,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                        "uploaded_at": _iso(attachment.uploaded_at),
                        "current": attachment.is_current,
                    }
                    for attachment in Attachment.objects.filter(application=application).select_related(
                        "requirement"
                    )
                ],
            }
        )
    reports = [
        {
            "tracking_number": report.tracking_number,
            "kind": report.kind,
            "category": report.category.name,
            "text": _masked(report.text),
            "address_text": report.address_text,
            "region": report.region.name if report.region_id else "",
            "anonymous": report.anonymous,
            "confidential": report.confidential,
            "channel": report.channel,
            "status": report.status,
            "received_at": _iso(report.received_at),
            "answered_at": _iso(report.answered_at),
            "closed_at": _iso(report.closed_at),
            "answer": report.public_answer,
            "satisfied": report.satisfied,
            "rating_comment": report.rating_comment,
            "voice_note": _voice_note(report),
        }
        for report in Report.objects.filter(reporter=subject)
        .select_related("category", "region")
        .order_by("pk")
    ]
    supported = list(
        Support.objects.filter(user=subject).order_by("pk").values_list("report__tracking_number", flat=True)
    )
    aspirations = [
        {
            "number": usulan.number,
            "region": {"code": usulan.region_id, "name": usulan.region.name},
            "topic": usulan.topic,
            "title": usulan.title,
            "description": _masked(usulan.description),
            "address_text": usulan.address_text,
            "status": usulan.status,
            "year": usulan.year,
            "created_at": _iso(usulan.created_at),
            "photos": usulan.photos.count(),
        }
        for usulan in Usulan.objects.filter(proposer=subject).select_related("region").order_by("pk")
    ]
    supported_aspirations = [
        f"U-{usulan_id}"
        for usulan_id in UsulanSupport.objects.filter(user=subject)
        .order_by("pk")
        .values_list("usulan_id", flat=True)
    ]
    messages = [
        {
            "event": message.event,
            "tracking_number": message.tracking_number,
            "channel": message.channel,
            "status": message.status,
            "created_at": _iso(message.created_at),
        }
        for message in Message.objects.filter(recipient=subject).order_by("created_at", "pk")
    ]
    invitations = [
        {
            "subject": invitation.subject,
            "tracking_number": invitation.tracking_number,
            "created_at": _iso(invitation.created_at),
            "expires_at": _iso(invitation.expires_at),
            "sent_at": _iso(invitation.sent_at),
            "answered": invitation.answered_at is not None,
        }
        for invitation in Invitation.objects.filter(respondent=subject).order_by("created_at", "pk")
    ]
    subscriptions = [
        {
            "region": {"code": subscription.region.code, "name": subscription.region.name},
            "created_at": _iso(subscription.created_at),
        }
        for subscription in subscriptions_of(subject)
    ]
    preference = ContactPreference.objects.filter(user=subject).first()
    return {
        "format": "layanan-privacy-export/1",
        "generated_at": _iso(timezone.now()),
        "account": account,
        "contact_preference": (
            {
                "order": preference.order,
                "whatsapp": preference.whatsapp,
                "sms": preference.sms,
                "email": preference.email,
                "optional_messages": preference.optional_messages,
            }
            if preference is not None
            else None
        ),
        "consents": consents(subject),
        "consent_history": [
            {"purpose": c.purpose, "given": c.given, "recorded_at": _iso(c.recorded_at), "via": c.via}
            for c in consent_history(subject)
        ],
        "applications": applications,
        "reports": reports,
        "supported_reports": supported,
        "aspirations": aspirations,
        "supported_aspirations": supported_aspirations,
        "messages": messages,
        "survey_invitations": invitations,
        "announcement_subscriptions": subscriptions,
        "sessions": _sessions_of(subject),
        "privacy_requests": [
            {
                "reference": r.reference,
                "kind": r.kind,
                "status": r.status,
                "items": r.items,
                "received_at": _iso(r.received_at),
                "due_at": _iso(r.due_at),
                "closed_at": _iso(r.closed_at),
                "answer": r.answer,
            }
            for r in requests_of(citizen=subject)
        ],
        "access_log": [
            {
                "occurred_at": _iso(row.occurred_at),
                "action": row.action,
                "about": row.about,
                "role": row.role,
                "office": row.office,
                **({"name": row.name} if row.name else {}),
            }
            for row in access_log(subject=subject, limit=10_000)
        ],
    }


def data_counts(*, subject: User) -> dict[str, int]:
    """How many records of each kind the person has (for the summary page; one query each)."""
    return {
        "applications": Application.objects.filter(applicant=subject).count(),
        "reports": Report.objects.filter(reporter=subject).count(),
        "aspirations": Usulan.objects.filter(proposer=subject).count(),
        "messages": Message.objects.filter(recipient=subject).count(),
        "survey_invitations": Invitation.objects.filter(respondent=subject).count(),
    }


def masked_identity(subject: User) -> dict[str, str]:
    return {
        "phone": mask_phone(subject.phone) if subject.phone.startswith("+62") else "",
        "nik": mask_nik(subject.nik) if subject.nik else "",
        "kk": mask_nik(subject.kk) if subject.kk else "",
    }
