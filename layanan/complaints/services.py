"""Every change to a report: one function each, one transaction each.

Each service checks the actor's part through :mod:`layanan.complaints.workflow`
(which asks :mod:`layanan.accounts.permissions`), writes the change, a
:class:`ReportEvent` and ``audit_record(...)`` in one transaction, and tells
the reporter with ``transaction.on_commit`` (console channel for now).

**One entry point.** :func:`report_submit` is how every channel (web, API, SMS,
WhatsApp) files a report. It is idempotent on ``submit_key``: a repeat returns
the first report.

**The clock** (working days in WIB, holidays and cuti bersama excluded; the days
per kind are ``settings.COMPLAINT_DEADLINES``):

- ``verify_due_at = add_working_days(received_at, verify)``; postponing stops it
  (a postponed report is not counted as overdue);
- on disposition each office gets ``due_at = add_working_days(now, followup)``
  (or ``due_in_days``) and ``followup_due_at`` is the earliest of them;
- on the answer ``close_due_at = add_working_days(answered_at, close)``: the
  auto-close task closes it then if the reporter did not reply, and the
  reporter may reopen it (once) until then, also after confirming.

Escalation (``tasks.reports_escalate_breaches``) marks ``breach_notified_at``
once per phase: disposing, re-disposing and reopening clear it.

**Privacy.** Events never carry the reporter as their actor (the message says
"Pelapor"), nor the reporter's name; audit details never hold the report's
text or anyone's identity, and for an anonymous report the reporter's own
steps are audited without an actor. Only the coordinating administrator sees
who reported, through :func:`reporter_identity_view`, audited each time.

Refusals: :class:`~django.core.exceptions.PermissionDenied` (no part in the
report), :class:`TransitionNotAllowed` (not now, or not for this party),
:class:`ConcurrentChange` (someone changed it first), :class:`ReportError`
(anything else, with a message for people).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import require
from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.calendars.selectors import add_working_days
from layanan.complaints import routing, workflow
from layanan.complaints.models import (
    Category,
    Disposition,
    Kind,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
    Support,
)
from layanan.complaints.workflow import HANDLING_STATUSES, ReportError, TransitionNotAllowed
from layanan.core.uploads import CleanFile, UploadRefused, clean_upload
from layanan.regions.models import Region
from layanan.tracking.codes import TrackingKind
from layanan.tracking.services import tracking_number_new

__all__ = [
    "ConcurrentChange",
    "ReportError",
    "TransitionNotAllowed",
    "deadline_days",
    "report_answer",
    "report_archive",
    "report_auto_close",
    "report_confirm",
    "report_dispose",
    "report_not_authority",
    "report_note",
    "report_postpone",
    "report_rate",
    "report_redispose",
    "report_reopen",
    "report_start",
    "report_submit",
    "report_support",
    "report_verify",
    "reporter_identity_view",
]

REGENCY_CODE = "18.03"
TEXT_MIN = 10
TEXT_MAX = 4000
REASON_MAX = 2000
PHOTOS_MAX = 3
DEFAULT_DEADLINES = {"verify": 3, "followup": 5, "close": 10}


class ConcurrentChange(ReportError):
    """Someone else changed the report first; reload and try again."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Laporan ini baru saja diubah oleh petugas lain. "
                "Muat ulang halaman untuk melihat keadaan terbaru."
            )
        )


# --- helpers ----------------------------------------------------------------------------------------


def deadline_days(kind: str, which: str) -> int:
    """Working days of ``which`` ("verify", "followup", "close") for reports of ``kind`` (settings)."""
    configured: dict[str, dict[str, int]] = getattr(settings, "COMPLAINT_DEADLINES", {})
    return int(configured.get(kind, {}).get(which, DEFAULT_DEADLINES[which]))


def _suggestion(text: str) -> tuple[Office | None, float | None]:
    """The learned routing suggestion and its confidence (None, None without a trained model)."""
    office, confidence = routing.suggest(text=text)
    return office, (float(confidence) if office is not None else None)


def _routed_office(report: Report) -> Office:
    """The office of the routing rules for the report's category and desa (else the category's)."""
    return routing.route(category=report.category, region=report.region)


def _clean_text(text: str, *, empty: str, limit: int = REASON_MAX) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ReportError(empty)
    if len(cleaned) > limit:
        raise ReportError(_("Teks terlalu panjang (paling banyak %(limit)d karakter).") % {"limit": limit})
    return cleaned


def _fresh(report: Report, *, lock: bool = False) -> Report:
    rows = Report.objects.all()
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.select_related("category", "region").get(pk=report.pk)


def _sync(stale: Report, fresh: Report) -> None:
    """Bring the caller's instance up to date (except a reporter that a selector masked)."""
    if stale is fresh:
        return
    masked = stale.reporter_id is None and fresh.reporter_id is not None
    for model_field in Report._meta.concrete_fields:
        if masked and model_field.attname == "reporter_id":
            continue
        setattr(stale, model_field.attname, getattr(fresh, model_field.attname))


def _details(report: Report, **extra: Any) -> dict[str, Any]:
    """Audit details: what happened, never the text or anyone's identity."""
    return {"kind": report.kind, "category": report.category.slug, **extra}


def _audit_actor(actor: User | None, report: Report) -> User | None:
    """The reporter of an anonymous report acts without a name in the audit log too."""
    if actor is not None and report.anonymous and actor.pk == report.reporter_id:
        return None
    return actor


def _event_actor(actor: User | None, report: Report) -> User | None:
    """Events never name the reporter (the message says "Pelapor")."""
    if actor is not None and actor.pk == report.reporter_id:
        return None
    return actor


# Channels whose reports are answered by the inbound reply (layanan.inbound), not by a second notice.
MESSAGE_CHANNELS = frozenset({"sms", "whatsapp"})


def _notify(report: Report, event: str) -> None:
    """Tell the reporter once the transaction commits (layanan.notifications, one key per version)."""
    from layanan.complaints import notifications
    from layanan.notifications.services import notify

    reporter_id = report.reporter_id
    if reporter_id is None:
        return
    tracking = report.tracking_number
    key = f"report:{report.pk}:{event}:v{report.version}"

    def tell() -> None:
        reporter = User.objects.filter(pk=reporter_id, is_active=True).first()
        if reporter is None:
            return
        notify(
            to=reporter,
            event=notifications.event_key(event),
            data={"tracking_number": tracking},
            key=key,
        )

    transaction.on_commit(tell)


def _clean_photos(photos: Sequence[UploadedFile]) -> list[CleanFile]:
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


def _save_photos(report: Report, photos: list[CleanFile], *, by: User | None, evidence: bool) -> None:
    for clean in photos:
        photo = ReportPhoto(
            report=report,
            sha256=hashlib.sha256(clean.content).hexdigest(),
            is_evidence=evidence,
            uploaded_by=by,
        )
        photo.file.save(f"photo.{clean.extension}", ContentFile(clean.content), save=False)
        photo.save()


Changes = dict[str, Any] | Callable[[Report, datetime], dict[str, Any]]


def _step(
    report: Report,
    *,
    actor: User | None,
    action: str,
    expected_version: int | None,
    message: str,
    changes: Changes | None = None,
    before: Callable[[Report, datetime], bool] | None = None,
    after: Callable[[Report, datetime], None] | None = None,
    internal: bool = False,
    notify: str | Callable[[Report], str | None] | None = None,
    details: dict[str, Any] | None = None,
) -> Report:
    """One step: party, version, workflow, conditional update, timeline event, audit, notice.

    ``before(fresh, now)`` checks preconditions and may write rows; it returns whether every
    active disposition has answered (only ``answer`` uses it). ``after(fresh, now)`` writes
    rows that need the updated report (dispositions).
    """
    with transaction.atomic():
        fresh = _fresh(report, lock=True)
        if not workflow.parties_of(actor, fresh):
            raise PermissionDenied(f"report.{action}")
        if expected_version is not None and fresh.version != expected_version:
            raise ConcurrentChange()
        transition = workflow.transition_for(actor, fresh, action)
        now = timezone.now()
        all_answered = before(fresh, now) if before is not None else True
        from_status = fresh.status
        to_status = workflow.target(transition, fresh, all_answered=all_answered)
        values: dict[str, Any] = {"status": to_status}
        if changes is not None:
            values.update(changes(fresh, now) if callable(changes) else changes)
        updated = Report.objects.filter(pk=fresh.pk, version=fresh.version, status=from_status).update(
            version=F("version") + 1, **values
        )
        if updated != 1:
            raise ConcurrentChange()
        fresh.version += 1
        for name, value in values.items():
            setattr(fresh, name, value)
        if after is not None:
            after(fresh, now)
        ReportEvent.objects.create(
            report=fresh,
            actor=_event_actor(actor, fresh),
            action=action,
            from_status=from_status,
            to_status=to_status,
            message=message,
            internal=internal,
        )
        audit_record(
            actor=_audit_actor(actor, fresh),
            action=f"complaints.{action}",
            obj=fresh,
            details=_details(fresh, from_status=from_status, to_status=to_status, **(details or {})),
        )
        event = notify(fresh) if callable(notify) else notify
        if event:
            _notify(fresh, event)
    _sync(report, fresh)
    return fresh


# --- filing ------------------------------------------------------------------------------------------


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
    submit_key: uuid.UUID | None = None,
) -> Report:
    """File a report from any channel: the one entry point. Idempotent on ``submit_key``.

    Checks the text (``TEXT_MIN``..``TEXT_MAX`` characters), that the desa lies in the
    regency and the category is in use; re-encodes up to ``PHOTOS_MAX`` photos (EXIF
    removed); stores the learned routing suggestion; starts the verify clock.
    """
    if submit_key is not None:
        existing = Report.objects.filter(submit_key=submit_key).first()
        if existing is not None:
            return _repeat(existing, reporter)
    cleaned_text = (text or "").strip()
    if len(cleaned_text) < TEXT_MIN:
        raise ReportError(
            _("Ceritakan apa yang terjadi (paling sedikit %(count)d karakter).") % {"count": TEXT_MIN}
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
    clean_photos = _clean_photos(photos)  # CPU work before the transaction
    suggested, confidence = _suggestion(cleaned_text)
    try:
        with transaction.atomic():
            now = timezone.now()
            report = Report.objects.create(
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
            )
            _save_photos(report, clean_photos, by=reporter, evidence=False)
            ReportEvent.objects.create(
                report=report,
                actor=None,
                action="submit",
                to_status=Status.RECEIVED,
                message=_("Pelapor mengirim laporan dengan nomor pelacakan %(tracking)s.")
                % {"tracking": report.tracking_number},
            )
            audit_record(
                actor=_audit_actor(reporter, report),
                action="complaints.submit",
                obj=report,
                details=_details(
                    report,
                    channel=channel,
                    anonymous=anonymous,
                    confidential=confidential,
                    photos=len(clean_photos),
                ),
            )
            if channel not in MESSAGE_CHANNELS:  # an SMS/WhatsApp report's reply already carries the number
                _notify(report, "received")
    except IntegrityError:
        if submit_key is None:
            raise
        existing = Report.objects.filter(submit_key=submit_key).first()
        if existing is None:
            raise
        return _repeat(existing, reporter)
    return report


def _repeat(existing: Report, reporter: User | None) -> Report:
    """A repeat of a submission: the first report, if it is the same reporter's."""
    if existing.reporter_id != (reporter.pk if reporter is not None else None):
        raise ReportError(_("Formulir ini sudah dipakai. Muat ulang halaman."))
    return existing


def report_support(*, report: Report, user: User) -> Support:
    """ "Saya juga mengalami ini": ``user`` follows and supports an open, non-confidential report, once."""
    if not user.is_active or user.pk is None:
        raise PermissionDenied("report.support")
    fresh = _fresh(report)
    if fresh.reporter_id == user.pk:
        raise ReportError(_("Ini laporan Anda sendiri."))
    if fresh.confidential or fresh.status not in workflow.OPEN_STATUSES:
        raise ReportError(_("Laporan ini tidak dapat didukung."))
    existing = Support.objects.filter(report=fresh, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            support = Support.objects.create(report=fresh, user=user)
            ReportEvent.objects.create(
                report=fresh,
                actor=None,
                action="support",
                from_status=fresh.status,
                to_status=fresh.status,
                message=_("Seorang warga juga mengalami hal ini dan mendukung laporan."),
            )
            audit_record(actor=user, action="complaints.support", obj=fresh, details=_details(fresh))
    except IntegrityError:
        return Support.objects.get(report=fresh, user=user)
    return support


# --- the coordinating administrator -------------------------------------------------------------------


def report_verify(
    *, report: Report, actor: User, expected_version: int, office: Office | None = None, instruction: str = ""
) -> Report:
    """Verify and dispose in one go: to ``office`` when the verifier overrides, else the routed office."""
    fresh = _fresh(report)
    if fresh.status not in (Status.RECEIVED, Status.POSTPONED):
        workflow.transition_for(actor, fresh, "verify")  # refuses with the right message
    chosen = office or _routed_office(fresh)
    disposed = report_dispose(
        report=report,
        actor=actor,
        expected_version=expected_version,
        offices=[chosen],
        instruction=instruction,
    )
    _sync(report, disposed)
    return disposed


def report_postpone(*, report: Report, actor: User, expected_version: int, reason: str) -> Report:
    reason = _clean_text(reason, empty=_("Tuliskan alasan penundaan."))
    return _step(
        report,
        actor=actor,
        action="postpone",
        expected_version=expected_version,
        message=_("Laporan ditunda: %(reason)s") % {"reason": reason},
        changes={"status_reason": reason},
        notify="postponed",
    )


def report_not_authority(
    *, report: Report, actor: User, expected_version: int, reason: str, redirect_to: str
) -> Report:
    reason = _clean_text(reason, empty=_("Tuliskan alasan bukan kewenangan."))
    redirect = _clean_text(redirect_to, empty=_("Tuliskan ke mana pelapor sebaiknya melapor."), limit=240)
    return _step(
        report,
        actor=actor,
        action="not_authority",
        expected_version=expected_version,
        message=_("Bukan kewenangan Pemerintah Kabupaten: %(reason)s Sebaiknya ke: %(to)s")
        % {"reason": reason, "to": redirect},
        changes=lambda fresh, now: {"status_reason": reason, "redirect_to": redirect, "closed_at": now},
        notify="not_authority",
    )


def report_archive(
    *, report: Report, actor: User, expected_version: int, reason: str, duplicate_of: Report | None = None
) -> Report:
    """Archive as spam, or as a duplicate of ``duplicate_of`` (its supporters and reporter move there)."""
    reason = _clean_text(reason, empty=_("Tuliskan alasan pengarsipan."))
    original: Report | None = None
    if duplicate_of is not None:
        original = _fresh(duplicate_of)
        while original.duplicate_of_id is not None:  # always point at the first report
            original = Report.objects.select_related("category", "region").get(pk=original.duplicate_of_id)
        if original.pk == report.pk:
            raise ReportError(_("Laporan tidak dapat menjadi duplikat dirinya sendiri."))
        if original.status not in workflow.OPEN_STATUSES:
            raise ReportError(_("Laporan asli sudah tidak terbuka; arsipkan tanpa menandai duplikat."))

    def move_supporters(fresh: Report, now: datetime) -> None:
        if original is None:
            return
        users = set(Support.objects.filter(report=fresh).values_list("user_id", flat=True))
        if fresh.reporter_id is not None:
            users.add(fresh.reporter_id)
        users.discard(original.reporter_id)
        already = set(
            Support.objects.filter(report=original, user_id__in=users).values_list("user_id", flat=True)
        )
        Support.objects.bulk_create(
            [Support(report=original, user_id=uid) for uid in sorted(users - already)]
        )
        Support.objects.filter(report=fresh).delete()

    message = (
        _("Laporan diarsipkan sebagai duplikat dari %(tracking)s: %(reason)s")
        % {"tracking": original.tracking_number, "reason": reason}
        if original is not None
        else _("Laporan diarsipkan: %(reason)s") % {"reason": reason}
    )
    return _step(
        report,
        actor=actor,
        action="archive",
        expected_version=expected_version,
        message=message,
        changes=lambda fresh, now: {
            "status_reason": reason,
            "duplicate_of_id": original.pk if original is not None else None,
            "closed_at": now,
        },
        after=move_supporters,
        notify="archived",
        details={"duplicate": original is not None},
    )


def _active_offices(offices: Sequence[Office]) -> list[Office]:
    chosen: list[Office] = []
    for office in offices:
        if not office.is_active:
            raise ReportError(_("Instansi %(office)s tidak aktif.") % {"office": office.name})
        if office.pk not in {o.pk for o in chosen}:
            chosen.append(office)
    if not chosen:
        raise ReportError(_("Pilih paling sedikit satu instansi tujuan."))
    return chosen


def report_dispose(
    *,
    report: Report,
    actor: User,
    expected_version: int,
    offices: list[Office],
    instruction: str,
    due_in_days: int | None = None,
) -> Report:
    """Forward a report to one or more offices, each with the follow-up deadline.

    A report still waiting for verification is verified first, in the same transaction.
    """
    chosen = _active_offices(offices)
    if report.status in (Status.RECEIVED, Status.POSTPONED):
        with transaction.atomic():
            verified = _step(
                report,
                actor=actor,
                action="verify",
                expected_version=expected_version,
                message=_("Laporan diverifikasi."),
                changes={"status_reason": ""},
                notify="verified",
            )
            disposed = report_dispose(
                report=verified,
                actor=actor,
                expected_version=verified.version,
                offices=chosen,
                instruction=instruction,
                due_in_days=due_in_days,
            )
        _sync(report, disposed)
        return disposed
    instruction = (instruction or "").strip()[:REASON_MAX]
    if due_in_days is not None and not 1 <= due_in_days <= 60:
        raise ReportError(_("Batas waktu tindak lanjut harus 1 sampai 60 hari kerja."))

    def due(fresh: Report, now: datetime) -> datetime:
        return add_working_days(now, due_in_days or deadline_days(fresh.kind, "followup"))

    def create(fresh: Report, now: datetime) -> None:
        due_at = due(fresh, now)
        already = set(
            Disposition.objects.filter(report=fresh, is_active=True).values_list("office_id", flat=True)
        )
        Disposition.objects.bulk_create(
            [
                Disposition(report=fresh, office=o, instruction=instruction, due_at=due_at, created_by=actor)
                for o in chosen
                if o.pk not in already
            ]
        )

    def changes(fresh: Report, now: datetime) -> dict[str, object]:
        # Offices added later keep the earliest follow-up deadline on the report.
        new_due = due(fresh, now)
        if fresh.status in HANDLING_STATUSES and fresh.followup_due_at is not None:
            return {"followup_due_at": min(fresh.followup_due_at, new_due)}
        return {"followup_due_at": new_due, "breach_notified_at": None}

    return _step(
        report,
        actor=actor,
        action="dispose",
        expected_version=expected_version,
        message=_("Laporan diteruskan ke %(offices)s.") % {"offices": ", ".join(o.name for o in chosen)},
        changes=changes,
        after=create,
        details={"offices": [o.code for o in chosen]},
    )


def report_redispose(
    *, report: Report, actor: User, expected_version: int, from_office: Office, to_office: Office, reason: str
) -> Report:
    """Move one office's active disposition to another office, which gets a full follow-up period."""
    reason = _clean_text(reason, empty=_("Tuliskan alasan pengalihan."))
    _active_offices([to_office])
    new_due: dict[str, datetime] = {}

    def check(fresh: Report, now: datetime) -> bool:
        if actor.role != Role.ADMIN and actor.office_id != from_office.pk:
            raise ReportError(_("Anda hanya dapat mengalihkan disposisi kantor Anda sendiri."))
        active = Disposition.objects.filter(report=fresh, is_active=True)
        if not active.filter(office=from_office).exists():
            raise ReportError(
                _("%(office)s tidak sedang menangani laporan ini.") % {"office": from_office.name}
            )
        if active.filter(office=to_office).exists():
            raise ReportError(_("%(office)s sudah menangani laporan ini.") % {"office": to_office.name})
        new_due["at"] = add_working_days(now, deadline_days(fresh.kind, "followup"))
        active.filter(office=from_office).update(is_active=False)
        Disposition.objects.create(
            report=fresh, office=to_office, instruction=reason, due_at=new_due["at"], created_by=actor
        )
        return True

    def followup(fresh: Report, now: datetime) -> dict[str, Any]:
        earliest = (
            Disposition.objects.filter(report=fresh, is_active=True, answered_at__isnull=True)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        return {"followup_due_at": earliest or new_due["at"], "breach_notified_at": None}

    return _step(
        report,
        actor=actor,
        action="redispose",
        expected_version=expected_version,
        message=_("Penanganan dialihkan dari %(from)s ke %(to)s: %(reason)s")
        % {"from": from_office.name, "to": to_office.name, "reason": reason},
        before=check,
        changes=followup,
        details={"from_office": from_office.code, "to_office": to_office.code},
    )


# --- the offices ---------------------------------------------------------------------------------------


def report_start(*, report: Report, actor: User, expected_version: int) -> Report:
    """An office with an active disposition starts the follow-up."""
    return _step(
        report,
        actor=actor,
        action="start",
        expected_version=expected_version,
        message=_("%(office)s mulai menindaklanjuti laporan.") % {"office": _office_name(actor)},
        notify="in_progress",
    )


def _office_name(actor: User) -> str:
    office = actor.office
    return office.name if office is not None else ""


def report_note(*, report: Report, actor: User, text: str) -> None:
    """An internal note of the coordinator or a handling office; never shown to the reporter."""
    text = _clean_text(text, empty=_("Catatan tidak boleh kosong."))
    with transaction.atomic():
        fresh = _fresh(report)
        workflow.transition_for(actor, fresh, "note")
        ReportEvent.objects.create(
            report=fresh,
            actor=actor,
            action="note",
            from_status=fresh.status,
            to_status=fresh.status,
            message=text,
            internal=True,
        )
        audit_record(actor=actor, action="complaints.note", obj=fresh, details=_details(fresh))


def report_answer(
    *, report: Report, actor: User, expected_version: int, answer: str, evidence: Sequence[UploadedFile] = ()
) -> Report:
    """The public answer of a handling office (with evidence photos of the fix).

    The report is *answered* when every active disposition has answered; until then it
    stays in progress and the answers add up, each under its office's name.
    """
    answer = _clean_text(answer, empty=_("Tuliskan jawaban untuk pelapor."), limit=TEXT_MAX)
    clean_evidence = _clean_photos(evidence)
    office = actor.office

    def mark(fresh: Report, now: datetime) -> bool:
        mine = Disposition.objects.filter(report=fresh, is_active=True, office_id=actor.office_id or 0)
        mine.update(answered_at=now)
        return not Disposition.objects.filter(report=fresh, is_active=True, answered_at__isnull=True).exists()

    def changes(fresh: Report, now: datetime) -> dict[str, Any]:
        several = Disposition.objects.filter(report=fresh, is_active=True).count() > 1
        text = f"{office.name}: {answer}" if several and office is not None else answer
        if several and fresh.public_answer:
            text = f"{fresh.public_answer}\n\n{text}"
        values: dict[str, Any] = {"public_answer": text}
        if not Disposition.objects.filter(report=fresh, is_active=True, answered_at__isnull=True).exists():
            values["answered_at"] = now
            values["close_due_at"] = add_working_days(now, deadline_days(fresh.kind, "close"))
        return values

    def save_evidence(fresh: Report, now: datetime) -> None:
        _save_photos(fresh, clean_evidence, by=actor, evidence=True)

    return _step(
        report,
        actor=actor,
        action="answer",
        expected_version=expected_version,
        message=_("%(office)s menjawab: %(answer)s") % {"office": _office_name(actor), "answer": answer},
        before=mark,
        changes=changes,
        after=save_evidence,
        notify=lambda fresh: "answered" if fresh.status == Status.ANSWERED else None,
        details={"office": office.code if office is not None else "", "evidence": len(clean_evidence)},
    )


# --- the reporter ----------------------------------------------------------------------------------------


def report_confirm(*, report: Report, actor: User) -> Report:
    """The reporter accepts the answer: the report is closed."""
    return _step(
        report,
        actor=actor,
        action="confirm",
        expected_version=None,
        message=_("Pelapor mengonfirmasi jawaban; laporan selesai."),
        changes=lambda fresh, now: {"closed_at": now},
        notify="closed",
    )


def report_rate(*, report: Report, actor: User, satisfied: bool, comment: str = "") -> Report:
    """The reporter rates the answer; "not satisfied" may be followed by :func:`report_reopen`."""
    comment = (comment or "").strip()[:REASON_MAX]
    return _step(
        report,
        actor=actor,
        action="rate",
        expected_version=None,
        message=_("Pelapor puas dengan jawaban.") if satisfied else _("Pelapor belum puas dengan jawaban."),
        changes={"satisfied": satisfied, "rating_comment": comment},
        details={"satisfied": satisfied},
    )


def reopen_deadline(report: Report) -> datetime | None:
    """Until when the reporter may reopen: ``close`` working days after the answer."""
    if report.answered_at is None:
        return None
    return add_working_days(report.answered_at, deadline_days(report.kind, "close"))


def report_reopen(*, report: Report, actor: User, reason: str) -> Report:
    """The reporter reopens an answered or closed report, once, within the reopen window."""
    reason = _clean_text(reason, empty=_("Tuliskan alasan membuka kembali laporan."))

    def check(fresh: Report, now: datetime) -> bool:
        if fresh.reopened_count >= 1:
            raise TransitionNotAllowed(_("Laporan hanya dapat dibuka kembali satu kali."))
        until = reopen_deadline(fresh)
        if until is None or now > until:
            raise TransitionNotAllowed(_("Batas waktu untuk membuka kembali laporan ini sudah lewat."))
        due_at = add_working_days(now, deadline_days(fresh.kind, "followup"))
        Disposition.objects.filter(report=fresh, is_active=True).update(answered_at=None, due_at=due_at)
        return True

    return _step(
        report,
        actor=actor,
        action="reopen",
        expected_version=None,
        message=_("Pelapor membuka kembali laporan: %(reason)s") % {"reason": reason},
        before=check,
        changes=lambda fresh, now: {
            "reopened_count": F("reopened_count") + 1,
            "status_reason": reason,
            "closed_at": None,
            "close_due_at": None,
            "answered_at": None,
            "followup_due_at": add_working_days(now, deadline_days(fresh.kind, "followup")),
            "breach_notified_at": None,
        },
        notify="reopened",
    )


# --- the clock and the identity ----------------------------------------------------------------------------


def report_auto_close(*, report: Report) -> Report:
    """Close an answered report whose reporter did not reply by ``close_due_at`` (the system acts)."""

    def due(fresh: Report, now: datetime) -> bool:
        if fresh.close_due_at is None or fresh.close_due_at > now:
            raise TransitionNotAllowed(_("Laporan belum waktunya ditutup otomatis."))
        return True

    return _step(
        report,
        actor=None,
        action="auto_close",
        expected_version=None,
        message=_("Laporan ditutup tanpa balasan pelapor."),
        before=due,
        changes=lambda fresh, now: {"closed_at": now},
        notify="closed",
    )


def reporter_identity_view(*, report: Report, actor: User) -> User | None:
    """Who reported (the coordinating administrator only; audited each time; None for anonymous)."""
    require(actor, "report.verify", report)
    with transaction.atomic():
        fresh = Report.objects.select_related("reporter", "category").get(pk=report.pk)
        audit_record(
            actor=actor,
            action="complaints.identity_view",
            obj=fresh,
            details=_details(fresh, anonymous=fresh.anonymous),
        )
    if fresh.anonymous:
        return None
    return fresh.reporter
