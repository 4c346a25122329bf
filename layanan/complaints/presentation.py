"""How reports are shown to people: a point on the map, the offices to forward to, the history.

Pure presentation: no query here reads more than the caller already may see.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.agencies.models import Office
from layanan.complaints.models import Report, ReportEvent, Status
from layanan.complaints.workflow import WORKFLOW

__all__ = [
    "HistoryRow",
    "OfficeGroup",
    "Point",
    "event_label",
    "history",
    "office_groups",
    "office_label",
    "point_of",
    "status_label",
]

MAP_ZOOM = 17
PRIME, DOUBLE_PRIME = "\u2032", "\u2033"  # minutes and seconds of arc

# Steps that are not in the workflow table (they change no status) but do appear in the history.
_EXTRA_WORDS = {
    "submit": gettext_lazy("dikirim"),
    "support": gettext_lazy("didukung warga lain"),
    "voice_add": gettext_lazy("pesan suara ditambahkan"),
}


# --- a point on the map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A report's point: written the way a map reads it, and a link to open it in a map."""

    text: str
    map_url: str


def _dms(value: Decimal, positive: str, negative: str) -> str:
    """4.833 → 4°49'58.8" with a prime and a double prime (seconds to a tenth, ``.0`` left
    out), then the hemisphere."""
    tenths = (abs(value) * 36000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    degrees, rest = divmod(int(tenths), 36000)
    minutes, rest = divmod(rest, 600)
    seconds, tenth = divmod(rest, 10)
    second_text = f"{seconds:02d}" if tenth == 0 else f"{seconds:02d}.{tenth}"
    hemisphere = negative if value < 0 else positive
    return f"{degrees}°{minutes:02d}{PRIME}{second_text}{DOUBLE_PRIME} {hemisphere}"


def point_of(report: Report) -> Point | None:
    """The report's point, or None when the reporter gave none.

    Degrees, minutes and seconds with the hemisphere (``4°49'58.8" LS, 104°53'06" BT``,
    written with primes): no
    decimal comma to mistake for the separator between the two numbers. The map link is
    OpenStreetMap's, followed only when the person clicks it (nothing loads with the page).
    """
    if report.latitude is None or report.longitude is None:
        return None
    latitude, longitude = Decimal(report.latitude), Decimal(report.longitude)
    text = ", ".join(
        (
            # Translators: the hemispheres, as on Indonesian maps: LU/LS = north/south latitude.
            _dms(latitude, _("LU"), _("LS")),
            # Translators: BT/BB = east/west longitude.
            _dms(longitude, _("BT"), _("BB")),
        )
    )
    lat, lon = f"{latitude:.5f}", f"{longitude:.5f}"  # never localized: a URL
    url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={MAP_ZOOM}/{lat}/{lon}"
    return Point(text=text, map_url=url)


# --- the offices to forward to -----------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeChoice:
    code: str
    label: str
    selected: bool


@dataclass(frozen=True)
class OfficeGroup:
    label: str
    choices: list[OfficeChoice]


def office_label(office: Office) -> str:
    """The office's name, with its kecamatan for a desa office (two desa may share a name)."""
    if office.kind == Office.Kind.VILLAGE and office.region.parent is not None:
        return _("%(office)s (Kec. %(kecamatan)s)") % {
            "office": office.name,
            "kecamatan": office.region.parent.name,
        }
    return office.name


def _kecamatan_of(office: Office) -> tuple[str, str]:
    """(code, name) of the kecamatan the office serves: its own region, or its desa's parent."""
    region = office.region
    if office.kind == Office.Kind.VILLAGE and region.parent is not None:
        region = region.parent
    return region.code, region.name


def office_groups(
    offices: Iterable[Office], *, selected: Collection[str] = (), exclude: Collection[int] = ()
) -> list[OfficeGroup]:
    """The offices for a ``<select>``, in ``<optgroup>``s: the regency's agencies first, then each
    kecamatan (by name) with its kantor kecamatan and then its desa offices.

    ``offices`` must come with ``region__parent`` selected; ``selected`` holds office codes,
    ``exclude`` office ids.
    """
    agencies: list[Office] = []
    by_kecamatan: dict[str, tuple[str, list[Office]]] = {}
    for office in offices:
        if office.pk in exclude:
            continue
        if office.kind == Office.Kind.AGENCY:
            agencies.append(office)
            continue
        code, name = _kecamatan_of(office)
        by_kecamatan.setdefault(code, (name, []))[1].append(office)

    def choices(rows: list[Office]) -> list[OfficeChoice]:
        return [OfficeChoice(o.code, office_label(o), o.code in selected) for o in rows]

    groups: list[OfficeGroup] = []
    if agencies:
        groups.append(
            OfficeGroup(_("Perangkat daerah"), choices(sorted(agencies, key=lambda o: o.name.casefold())))
        )
    for name, rows in sorted(by_kecamatan.values(), key=lambda pair: pair[0].casefold()):
        rows.sort(key=lambda o: (o.kind != Office.Kind.DISTRICT, o.name.casefold()))
        groups.append(OfficeGroup(_("Kecamatan %(name)s") % {"name": name}, choices(rows)))
    return groups


# --- the history -------------------------------------------------------------------------------------


def event_label(event: ReportEvent) -> str:
    """What happened, in words (``Diverifikasi``), never the action's code."""
    words = WORKFLOW.words.get(event.action) or _EXTRA_WORDS.get(event.action)
    return capfirst(str(words)) if words else _("Perubahan lain")


def status_label(code: str) -> str:
    """A status code in words; an unknown one (a status since retired) as it was stored."""
    return str(Status(code).label) if code in Status.values else code


@dataclass(frozen=True)
class HistoryRow:
    """One line of a report's history: the event, what happened in words, the status it led to."""

    event: ReportEvent
    label: str
    status: str  # the new status in words; empty when the status did not change


def history(events: Iterable[ReportEvent]) -> list[HistoryRow]:
    """The rows of a history; the new status is left out when it did not change or its words are
    the step's words again ("Diteruskan ke instansi")."""
    rows = []
    for event in events:
        label = event_label(event)
        status = ""
        if event.to_status and event.to_status != event.from_status:
            status = status_label(event.to_status)
            if status.casefold() == label.casefold():
                status = ""
        rows.append(HistoryRow(event=event, label=label, status=status))
    return rows
