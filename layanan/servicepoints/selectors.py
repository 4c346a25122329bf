"""Reads of service points and announcements.

The public lists need no actor (everyone may read an active point and a current announcement);
the staff's reads take the actor and narrow with :func:`layanan.accounts.permissions.scope`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.permissions import scope
from layanan.regions.models import Region
from layanan.servicepoints.models import Announcement, ServicePoint, Subscription

Actor = User | AnonymousUser


def within(code: str, path: str = "region") -> Q:
    """Rows whose region (at ``path``) is ``code`` or inside it."""
    return Q(**{f"{path}_id": code}) | Q(**{f"{path}__code__startswith": code + "."})


def ancestors_of(code: str) -> list[str]:
    """The codes of the regions containing ``code`` (``18.03.04`` → ``18``, ``18.03``)."""
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts))]


def point_list(
    *, kecamatan: Region | None = None, desa: Region | None = None, text: str = ""
) -> QuerySet[ServicePoint]:
    """Active points, narrowed to a desa or a kecamatan (with the points serving the whole regency)."""
    points = ServicePoint.objects.filter(is_active=True).select_related("region", "region__parent")
    place = desa or kecamatan
    if place is not None:
        points = points.filter(within(place.code) | Q(region__level=Region.Level.REGENCY))
    for word in text.split()[:5]:
        points = points.filter(
            Q(name__icontains=word)
            | Q(address__icontains=word)
            | Q(services_text__icontains=word)
            | Q(region__name__icontains=word)
        )
    return points.order_by("region__level", "region__name", "kind", "name")


def point_public_get(pk: int) -> ServicePoint | None:
    return (
        ServicePoint.objects.filter(pk=pk, is_active=True)
        .select_related("region", "region__parent", "office")
        .prefetch_related("services")
        .first()
    )


def points_for_staff(*, actor: Actor) -> QuerySet[ServicePoint]:
    """The points of offices within the actor's reach (administrators: every point)."""
    return scope(actor, ServicePoint.objects.select_related("region", "office"), via="office").order_by(
        "region_id", "name"
    )


def announcements_current(*, now: datetime | None = None) -> QuerySet[Announcement]:
    moment = now or timezone.now()
    return (
        Announcement.objects.filter(published=True, starts_at__lte=moment)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=moment))
        .select_related("office")
        .order_by("-starts_at", "-pk")
    )


def announcement_public_get(pk: int) -> Announcement | None:
    """A published announcement that has begun (an ended one stays readable: messages link to it)."""
    return (
        Announcement.objects.filter(pk=pk, published=True, starts_at__lte=timezone.now())
        .select_related("office", "office__region")
        .first()
    )


def announcements_for_staff(*, actor: Actor) -> QuerySet[Announcement]:
    """The announcements of the offices the actor writes for: their own office (administrators: all)."""
    return scope(actor, Announcement.objects.select_related("office"), via="office").order_by("-created_at")


def subscribers_of(announcement: Announcement) -> QuerySet[Subscription]:
    """Subscriptions that hear of an announcement of its office: the office's region, a region
    containing it (the regency) or inside it (an agency serving the regency reaches every kecamatan)."""
    code = announcement.office.region_id
    return Subscription.objects.filter(
        Q(region_id=code) | Q(region_id__in=ancestors_of(code)) | Q(region__code__startswith=code + "."),
        user__is_active=True,
    )


def subscriptions_of(user: User) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(user=user)
        .select_related("region")
        .order_by("region__level", "region__name")
    )
