"""What every stage of a report shares: the limits, the deadlines, texts and photos."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.complaints.models import Report, ReportPhoto, ReportVoice
from layanan.complaints.workflow import ReportError
from layanan.core.audio import CleanAudio, clean_voice
from layanan.core.forms import REASON_MAX
from layanan.core.uploads import CleanFile, UploadRefused, check_upload_quota, clean_upload

REGENCY_CODE = "18.03"

TEXT_MIN = 10

TEXT_MAX = 4000


PHOTOS_MAX = 3

DEFAULT_DEADLINES = {"verify": 3, "followup": 5, "close": 10}

# Channels whose reports are answered by the inbound reply (layanan.inbound), not by a second notice.
MESSAGE_CHANNELS = frozenset({"sms", "whatsapp"})


def deadline_days(kind: str, which: str) -> int:
    """Working days of ``which`` ("verify", "followup", "close") for reports of ``kind`` (settings)."""
    configured: dict[str, dict[str, int]] = getattr(settings, "COMPLAINT_DEADLINES", {})
    return int(configured.get(kind, {}).get(which, DEFAULT_DEADLINES[which]))


def clean_text(text: str, *, empty: str, limit: int = REASON_MAX) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ReportError(empty)
    if len(cleaned) > limit:
        raise ReportError(_("Teks terlalu panjang (paling banyak %(limit)d karakter).") % {"limit": limit})
    return cleaned


def clean_photos(photos: Sequence[UploadedFile]) -> list[CleanFile]:
    if len(photos) > PHOTOS_MAX:
        raise ReportError(_("Paling banyak %(count)d foto.") % {"count": PHOTOS_MAX})
    cleaned: list[CleanFile] = []
    for upload in photos:
        try:
            clean = clean_upload(upload)
        except UploadRefused as error:
            raise ReportError(str(error)) from error
        if not clean.content_type.startswith("image/"):
            raise ReportError(_("Lampiran laporan harus berupa foto (JPG, PNG atau WebP)."))
        cleaned.append(clean)
    return cleaned


def save_photos(report: Report, photos: list[CleanFile], *, by: User | None, evidence: bool) -> None:
    """Store the photos; over the sender's upload quota, :class:`ReportError` before any is written."""
    try:
        check_upload_quota(by, photos)
    except UploadRefused as error:
        raise ReportError(str(error)) from error
    for clean in photos:
        photo = ReportPhoto(
            report=report,
            sha256=hashlib.sha256(clean.content).hexdigest(),
            is_evidence=evidence,
            # The agency's photo of the fix belongs to its public answer (still hidden while the
            # report is confidential or off the public list); a reporter's photo waits for an officer.
            published=evidence,
            uploaded_by=by,
        )
        photo.file.save(f"photo.{clean.extension}", ContentFile(clean.content), save=False)
        photo.save()


def voice_clean(voice: UploadedFile | CleanAudio | None) -> CleanAudio | None:
    """The voice note checked and re-encoded (the web form hands it over already cleaned)."""
    if voice is None or isinstance(voice, CleanAudio):
        return voice
    try:
        return clean_voice(voice)
    except UploadRefused as error:
        raise ReportError(str(error)) from error


def voice_save(report: Report, voice: CleanAudio, *, by: User | None) -> ReportVoice:
    """Store the voice note (sealed at rest like every file); over the quota, :class:`ReportError`."""
    try:
        check_upload_quota(by, [voice])
    except UploadRefused as error:
        raise ReportError(str(error)) from error
    stored = ReportVoice(
        report=report,
        sha256=voice.sha256,
        size=voice.size,
        seconds=max(1, math.ceil(voice.seconds)),
        uploaded_by=by,
    )
    stored.file.save(f"voice.{voice.extension}", ContentFile(voice.content), save=False)
    stored.save()
    return stored
