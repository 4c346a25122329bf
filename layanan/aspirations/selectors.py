"""Reads of the Musrenbang cycle.

The public reads take no actor and never touch the proposer or the supporters (counts only);
the operator's reads take the actor and narrow with :func:`layanan.accounts.permissions.scope`
(``via_region="region"``: a desa operator sees their desa, a kecamatan operator every desa under
it, administrators everything).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.permissions import scope
from layanan.aspirations.models import Level, MusrenbangRound, Status, Support, Usulan
from layanan.calendars.selectors import WIB
from layanan.regions.models import Region
from layanan.regions.selectors import district_list, village_list

Actor = AbstractBaseUser | AnonymousUser | None

ACCEPTED_STATUSES = (Status.ACCEPTED, Status.BUILT)  # a built usulan was accepted first


def _counted(usulan: QuerySet[Usulan]) -> QuerySet[Usulan]:
    return usulan.annotate(support_count=Count("supports", distinct=True))


def usulan_public_get(pk: int) -> Usulan | None:
    """One usulan with its desa, kecamatan, photo and support counts (public: no names)."""
    return (
        _counted(Usulan.objects.filter(pk=pk))
        .annotate(photo_count=Count("photos", distinct=True))
        .select_related("region", "region__parent")
        .first()
    )


def usulan_of(user: User) -> QuerySet[Usulan]:
    """The usulan ``user`` proposed, newest first, with their support counts."""
    return (
        _counted(Usulan.objects.filter(proposer=user)).select_related("region").order_by("-created_at", "-pk")
    )


def has_supported(*, usulan: Usulan, user: Actor) -> bool:
    if not isinstance(user, User) or user.pk is None:
        return False
    return Support.objects.filter(usulan=usulan, user=user).exists()


@dataclass(frozen=True)
class StaffFilter:
    topic: str = ""
    status: str = ""
    year: int | None = None
    desa: str = ""  # a desa code within reach


def usulan_for_staff(*, actor: Actor, filters: StaffFilter | None = None) -> QuerySet[Usulan]:
    """The usulan within ``actor``'s reach, most supported first, narrowed by ``filters``."""
    rows = scope(actor, Usulan.objects.all(), via_region="region")
    wanted = filters or StaffFilter()
    if wanted.topic:
        rows = rows.filter(topic=wanted.topic)
    if wanted.status:
        rows = rows.filter(status=wanted.status)
    if wanted.year is not None:
        rows = rows.filter(year=wanted.year)
    if wanted.desa:
        rows = rows.filter(region_id=wanted.desa)
    return (
        _counted(rows)
        .annotate(photo_count=Count("photos", distinct=True))
        .select_related("region", "region__parent")
        .order_by("region_id", F("support_count").desc(), "created_at", "pk")
    )


def usulan_staff_get(*, actor: Actor, pk: int) -> Usulan | None:
    """One usulan within ``actor``'s reach (None for one outside it, as for a missing one)."""
    return usulan_for_staff(actor=actor).filter(pk=pk).first()


def villages_for_staff(*, actor: Actor) -> QuerySet[Region]:
    """The desa/kelurahan of the regency within ``actor``'s reach (for the list's desa filter)."""
    return scope(actor, village_list(), via_region="")


def years_in_use() -> list[int]:
    return sorted(set(Usulan.objects.values_list("year", flat=True)), reverse=True)


# --- the public view ---------------------------------------------------------------------------------


@dataclass
class DesaFigures:
    region: Region
    proposed: int = 0
    accepted: int = 0
    built: int = 0


@dataclass
class KecamatanFigures:
    region: Region
    villages: list[DesaFigures] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(v.proposed for v in self.villages)


def public_index() -> list[KecamatanFigures]:
    """Every kecamatan of the regency with its desa and their usulan counts (two queries and the regions)."""
    counts: dict[str, dict[str, int]] = {}
    for row in (
        Usulan.objects.values("region_id")
        .annotate(
            proposed=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATUSES)),
            built=Count("pk", filter=Q(status=Status.BUILT)),
        )
        .order_by()
    ):
        counts[row["region_id"]] = {
            "proposed": row["proposed"],
            "accepted": row["accepted"],
            "built": row["built"],
        }
    by_district: dict[str, KecamatanFigures] = {
        district.code: KecamatanFigures(region=district) for district in district_list()
    }
    for village in village_list():
        group = by_district.get(village.parent_id or "")
        if group is None:
            continue
        found = counts.get(village.code, {})
        group.villages.append(
            DesaFigures(
                region=village,
                proposed=found.get("proposed", 0),
                accepted=found.get("accepted", 0),
                built=found.get("built", 0),
            )
        )
    return list(by_district.values())


def desa_usulan(*, desa: Region, year: int | None = None) -> dict[str, list[Usulan]]:
    """The usulan of one desa by what became of them: built, accepted, proposed, not accepted."""
    rows = _counted(Usulan.objects.filter(region=desa))
    if year is not None:
        rows = rows.filter(year=year)
    grouped: dict[str, list[Usulan]] = {"built": [], "accepted": [], "proposed": [], "not_accepted": []}
    for usulan in rows.order_by(F("support_count").desc(), "-created_at", "pk"):
        if usulan.status == Status.BUILT:
            grouped["built"].append(usulan)
        elif usulan.status == Status.ACCEPTED:
            grouped["accepted"].append(usulan)
        elif usulan.status == Status.NOT_ACCEPTED:
            grouped["not_accepted"].append(usulan)
        else:
            grouped["proposed"].append(usulan)
    return grouped


# --- the Musrenbang dates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NextRound:
    level: str
    year: int
    starts_on: date
    ends_on: date | None
    exact: bool  # set by an administrator; else only the default month is known
    note: str = ""


def _default_month(level: str) -> int:
    if level == Level.DESA:
        return int(getattr(settings, "MUSRENBANG_DESA_MONTH", 1))
    return int(getattr(settings, "MUSRENBANG_KECAMATAN_MONTH", 2))


def next_round(level: str, *, today: date | None = None) -> NextRound:
    """The next Musrenbang of ``level`` after ``today``: the administrator's date, else the default month."""
    day = today or timezone.localtime(timezone.now(), WIB).date()
    for year in (day.year, day.year + 1):
        set_by_admin = MusrenbangRound.objects.filter(year=year, level=level).first()
        if set_by_admin is not None:
            last = set_by_admin.ends_on or set_by_admin.starts_on
            if last >= day:
                return NextRound(
                    level=level,
                    year=year,
                    starts_on=set_by_admin.starts_on,
                    ends_on=set_by_admin.ends_on,
                    exact=True,
                    note=set_by_admin.note,
                )
            continue
        month = _default_month(level)
        if (year, month) >= (day.year, day.month):
            return NextRound(
                level=level, year=year, starts_on=date(year, month, 1), ends_on=None, exact=False
            )
    year = day.year + 2
    return NextRound(
        level=level, year=year, starts_on=date(year, _default_month(level), 1), ends_on=None, exact=False
    )


def next_rounds(*, today: date | None = None) -> list[NextRound]:
    return [next_round(level, today=today) for level in (Level.DESA, Level.KECAMATAN)]


# --- open data ---------------------------------------------------------------------------------------


def open_data_counts() -> list[dict[str, Any]]:
    """Per (desa code, kecamatan code, topic, year): proposed, accepted, built, supporters.

    Counts only, no person: the open-data app publishes them (with its own suppression of small
    cells). ``accepted`` includes the built ones; ``supporters`` counts supports (one per person
    per usulan).
    """
    rows = (
        Usulan.objects.values("region_id", "region__parent_id", "topic", "year")
        .annotate(
            proposed=Count("pk", distinct=True),
            accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATUSES), distinct=True),
            built=Count("pk", filter=Q(status=Status.BUILT), distinct=True),
        )
        .order_by("region_id", "topic", "year")
    )
    supporters: dict[tuple[str, str, int], int] = {
        (row["usulan__region_id"], row["usulan__topic"], row["usulan__year"]): row["count"]
        for row in Support.objects.values("usulan__region_id", "usulan__topic", "usulan__year")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return [
        {
            "desa_code": row["region_id"],
            "kecamatan_code": row["region__parent_id"] or "",
            "topic": row["topic"],
            "year": row["year"],
            "proposed": row["proposed"],
            "accepted": row["accepted"],
            "built": row["built"],
            "supporters": supporters.get((row["region_id"], row["topic"], row["year"]), 0),
        }
        for row in rows
    ]
