"""Writes of the Musrenbang cycle: each one transaction with its audit row.

The callers (views, admin) have asked the permission table first (``aspiration.propose``,
``aspiration.support``, ``aspiration.manage``); these functions keep the workflow whole:
:data:`TRANSITIONS` is the one table of which step may follow which, and a step not in it is
refused with a plain Indonesian message. The proposer and the supporters are told of the three
outcomes by a task enqueued with the change (``tasks.usulan_tell``), each person once.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.accounts.permissions import can
from layanan.aspirations.models import MusrenbangRound, Plan, Status, Support, Topic, Usulan, UsulanPhoto
from layanan.aspirations.tasks import usulan_tell
from layanan.audit.services import audit_record
from layanan.calendars.selectors import WIB
from layanan.core.uploads import CleanFile, UploadRefused, check_upload_quota, clean_upload
from layanan.core.writes import enqueue_with_transaction
from layanan.regions.models import Region
from layanan.regions.selectors import region_in_regency

TITLE_MAX = 120
DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 4000
REASON_MAX = 1000
PHOTOS_MAX = 3
# Which statuses a supporter may still support in: once decided, support changes nothing.
SUPPORTABLE = frozenset({Status.SUBMITTED, Status.DISCUSSED})


class AspirationError(Exception):
    """A step that cannot be taken, said plainly in Indonesian (``str(error)``)."""


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str


# The workflow as data: an usulan is never closed, it only moves on (docs/aspirations.md).
TRANSITIONS: dict[str, Step] = {
    "discuss": Step(frozenset({Status.SUBMITTED}), Status.DISCUSSED),
    "accept": Step(frozenset({Status.SUBMITTED, Status.DISCUSSED, Status.NOT_ACCEPTED}), Status.ACCEPTED),
    "reject": Step(frozenset({Status.SUBMITTED, Status.DISCUSSED}), Status.NOT_ACCEPTED),
    "built": Step(frozenset({Status.ACCEPTED}), Status.BUILT),
}
# The steps the proposer and the supporters are told of, and the notice of each.
TOLD: dict[str, str] = {
    "accept": "aspiration.accepted",
    "reject": "aspiration.not_accepted",
    "built": "aspiration.built",
}


def musrenbang_year() -> int:
    """The year of the Musrenbang an usulan made today goes to (the WIB calendar year)."""
    return timezone.localtime(timezone.now(), WIB).year


# --- proposing -------------------------------------------------------------------------------------


def _clean_photos(photos: Sequence[UploadedFile]) -> list[CleanFile]:
    if len(photos) > PHOTOS_MAX:
        raise AspirationError(_("Pilih paling banyak %(count)d foto.") % {"count": PHOTOS_MAX})
    cleaned: list[CleanFile] = []
    for upload in photos:
        try:
            clean = clean_upload(upload)
        except UploadRefused as refused:
            raise AspirationError(str(refused)) from refused
        if not clean.content_type.startswith("image/"):
            raise AspirationError(_("Lampiran usulan harus berupa foto (JPG/PNG)."))
        cleaned.append(clean)
    return cleaned


def _save_photos(usulan: Usulan, photos: list[CleanFile], *, by: User) -> None:
    try:
        check_upload_quota(by, photos)
    except UploadRefused as refused:
        raise AspirationError(str(refused)) from refused
    for clean in photos:
        photo = UsulanPhoto(
            usulan=usulan,
            sha256=hashlib.sha256(clean.content).hexdigest(),
            size=clean.size,
            uploaded_by=by,
        )
        photo.file.save(f"foto.{clean.extension}", ContentFile(clean.content), save=False)
        photo.save()


def usulan_submit(
    *,
    proposer: User,
    region: Region,
    topic: str,
    title: str,
    description: str,
    address_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[UploadedFile] = (),
    submit_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> tuple[Usulan, bool]:
    """Propose an usulan for a desa; ``(usulan, created)``. Idempotent on ``submit_key``.

    The same form sent twice (a double tap, the outbox sending again) gives the first usulan back
    and stores nothing more.
    """
    if submit_key is not None:
        earlier = Usulan.objects.filter(submit_key=submit_key).first()
        if earlier is not None:
            return _repeat(earlier, proposer), False
    if not can(proposer, "aspiration.propose"):
        raise AspirationError(_("Hanya warga yang masuk dengan akunnya dapat mengajukan usulan."))
    if region.level != Region.Level.VILLAGE or not region_in_regency(region):
        raise AspirationError(_("Pilih desa/kelurahan dari daftar."))
    if topic not in Topic.values:
        raise AspirationError(_("Pilih bidang usulan dari daftar."))
    clean_title = (title or "").strip()
    clean_description = (description or "").strip()
    if not clean_title:
        raise AspirationError(_("Tulis judul usulan."))
    if len(clean_title) > TITLE_MAX:
        raise AspirationError(
            _("Judul terlalu panjang (paling banyak %(count)d huruf).") % {"count": TITLE_MAX}
        )
    if len(clean_description) < DESCRIPTION_MIN:
        raise AspirationError(
            _("Ceritakan usulan Anda sedikit lebih lengkap (paling sedikit %(count)d huruf).")
            % {"count": DESCRIPTION_MIN}
        )
    if len(clean_description) > DESCRIPTION_MAX:
        raise AspirationError(
            _("Uraian terlalu panjang (paling banyak %(count)d huruf).") % {"count": DESCRIPTION_MAX}
        )
    if (latitude is None) != (longitude is None):
        raise AspirationError(_("Isi garis lintang dan garis bujur, atau kosongkan keduanya."))
    cleaned = _clean_photos(photos)  # CPU work before the transaction
    try:
        with transaction.atomic():
            usulan = Usulan.objects.create(
                region=region,
                topic=topic,
                title=clean_title,
                description=clean_description,
                address_text=(address_text or "").strip()[:240],
                latitude=latitude,
                longitude=longitude,
                proposer=proposer,
                year=musrenbang_year(),
                submit_key=submit_key,
            )
            _save_photos(usulan, cleaned, by=proposer)
            audit_record(
                actor=proposer,
                action="aspirations.submit",
                obj=usulan,
                request=request,
                details={"region": region.code, "topic": topic, "photos": len(cleaned)},
            )
    except IntegrityError:
        if submit_key is None:
            raise
        existing = Usulan.objects.filter(submit_key=submit_key).first()
        if existing is None:
            raise
        return _repeat(existing, proposer), False
    return usulan, True


def _repeat(usulan: Usulan, proposer: User) -> Usulan:
    if usulan.proposer_id != proposer.pk:
        raise AspirationError(_("Formulir ini sudah dipakai. Muat ulang halaman, lalu isi lagi."))
    return usulan


# --- supporting ------------------------------------------------------------------------------------


def support_refusal(*, usulan: Usulan, user: User) -> str:
    """Why ``user`` may not support ``usulan``, in plain Indonesian; empty when they may."""
    if user.role != Role.CITIZEN or not user.is_active:
        return _("Hanya warga yang masuk dengan akunnya dapat mendukung usulan.")
    if usulan.proposer_id == user.pk:
        return _("Ini usulan Anda sendiri.")
    if user.home_region_id is None:
        return _(
            "Isi dulu desa/kelurahan tempat tinggal Anda di halaman akun. "
            "Hanya warga desa ini yang dapat mendukung usulannya."
        )
    if not can(user, "aspiration.support", usulan):
        return _("Hanya warga %(desa)s yang dapat mendukung usulan ini.") % {"desa": usulan.region.name}
    if usulan.status not in SUPPORTABLE:
        return _("Usulan ini sudah diputuskan; dukungan tidak lagi diperlukan.")
    return ""


def usulan_support(*, usulan: Usulan, user: User, request: HttpRequest | None = None) -> tuple[Support, bool]:
    """ "Saya mendukung": ``user`` supports ``usulan`` once; ``(support, created)``. Twice is once."""
    existing = Support.objects.filter(usulan=usulan, user=user).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        fresh = Usulan.objects.select_for_update().select_related("region").get(pk=usulan.pk)
        refusal = support_refusal(usulan=fresh, user=user)
        if refusal:
            raise AspirationError(refusal)
        try:
            with transaction.atomic():
                support = Support.objects.create(usulan=fresh, user=user)
        except IntegrityError:
            return Support.objects.get(usulan=fresh, user=user), False
        audit_record(actor=user, action="aspirations.support", obj=fresh, request=request)
    return support, True


# --- the operator's steps --------------------------------------------------------------------------


def _step(
    *,
    usulan: Usulan,
    actor: User,
    action: str,
    changes: dict[str, object],
    details: dict[str, object],
    request: HttpRequest | None,
) -> Usulan:
    step = TRANSITIONS[action]
    with transaction.atomic():
        fresh = Usulan.objects.select_for_update().select_related("region").get(pk=usulan.pk)
        if not can(actor, "aspiration.manage", fresh):
            raise AspirationError(_("Usulan ini bukan wilayah kerja Anda."))
        if fresh.status not in step.sources:
            raise AspirationError(
                _("Langkah ini tidak dapat diambil: usulan berstatus “%(status)s”.")
                % {"status": fresh.get_status_display()}
            )
        before = fresh.status
        fresh.status = step.target
        for name, value in changes.items():
            setattr(fresh, name, value)
        fresh.save(update_fields=["status", *changes, "updated_at"])
        audit_record(
            actor=actor,
            action=f"aspirations.{action}",
            obj=fresh,
            request=request,
            details={"from": before, "to": step.target, **details},
        )
        if action in TOLD:
            enqueue_with_transaction(
                usulan_tell, fresh.pk, action, key=("aspirations.tell", fresh.pk, action)
            )
    return fresh


def usulan_discuss(*, usulan: Usulan, actor: User, request: HttpRequest | None = None) -> Usulan:
    """Mark an usulan as discussed in a Musrenbang."""
    return _step(usulan=usulan, actor=actor, action="discuss", changes={}, details={}, request=request)


def usulan_accept(
    *, usulan: Usulan, actor: User, plan: str, plan_year: int, request: HttpRequest | None = None
) -> Usulan:
    """Taken into the plan: RKPDes (the desa's) or RKPD (the kabupaten's, by the kecamatan), of a year.

    A desa operator marks RKPDes only; RKPD is decided at the kecamatan Musrenbang (its operator,
    or an administrator).
    """
    if plan not in Plan.values:
        raise AspirationError(_("Pilih rencana: RKPDes atau RKPD."))
    current = musrenbang_year()
    if not current - 1 <= plan_year <= current + 5:
        raise AspirationError(
            _("Tahun rencana harus antara %(first)d dan %(last)d.")
            % {"first": current - 1, "last": current + 5}
        )
    office = actor.office
    if plan == Plan.RKPD and office is not None and office.kind == "desa":
        raise AspirationError(
            _("RKPD diputuskan di Musrenbang kecamatan: operator kecamatan yang menandainya.")
        )
    return _step(
        usulan=usulan,
        actor=actor,
        action="accept",
        changes={"plan": plan, "plan_year": plan_year, "reason": ""},
        details={"plan": plan, "plan_year": plan_year},
        request=request,
    )


def usulan_reject(*, usulan: Usulan, actor: User, reason: str, request: HttpRequest | None = None) -> Usulan:
    """Not taken into the plan, with the reason everyone may read."""
    clean = (reason or "").strip()
    if not clean:
        raise AspirationError(_("Tulis alasan usulan tidak diterima; warga dapat membacanya."))
    if len(clean) > REASON_MAX:
        raise AspirationError(
            _("Alasan terlalu panjang (paling banyak %(count)d huruf).") % {"count": REASON_MAX}
        )
    return _step(
        usulan=usulan, actor=actor, action="reject", changes={"reason": clean}, details={}, request=request
    )


def usulan_built(
    *, usulan: Usulan, actor: User, built_on: date, note: str = "", request: HttpRequest | None = None
) -> Usulan:
    """Built: the date it was finished, and a note (what was built, by which budget)."""
    if built_on > timezone.localtime(timezone.now(), WIB).date():
        raise AspirationError(_("Tanggal selesai tidak boleh setelah hari ini."))
    clean = (note or "").strip()
    if len(clean) > REASON_MAX:
        raise AspirationError(
            _("Catatan terlalu panjang (paling banyak %(count)d huruf).") % {"count": REASON_MAX}
        )
    return _step(
        usulan=usulan,
        actor=actor,
        action="built",
        changes={"built_on": built_on, "built_note": clean},
        details={"built_on": built_on.isoformat()},
        request=request,
    )


# --- the Musrenbang dates ----------------------------------------------------------------------------


def musrenbang_round_audit(
    *, round_: MusrenbangRound, actor: User | None, action: str, request: HttpRequest | None = None
) -> None:
    """The audit row of a change to a Musrenbang date (``action``: create, update, delete)."""
    audit_record(
        actor=actor,
        action=f"aspirations.round_{action}",
        obj=round_,
        request=request,
        details={
            "year": round_.year,
            "level": round_.level,
            "starts_on": round_.starts_on.isoformat() if round_.starts_on else "",
            "ends_on": round_.ends_on.isoformat() if round_.ends_on else "",
        },
    )
