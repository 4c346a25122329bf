"""A deadline as staff read it: the date, and ``sisa N hari kerja`` or ``terlambat N hari kerja``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layanan.calendars.selectors import working_days_between


@dataclass(frozen=True)
class Due:
    at: datetime | None
    text: str
    late: bool


NO_DUE = Due(at=None, text="", late=False)


def due_of(at: datetime | None, now: datetime) -> Due:
    """The working days left until ``at``, or past it (``late``); :data:`NO_DUE` without a deadline."""
    if at is None:
        return NO_DUE
    if at <= now:
        days = working_days_between(at, now)
        if days == 0:
            return Due(at=at, text=_("terlambat, kurang dari 1 hari kerja"), late=True)
        text = ngettext("terlambat %(days)d hari kerja", "terlambat %(days)d hari kerja", days)
        return Due(at=at, text=text % {"days": days}, late=True)
    days = working_days_between(now, at)
    if days == 0:
        return Due(at=at, text=_("sisa kurang dari 1 hari kerja"), late=False)
    text = ngettext("sisa %(days)d hari kerja", "sisa %(days)d hari kerja", days)
    return Due(at=at, text=text % {"days": days}, late=False)
