"""Writes of service points, announcements and subscriptions: each one transaction with its audit row.

The callers have asked the permission table first (``servicepoint.manage``,
``announcement.write``, ``announcement.subscribe``); these functions keep the data whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.core.writes import enqueue_with_transaction
from layanan.regions.models import Region
from layanan.servicepoints.models import Announcement, ServicePoint, Subscription
from layanan.servicepoints.tasks import announcement_fan_out

DUKCAPIL_OFFICE_CODE = "disdukcapil"
# The fields of a point its office's staff may change (the kind, the office and the region are the
# administrator's).
STAFF_FIELDS = ("address", "hours", "services_text", "phone", "latitude", "longitude", "is_active")
ANNOUNCEMENT_FIELDS = ("kind", "title", "body", "starts_at", "ends_at")


class ServicePointError(Exception):
    """A change that cannot be made, said plainly in Indonesian."""


# --- service points --------------------------------------------------------------------------------


def service_point_update(
    *,
    point: ServicePoint,
    actor: User | None,
    changes: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Save ``changes`` (fields of :data:`STAFF_FIELDS`) and audit them; the names that changed."""
    unknown = set(changes) - set(STAFF_FIELDS)
    if unknown:
        raise ValueError(f"not staff fields of a service point: {sorted(unknown)}")
    with transaction.atomic():
        fresh = ServicePoint.objects.select_for_update().get(pk=point.pk)
        changed = [name for name in STAFF_FIELDS if name in changes and getattr(fresh, name) != changes[name]]
        if not changed:
            return []
        for name in changed:
            setattr(fresh, name, changes[name])
            setattr(point, name, changes[name])
        fresh.save(update_fields=[*changed, "updated_at"])
        service_point_audit(point=fresh, actor=actor, action="update", fields=changed, request=request)
    return changed


def service_point_audit(
    *,
    point: ServicePoint,
    actor: User | None,
    action: str,
    fields: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> None:
    """The audit row of a point's change (``action``: create, update, delete). Contact details only."""
    audit_record(
        actor=actor,
        action=f"servicepoints.point_{action}",
        obj=point,
        request=request,
        details={
            "point": point.pk,
            "office": point.office.code if point.office else "",
            "fields": sorted(fields),
        },
    )


@dataclass(frozen=True)
class SeedReport:
    created: int
    kept: int


_KIND_OF_OFFICE: dict[str, ServicePoint.Kind] = {
    Office.Kind.DISTRICT: ServicePoint.Kind.DISTRICT_OFFICE,
    Office.Kind.VILLAGE: ServicePoint.Kind.VILLAGE_OFFICE,
}

# Seeded data, in Indonesian like every text an administrator writes (not interface strings).
_DEFAULT_SERVICES: dict[str, str] = {
    ServicePoint.Kind.VILLAGE_OFFICE: "Surat keterangan dan pengantar dari desa/kelurahan\n"
    "Bantuan mengajukan permohonan dan pengaduan secara daring",
    ServicePoint.Kind.DISTRICT_OFFICE: "Surat keterangan dari kecamatan\n"
    "Bantuan mengajukan permohonan dan pengaduan secara daring",
    ServicePoint.Kind.DUKCAPIL: "KTP-el, Kartu Keluarga, akta kelahiran dan kematian, surat pindah",
}


def service_points_seed(*, actor: User | None = None) -> SeedReport:
    """One point per active kantor kecamatan and desa/kelurahan, and one for Disdukcapil.

    An office that already has a point keeps it as it is (an administrator may have corrected it):
    running this again creates only the missing ones. The address and telephone are the office's.
    """
    offices = Office.objects.filter(is_active=True).filter(
        kind__in=(Office.Kind.DISTRICT, Office.Kind.VILLAGE)
    ) | Office.objects.filter(is_active=True, code=DUKCAPIL_OFFICE_CODE)
    have = set(ServicePoint.objects.filter(office__isnull=False).values_list("office_id", flat=True))
    created = kept = 0
    with transaction.atomic():
        for office in offices.select_related("region").order_by("kind", "code"):
            if office.pk in have:
                kept += 1
                continue
            kind = _KIND_OF_OFFICE.get(office.kind, ServicePoint.Kind.DUKCAPIL)
            ServicePoint.objects.create(
                kind=kind,
                name=office.name,
                office=office,
                region=office.region,
                address=office.address,
                phone=office.phone if _phone_fits(office.phone) else "",
                services_text=_DEFAULT_SERVICES[kind],
            )
            created += 1
        if created:
            audit_record(
                actor=actor,
                action="servicepoints.points_seed",
                details={"created": created, "kept": kept},
            )
    return SeedReport(created=created, kept=kept)


def _phone_fits(phone: str) -> bool:
    try:
        ServicePoint._meta.get_field("phone").run_validators(phone)
    except ValidationError:
        return False
    return bool(phone)


# --- announcements ---------------------------------------------------------------------------------


def announcement_create(
    *,
    office: Office,
    actor: User,
    submit_key: uuid.UUID,
    fields: Mapping[str, Any],
    publish: bool,
    request: HttpRequest | None = None,
) -> Announcement:
    """Write an announcement of ``office`` (published at once when ``publish``).

    ``submit_key`` is the form's own key: the same form sent twice returns the first announcement.
    """
    _check_times(fields.get("starts_at"), fields.get("ends_at"))
    existing = Announcement.objects.filter(submit_key=submit_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                office=office,
                created_by=actor,
                submit_key=submit_key,
                **{name: fields[name] for name in ANNOUNCEMENT_FIELDS if name in fields},
            )
            _audit(announcement, actor, "create", request)
            if publish:
                _publish(announcement, actor, request)
    except IntegrityError:
        found = Announcement.objects.filter(submit_key=submit_key).first()
        if found is None:
            raise
        return found
    return announcement


def announcement_update(
    *,
    announcement: Announcement,
    actor: User,
    fields: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Change the texts and times of an announcement; the names of the fields that changed."""
    _check_times(fields.get("starts_at", announcement.starts_at), fields.get("ends_at", announcement.ends_at))
    with transaction.atomic():
        fresh = Announcement.objects.select_for_update().get(pk=announcement.pk)
        changed = [n for n in ANNOUNCEMENT_FIELDS if n in fields and getattr(fresh, n) != fields[n]]
        if not changed:
            return []
        for name in changed:
            setattr(fresh, name, fields[name])
            setattr(announcement, name, fields[name])
        fresh.save(update_fields=[*changed, "updated_at"])
        _audit(fresh, actor, "update", request, fields=changed)
    return changed


def announcement_publish(
    *, announcement: Announcement, actor: User, request: HttpRequest | None = None
) -> bool:
    """Publish (shown from ``starts_at``); subscribers are told once. False when it already was."""
    with transaction.atomic():
        fresh = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if fresh.published:
            return False
        _publish(fresh, actor, request)
    announcement.published, announcement.published_at = True, fresh.published_at
    return True


def announcement_withdraw(
    *, announcement: Announcement, actor: User, request: HttpRequest | None = None
) -> bool:
    """Take an announcement off the pages. Messages already queued stay sent; none is sent again."""
    with transaction.atomic():
        fresh = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if not fresh.published:
            return False
        fresh.published = False
        fresh.save(update_fields=["published", "updated_at"])
        _audit(fresh, actor, "withdraw", request)
    announcement.published = False
    return True


def _publish(announcement: Announcement, actor: User, request: HttpRequest | None) -> None:
    announcement.published = True
    announcement.published_at = announcement.published_at or timezone.now()
    announcement.save(update_fields=["published", "published_at", "updated_at"])
    _audit(announcement, actor, "publish", request)
    enqueue_with_transaction(
        announcement_fan_out, announcement.pk, key=("announcement_fan_out", announcement.pk)
    )


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ServicePointError(_("Waktu selesai tampil harus sesudah waktu mulai tampil."))


def _audit(
    announcement: Announcement,
    actor: User | None,
    action: str,
    request: HttpRequest | None,
    *,
    fields: Iterable[str] = (),
) -> None:
    audit_record(
        actor=actor,
        action=f"servicepoints.announcement_{action}",
        obj=announcement,
        request=request,
        details={"office": announcement.office.code, "kind": announcement.kind, "fields": sorted(fields)},
    )


# --- subscriptions ---------------------------------------------------------------------------------


def subscription_add(*, user: User, region: Region) -> tuple[Subscription, bool]:
    """Subscribe ``user`` to announcements for ``region`` (a kecamatan or the regency); once."""
    with transaction.atomic():
        subscription, created = Subscription.objects.get_or_create(user=user, region=region)
        if created:
            audit_record(
                actor=user,
                action="servicepoints.subscription_add",
                obj=subscription,
                details={"region": region.code},
            )
    return subscription, created


def subscription_remove(*, user: User, subscription_id: int) -> bool:
    """End one of ``user``'s own subscriptions; False when there was none (already ended, or not theirs)."""
    with transaction.atomic():
        subscription = Subscription.objects.filter(pk=subscription_id, user=user).first()
        if subscription is None:
            return False
        audit_record(
            actor=user,
            action="servicepoints.subscription_remove",
            obj=subscription,
            details={"region": subscription.region_id},
        )
        subscription.delete()
    return True
