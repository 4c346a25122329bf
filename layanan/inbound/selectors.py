"""Reads for inbound messages: the status a sender may see, and the villages to match a report to.

The actor of an SMS or WhatsApp message is its sender's phone number, which the
gateway vouches for (the webhook's signature). Like the public status lookup in
``layanan.applications.selectors.status_lookup`` (tracking number plus the last
four digits of the phone), a status is told only when the number belongs to the
sender: the applicant of an application, the reporter of a report. Every other
case answers ``None``, the same as an unknown number, so a reply never tells
whether someone else's tracking number exists.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation

from layanan.accounts.models import User
from layanan.applications.models import Application
from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Report
from layanan.complaints.models import Status as ReportStatus
from layanan.inbound.models import Channel, InboundVoice
from layanan.regions.models import Region
from layanan.regions.selectors import village_list
from layanan.tracking.codes import TrackingKind, tracking_number_is_valid

_NOBODY = "\x00"


@dataclass(frozen=True)
class CaseStatus:
    tracking_number: str
    status_label: str  # in the language asked for


@dataclass(frozen=True)
class VillageRef:
    """A desa/kelurahan with its kecamatan's name, as :mod:`layanan.inbound.villages` needs it."""

    region: Region
    name: str
    district_name: str


def _same_phone(owner_phone: str | None, phone: str) -> bool:
    return hmac.compare_digest((owner_phone or _NOBODY).encode(), phone.encode())


def case_status_for_sender(*, tracking_number: str, phone: str, language: str = "id") -> CaseStatus | None:
    """The status of case ``tracking_number`` if ``phone`` is its applicant's or reporter's.

    ``tracking_number`` is canonical (``K-XXXXX-XXXXC``); ``phone`` canonical (``+62…``).
    ``None`` for an invalid or unknown number, a draft, or someone else's case.
    """
    if not phone or not tracking_number_is_valid(tracking_number):
        return None
    owner_phone: str | None = None
    label = ""
    with translation.override(language):
        if tracking_number.startswith(TrackingKind.PERMOHONAN):
            application = (
                Application.objects.select_related("applicant")
                .filter(tracking_number=tracking_number)
                .exclude(status=ApplicationStatus.DRAFT)
                .first()
            )
            if application is not None:
                owner_phone = application.applicant.phone if application.applicant_id else None
                label = str(ApplicationStatus(application.status).label)
        elif tracking_number.startswith(TrackingKind.ADUAN):
            report = Report.objects.select_related("reporter").filter(tracking_number=tracking_number).first()
            if report is not None:
                owner_phone = report.reporter.phone if report.reporter is not None else None
                label = str(ReportStatus(report.status).label)
    if not _same_phone(owner_phone, phone):
        return None
    return CaseStatus(tracking_number=tracking_number, status_label=label)


def villages_of_regency() -> list[VillageRef]:
    """Every desa/kelurahan of the regency with its kecamatan's name (one query)."""
    return [
        VillageRef(
            region=village, name=village.name, district_name=village.parent.name if village.parent else ""
        )
        for village in village_list()
    ]


def report_awaiting_voice(*, user: User, channel: str) -> Report | None:
    """The sender's own report a voice message may join: filed on ``channel`` within
    ``INBOUND_VOICE_WINDOW_SECONDS``, still waiting for verification, named, without a voice note."""
    since = timezone.now() - timedelta(seconds=int(settings.INBOUND_VOICE_WINDOW_SECONDS))
    return (
        Report.objects.filter(
            reporter=user,
            channel=channel,
            status=ReportStatus.RECEIVED,
            anonymous=False,
            voice__isnull=True,
            received_at__gte=since,
        )
        .order_by("-received_at", "-pk")
        .first()
    )


def voice_window_start() -> datetime:
    return timezone.now() - timedelta(seconds=int(settings.INBOUND_VOICE_WINDOW_SECONDS))


def voice_pending(*, sender_hash: str) -> InboundVoice | None:
    """The sender's latest WhatsApp voice message kept for their next ``ADUAN`` (sent within the window)."""
    return (
        InboundVoice.objects.filter(
            message__sender_hash=sender_hash,
            message__channel=Channel.WHATSAPP,
            message__received_at__gte=voice_window_start(),
        )
        .order_by("-message__received_at", "-pk")
        .first()
    )
