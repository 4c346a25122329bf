"""Writes of the privacy app: consent, requests and their handling, erasure, escalation, retention.

Every change goes through one function here, in one transaction with its audit event; notices
are saved with :func:`~layanan.notifications.services.notify` in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.applications.models import Application, Attachment
from layanan.applications.models import Status as ApplicationStatus
from layanan.aspirations.models import Support as UsulanSupport
from layanan.aspirations.models import Usulan, UsulanPhoto
from layanan.audit.services import audit_record
from layanan.complaints.models import Report, Support
from layanan.inbound.models import InboundMessage, InboundVoice
from layanan.inbound.services import sender_hash_of
from layanan.inbound.voices import voice_discard
from layanan.notifications.models import ContactPreference, Message
from layanan.notifications.services import notify
from layanan.privacy import retention
from layanan.privacy.access import is_data_subject, may_handle_requests
from layanan.privacy.models import (
    OPEN_STATUSES,
    Consent,
    PrivacyRequest,
    Purpose,
    RequestKind,
    RequestStatus,
    RetentionRun,
)
from layanan.privacy.selectors import consents
from layanan.servicepoints.models import Subscription
from layanan.survey.models import Invitation

logger = logging.getLogger("layanan.privacy")

DETAILS_MAX = 2000
ESCALATION_BATCH = 200


class PrivacyError(ValidationError):
    """A request or step the rules do not allow, with a message for people."""


def _deadline(received_at: datetime) -> datetime:
    return received_at + timedelta(hours=settings.PRIVACY_REQUEST_DEADLINE_HOURS)


def _officers() -> list[User]:
    """Who is told about requests: the data-protection officer works as an administrator."""
    return list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))


# --- consent ---------------------------------------------------------------------------------------


def consent_set(
    *,
    user: User,
    purpose: str,
    given: bool,
    via: str = Consent.Via.WEB,
    request: HttpRequest | None = None,
) -> Consent | None:
    """Record the person's answer about ``purpose``; None when it is the answer already in force.

    Takes effect at once: survey invitations and optional messages ask
    :func:`layanan.privacy.selectors.has_consent` before they are made.
    """
    wanted = Purpose(purpose)
    if consents(user)[wanted.value] == given:
        return None
    with transaction.atomic():
        consent = Consent.objects.create(user=user, purpose=wanted, given=given, via=via)
        audit_record(
            actor=user if via == Consent.Via.WEB else None,
            action="privacy.consent.give" if given else "privacy.consent.withdraw",
            obj=user,
            request=request,
            details={"purpose": wanted.value, "via": via},
        )
    return consent


def consents_update(
    *, user: User, answers: dict[str, bool], request: HttpRequest | None = None
) -> list[Consent]:
    """Apply several answers at once (the consent page); a withdrawal is also recorded as a request."""
    if not is_data_subject(user):
        raise PermissionDenied
    with transaction.atomic():
        changed = [
            consent
            for purpose, given in answers.items()
            if (consent := consent_set(user=user, purpose=purpose, given=given, request=request)) is not None
        ]
        withdrawn = [c.purpose for c in changed if not c.given]
        if withdrawn:
            now = timezone.now()
            record = PrivacyRequest.objects.create(
                citizen=user,
                kind=RequestKind.WITHDRAWAL,
                items=withdrawn,
                status=RequestStatus.DONE,
                received_at=now,
                due_at=_deadline(now),
                closed_at=now,
                answer=_("Persetujuan ditarik dan langsung berlaku."),
            )
            audit_record(
                actor=user,
                action="privacy.request.submit",
                obj=record,
                request=request,
                details={"kind": "withdrawal"},
            )
    return changed


# --- requests --------------------------------------------------------------------------------------

# Which steps each status allows, and to which status they lead.
TRANSITIONS: dict[str, dict[str, str]] = {
    RequestStatus.RECEIVED: {
        "start": RequestStatus.IN_PROGRESS,
        "complete": RequestStatus.DONE,
        "refuse": RequestStatus.REFUSED,
        "erase": RequestStatus.DONE,
    },
    RequestStatus.IN_PROGRESS: {
        "complete": RequestStatus.DONE,
        "refuse": RequestStatus.REFUSED,
        "erase": RequestStatus.DONE,
    },
}


def request_submit(
    *,
    citizen: User,
    kind: str,
    items: Sequence[str] = (),
    details: str = "",
    request: HttpRequest | None = None,
) -> PrivacyRequest:
    """Record a citizen's request (Pasal 14), start its 3 x 24 hour clock and tell the officer."""
    if not is_data_subject(citizen):
        raise PermissionDenied
    wanted = RequestKind(kind)
    text = details.strip()[:DETAILS_MAX]
    if wanted == RequestKind.CORRECTION and not text:
        raise PrivacyError(_("Tuliskan data mana yang salah dan apa yang benar."), code="details_required")
    now = timezone.now()
    with transaction.atomic():
        record = PrivacyRequest.objects.create(
            citizen=citizen,
            kind=wanted,
            items=list(items),
            details=text,
            received_at=now,
            due_at=_deadline(now),
        )
        audit_record(
            actor=citizen,
            action="privacy.request.submit",
            obj=record,
            request=request,
            details={"kind": wanted.value, "items": list(items)},
        )
        for officer in _officers():
            notify(
                to=officer,
                event="privacy.request_received",
                data={"tracking_number": record.reference},
                key=f"privacy:{record.pk}:received:u{officer.pk}",
            )
    return record


def export_record(*, citizen: User, request: HttpRequest | None = None) -> PrivacyRequest:
    """Record a download of one's own data: an access request answered at once."""
    if not is_data_subject(citizen):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        record = PrivacyRequest.objects.create(
            citizen=citizen,
            kind=RequestKind.ACCESS,
            items=["export"],
            status=RequestStatus.DONE,
            received_at=now,
            due_at=_deadline(now),
            closed_at=now,
            answer=_("Data Anda diunduh langsung dari halaman Data saya."),
        )
        audit_record(actor=citizen, action="privacy.export", obj=record, request=request)
    return record


def request_step(
    *,
    record: PrivacyRequest,
    actor: User,
    step: str,
    answer: str = "",
    request: HttpRequest | None = None,
) -> PrivacyRequest:
    """Take ``step`` (start, complete, refuse, erase) on a request; the officer's only way to change one.

    A step the current status does not allow is refused; two officers at once change it once
    (a conditional update on the status each saw).
    """
    if not may_handle_requests(actor):
        raise PermissionDenied
    allowed = TRANSITIONS.get(record.status, {})
    if step not in allowed:
        raise PrivacyError(
            _("Langkah ini tidak dapat dilakukan pada permohonan dengan status ini."), code="step"
        )
    if step == "erase" and record.kind != RequestKind.DELETION:
        raise PrivacyError(_("Penghapusan hanya untuk permohonan penghapusan data."), code="step")
    if step in ("complete", "refuse") and not answer.strip():
        raise PrivacyError(_("Tuliskan jawaban untuk warga."), code="answer_required")
    target = allowed[step]
    now = timezone.now()
    with transaction.atomic():
        changes: dict[str, Any] = {"status": target, "handled_by": actor}
        if target in (RequestStatus.DONE, RequestStatus.REFUSED):
            changes["closed_at"] = now
        claimed = PrivacyRequest.objects.filter(pk=record.pk, status=record.status).update(**changes)
        if claimed != 1:
            raise PrivacyError(
                _("Permohonan ini baru saja diubah petugas lain. Muat ulang halaman."), code="stale"
            )
        summary: dict[str, int] = {}
        if step == "erase":
            summary = account_anonymise(citizen=record.citizen, actor=actor)
            answer = answer.strip() or _(
                "Data akun, kontak dan teks bebas Anda sudah dihapus atau dianonimkan. "
                "Yang wajib disimpan menurut aturan arsip tetap disimpan selama masa retensinya."
            )
        if answer.strip():
            PrivacyRequest.objects.filter(pk=record.pk).update(answer=answer.strip()[:DETAILS_MAX])
        record.refresh_from_db()
        audit_record(
            actor=actor,
            action=f"privacy.request.{step}",
            obj=record,
            request=request,
            details={"kind": record.kind, "status": target, **({"counts": summary} if summary else {})},
        )
        if target in (RequestStatus.DONE, RequestStatus.REFUSED) and step != "erase":
            notify(
                to=record.citizen,
                event="privacy.request_answered",
                data={"tracking_number": record.reference},
                key=f"privacy:{record.pk}:answered",
            )
    return record


# --- erasure (Pasal 8) -----------------------------------------------------------------------------


def _placeholder_phone(user: User) -> str:
    """A phone that can never be dialled or registered: ``+00`` then the id (unique like the id)."""
    return f"+00{user.pk:013d}"


def account_anonymise(*, citizen: User, actor: User | None) -> dict[str, int]:
    """Remove or anonymise what the regency may delete about ``citizen``; keep what it must.

    Goes: name, phone, email, NIK/KK, birth date, sex, home desa, password, sessions, channel
    preferences, announcement subscriptions, unsent drafts (and their files), supports of others'
    reports and usulan, the link of their usulan to them (the usulan stay on the desa's record), the
    free texts the person wrote that no archival rule binds (rating comments), message
    addresses and bodies, inbound messages from their number (and a voice message kept for their
    next ``ADUAN``), the link of survey invitations to them. The account is deactivated, never
    deleted (the audit log and the kept records point to it).

    Kept, with their retention (``docs/privacy-rights.md``): submitted applications and letters
    (archival rules), reports and their handling (statutory period), the audit log, the consent
    and request history. Returns how many records each step touched.
    """
    if citizen.role != Role.CITIZEN:
        raise PermissionDenied
    counts: dict[str, int] = {}
    with transaction.atomic():
        phone = citizen.phone
        drafts = Application.objects.filter(applicant=citizen, status=ApplicationStatus.DRAFT)
        for attachment in Attachment.objects.filter(application__in=drafts):
            attachment.file.delete(save=False)
        counts["drafts"] = drafts.count()
        drafts.delete()
        counts["supports"] = Support.objects.filter(user=citizen).delete()[0]
        # Usulan stay on the desa's public record (the Musrenbang decided on them), unlinked from the person.
        counts["aspiration_supports"] = UsulanSupport.objects.filter(user=citizen).delete()[0]
        counts["aspirations"] = Usulan.objects.filter(proposer=citizen).update(proposer=None)
        UsulanPhoto.objects.filter(uploaded_by=citizen).update(uploaded_by=None)
        counts["rating_comments"] = (
            Report.objects.filter(reporter=citizen).exclude(rating_comment="").update(rating_comment="")
        )
        counts["messages"] = Message.objects.filter(recipient=citizen).update(
            phone="", email="", data="", phone_hash=""
        )
        if phone.startswith("+62"):
            kept_voices = list(InboundVoice.objects.filter(message__sender_hash=sender_hash_of(phone)))
            for kept in kept_voices:
                voice_discard(kept)
            counts["inbound_voices"] = len(kept_voices)
            counts["inbound_messages"] = InboundMessage.objects.filter(
                sender_hash=sender_hash_of(phone)
            ).update(sender="", text="", sender_hash="")
        counts["survey_invitations"] = Invitation.objects.filter(respondent=citizen).update(respondent=None)
        counts["contact_preference"] = ContactPreference.objects.filter(user=citizen).delete()[0]
        counts["announcement_subscriptions"] = Subscription.objects.filter(user=citizen).delete()[0]
        counts["sessions"] = _sessions_delete(citizen)
        for purpose in Purpose:
            Consent.objects.create(user=citizen, purpose=purpose, given=False, via=Consent.Via.ERASURE)
        citizen.full_name = _("Warga terhapus")
        citizen.phone = _placeholder_phone(citizen)
        citizen.phone_verified_at = None
        citizen.email = None
        citizen.nik = citizen.kk = citizen.nik_hash = citizen.kk_hash = ""
        citizen.birth_date = None
        citizen.sex = ""
        citizen.home_region = None
        citizen.is_active = False
        citizen.set_unusable_password()
        citizen.save()
        counts["account"] = 1
        audit_record(actor=actor, action="privacy.erase", obj=citizen, details={"counts": counts})
    return counts


def _sessions_delete(user: User) -> int:
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0  # other stores: a deactivated account cannot use a session it still has
    doomed = [
        session.pk
        for session in Session.objects.all().iterator()
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user.pk)
    ]
    return Session.objects.filter(pk__in=doomed).delete()[0]


# --- escalation ------------------------------------------------------------------------------------


def request_escalate(*, record_id: int, now: datetime | None = None) -> bool:
    """Mark one overdue open request as escalated, once, and tell the officers (administrators)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PrivacyRequest.objects.filter(
            pk=record_id, status__in=OPEN_STATUSES, escalated_at__isnull=True, due_at__lte=now
        ).update(escalated_at=now)
        if claimed != 1:
            return False
        record = PrivacyRequest.objects.get(pk=record_id)
        audit_record(actor=None, action="privacy.request.escalate", obj=record, details={"kind": record.kind})
        for officer in _officers():
            notify(
                to=officer,
                event="privacy.request_overdue",
                data={"tracking_number": record.reference},
                key=f"privacy:{record.pk}:overdue:u{officer.pk}",
            )
    return True


def requests_escalate_overdue(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    ids = list(
        PrivacyRequest.objects.filter(status__in=OPEN_STATUSES, escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:ESCALATION_BATCH]
    )
    return sum(1 for record_id in ids if request_escalate(record_id=record_id, now=now))


# --- retention -------------------------------------------------------------------------------------


def retention_apply(*, now: datetime | None = None) -> RetentionRun:
    """Run every enabled delete/anonymise rule and record what each did (see :mod:`.retention`)."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now)
    counts: dict[str, int] = {}
    for entry in retention.effective_rules():
        if entry.rule.handler is None or not entry.enabled:
            continue
        with transaction.atomic():
            counts[entry.key] = entry.rule.handler(retention.cutoff_of(entry, now))
    total = sum(counts.values())
    with transaction.atomic():
        RetentionRun.objects.filter(pk=run.pk).update(counts=counts, total=total, finished_at=timezone.now())
        run.refresh_from_db()
        audit_record(actor=None, action="privacy.retention.run", obj=run, details={"counts": counts})
    if total:
        logger.info("retention: %d records removed or anonymised", total)
    return run
