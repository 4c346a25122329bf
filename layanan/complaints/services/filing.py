"""Filing a report from any channel, and other residents' support for it.

**One entry point.** :func:`report_submit` is how every channel (web, API, SMS,
WhatsApp) files a report. It is idempotent on ``submit_key``: a repeat returns
the first report. It starts the verify clock:
``verify_due_at = add_working_days(received_at, verify)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.calendars.selectors import add_working_days
from layanan.complaints import routing
from layanan.complaints.models import Category, Kind, Report, ReportVoice, Status, Support
from layanan.complaints.services.common import (
    MESSAGE_CHANNELS,
    PHOTOS_MAX,
    REGENCY_CODE,
    TEXT_MAX,
    TEXT_MIN,
    clean_photos,
    deadline_days,
    save_photos,
    voice_clean,
    voice_save,
)
from layanan.complaints.workflow import OPEN_STATUSES, WORKFLOW, ReportError
from layanan.core.audio import CleanAudio
from layanan.core.writes import batched, insert_new
from layanan.regions.models import Region
from layanan.tracking.codes import TrackingKind
from layanan.tracking.services import tracking_number_new

__all__ = ["PHOTOS_MAX", "report_submit", "report_support", "report_voice_add", "voice_anonymous_message"]


def _suggestion(text: str) -> tuple[Office | None, float | None]:
    """The learned routing suggestion and its confidence (None, None without a trained model)."""
    office, confidence = routing.suggest(text=text)
    return office, (float(confidence) if office is not None else None)


def _validate_submission(
    *,
    reporter: User | None,
    kind: str,
    category: Category,
    region: Region,
    latitude: Decimal | None,
    longitude: Decimal | None,
    address_text: str,
    occurred_on: date | None,
) -> None:
    if reporter is not None and not reporter.is_active:
        raise PermissionDenied("report.submit")
    if kind not in Kind.values:
        raise ReportError(_("Pilih jenis laporan: pengaduan, aspirasi atau permintaan informasi."))
    if not category.is_active:
        raise ReportError(_("Kategori ini tidak lagi dipakai. Pilih kategori lain."))
    if region.level != Region.Level.VILLAGE or not region.code.startswith(REGENCY_CODE + "."):
        raise ReportError(_("Pilih desa/kelurahan di Kabupaten Lampung Utara."))
    if (latitude is None) != (longitude is None):
        raise ReportError(_("Titik lokasi tidak lengkap. Pilih titik lagi atau kosongkan."))
    if latitude is not None and longitude is not None and (abs(latitude) > 90 or abs(longitude) > 180):
        raise ReportError(_("Titik lokasi tidak valid."))
    if len(address_text) > 240:
        raise ReportError(_("Alamat atau patokan terlalu panjang (paling banyak 240 karakter)."))
    if occurred_on is not None and occurred_on > timezone.localdate():
        raise ReportError(_("Tanggal kejadian tidak boleh di masa depan."))


def report_submit(
    *,
    reporter: User | None,
    kind: str,
    category: Category,
    text: str,
    region: Region,
    channel: str = "web",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address_text: str = "",
    occurred_on: date | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    photos: Sequence[UploadedFile] = (),
    voice: UploadedFile | CleanAudio | None = None,
    submit_key: uuid.UUID | None = None,
    practice: bool = False,
) -> Report:
    """File a report from any channel: the one entry point. Idempotent on ``submit_key``.

    Checks the text (``TEXT_MIN``..``TEXT_MAX`` characters; optional, up to ``TEXT_MAX``, with a
    voice note), that the desa lies in the regency and the category is in use; re-encodes up to
    ``PHOTOS_MAX`` photos (EXIF removed) and the voice note (Opus, ``core.audio``); stores the
    learned routing suggestion; starts the verify clock. A voice identifies its speaker, so an
    anonymous report cannot carry one. A ``practice`` report (practice mode) gets no routing
    suggestion and no notice, and reaches no office (``docs/practice-mode.md``).
    """
    # A repeated ``submit_key`` is found by the unique constraint (the IntegrityError below), not
    # by a look-up first: one query less on every first submit, the common case.
    cleaned_text = (text or "").strip()
    if voice is not None and anonymous:
        raise ReportError(voice_anonymous_message())
    if voice is None and len(cleaned_text) < TEXT_MIN:
        raise ReportError(
            _("Ceritakan apa yang terjadi (paling sedikit %(count)d karakter), atau kirim pesan suara.")
            % {"count": TEXT_MIN}
        )
    if len(cleaned_text) > TEXT_MAX:
        raise ReportError(
            _("Isi laporan terlalu panjang (paling banyak %(count)d karakter).") % {"count": TEXT_MAX}
        )
    address = (address_text or "").strip()
    _validate_submission(
        reporter=reporter,
        kind=kind,
        category=category,
        region=region,
        latitude=latitude,
        longitude=longitude,
        address_text=address,
        occurred_on=occurred_on,
    )
    cleaned_photos = clean_photos(photos)  # CPU work before the transaction
    cleaned_voice = voice_clean(voice)
    suggested, confidence = (None, None) if practice else _suggestion(cleaned_text)
    try:
        # batched(): the audit row and the task rows (notice, summary refresh) go in one statement.
        with transaction.atomic(), batched():
            now = timezone.now()
            report = Report(
                tracking_number=tracking_number_new(kind=TrackingKind.ADUAN),
                kind=kind,
                category=category,
                text=cleaned_text,
                region=region,
                latitude=latitude,
                longitude=longitude,
                address_text=address,
                occurred_on=occurred_on,
                reporter=reporter,
                channel=channel,
                anonymous=anonymous,
                confidential=confidential,
                submit_key=submit_key,  # a duplicate key raises IntegrityError: the savepoint rolls back
                verify_due_at=add_working_days(now, deadline_days(kind, "verify")),
                suggested_office=suggested,
                suggestion_confidence=confidence,
                practice=practice,
            )
            insert_new(report)  # as create(), with post_save (the summary refresh), the INSERT prebuilt
            save_photos(report, cleaned_photos, by=reporter, evidence=False)
            if cleaned_voice is not None:
                voice_save(report, cleaned_voice, by=reporter)
            words = _("Pelapor mengirim laporan dengan nomor pelacakan %(tracking)s.")
            WORKFLOW.event(
                report, "submit", None, words % {"tracking": report.tracking_number}, from_status=""
            )
            WORKFLOW.audit(
                report,
                actor=reporter,
                action="submit",
                channel=channel,
                anonymous=anonymous,
                confidential=confidential,
                photos=len(cleaned_photos),
                voice=cleaned_voice is not None,
                **({"practice": True} if practice else {}),
            )
            WORKFLOW.publish(report, "submit", from_status="", to_status=report.status)
            if channel not in MESSAGE_CHANNELS:  # an SMS/WhatsApp report's reply already carries the number
                WORKFLOW.tell(report, "received")
    except IntegrityError:
        if submit_key is None:
            raise
        existing = Report.objects.filter(submit_key=submit_key).first()
        if existing is None:
            raise
        return _repeat(existing, reporter)
    return report


def voice_anonymous_message() -> str:
    return _(
        "Pesan suara tidak dapat dikirim secara anonim, karena suara Anda dapat dikenali. "
        "Tulis laporan Anda, atau hapus pilihan Anonim."
    )


def report_voice_add(*, report: Report, voice: UploadedFile | CleanAudio, actor: User) -> ReportVoice:
    """The reporter adds a voice note to their report while it waits for verification, once.

    For a channel that sends the words and the voice apart (a WhatsApp voice message after
    ``ADUAN``). The same checks as at filing (``core.audio``); never on an anonymous report.
    """
    cleaned = voice_clean(voice)
    assert cleaned is not None
    with transaction.atomic():
        fresh = Report.objects.select_for_update().select_related("category").get(pk=report.pk)
        if not actor.is_active or fresh.reporter_id != actor.pk:
            raise PermissionDenied("report.voice_add")
        if fresh.anonymous:
            raise ReportError(voice_anonymous_message())
        if fresh.status != Status.RECEIVED:
            raise ReportError(_("Laporan ini sudah diperiksa petugas; pesan suara tidak dapat ditambahkan."))
        if ReportVoice.objects.filter(report=fresh).exists():
            raise ReportError(_("Laporan ini sudah punya pesan suara."))
        stored = voice_save(fresh, cleaned, by=actor)
        WORKFLOW.event(fresh, "voice_add", None, _("Pelapor menambahkan pesan suara."))
        WORKFLOW.audit(fresh, actor=actor, action="voice_add")
    return stored


def _repeat(existing: Report, reporter: User | None) -> Report:
    """A repeat of a submission: the first report, if it is the same reporter's."""
    if existing.reporter_id != (reporter.pk if reporter is not None else None):
        raise ReportError(_("Formulir ini sudah dipakai. Muat ulang halaman."))
    return existing


def report_support(*, report: Report, user: User) -> Support:
    """ "Saya juga mengalami ini": ``user`` follows and supports an open, non-confidential report, once."""
    if not user.is_active or user.pk is None:
        raise PermissionDenied("report.support")
    fresh = WORKFLOW.fresh(report)
    if fresh.reporter_id == user.pk:
        raise ReportError(_("Ini laporan Anda sendiri."))
    if fresh.confidential or fresh.practice or fresh.status not in OPEN_STATUSES:
        raise ReportError(_("Laporan ini tidak dapat didukung."))
    existing = Support.objects.filter(report=fresh, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            support = Support.objects.create(report=fresh, user=user)
            WORKFLOW.event(
                fresh, "support", None, _("Seorang warga juga mengalami hal ini dan mendukung laporan.")
            )
            WORKFLOW.audit(fresh, actor=user, action="support")
    except IntegrityError:
        return Support.objects.get(report=fresh, user=user)
    return support
