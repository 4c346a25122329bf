"""Letter numbers: one sequence per office and year, no gaps, no duplicates.

:func:`number_next` must be called inside the transaction that saves the
:class:`~layanan.documents.models.Document`: the sequence row is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write transaction
serialises writers), so two officials signing at once get consecutive
numbers, and when issuing fails the transaction rolls back and the number is
not used up.

The format is the office's :class:`~layanan.documents.models.OfficeNumbering`
(created with the default pattern the first time, then editable in the admin);
``{office_code}`` is the office's own letter code (``Office.letter_code``, set by
its staff on the letterhead page) or a default derived from its name
(:func:`layanan.agencies.letterhead.default_letter_code`), for example
``470/007/TJR/XI/2026``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from layanan.agencies.letterhead import office_letter_code
from layanan.agencies.models import Office
from layanan.calendars.selectors import WIB
from layanan.documents.models import NumberSequence, OfficeNumbering

__all__ = ["number_format", "number_next", "numbering_for", "roman"]

_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(month: int) -> str:
    """1 → ``I``, 11 → ``XI`` (months only: 1..12)."""
    if not 1 <= month <= 12:
        raise ValueError(f"not a month: {month}")
    out = ""
    for value, letters in _ROMAN:
        while month >= value:
            out += letters
            month -= value
    return out


def numbering_for(office: Office) -> OfficeNumbering:
    numbering, _created = OfficeNumbering.objects.get_or_create(office=office)
    return numbering


def number_format(*, pattern: str, classification: str, seq: int, office_code: str, when: datetime) -> str:
    local = timezone.localtime(when, WIB)
    return pattern.format(
        classification=classification,
        seq=seq,
        office_code=office_code,
        month=local.month,
        month_roman=roman(local.month),
        year=local.year,
    )


def _sequence_locked(office: Office, year: int) -> NumberSequence:
    rows = NumberSequence.objects.select_for_update()
    found = rows.filter(office=office, year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: a racing creator makes only this part fail
            NumberSequence.objects.create(office=office, year=year, last_value=0)
    except IntegrityError:
        pass
    return rows.get(office=office, year=year)


def number_next(*, office: Office, classification: str, when: datetime) -> str:
    """The next number of ``office`` for the year of ``when`` (WIB), inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next() must run inside the transaction that saves the document")
    year = timezone.localtime(when, WIB).year
    numbering = numbering_for(office)
    sequence = _sequence_locked(office, year)
    NumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return number_format(
        pattern=numbering.pattern,
        classification=classification,
        seq=sequence.last_value,
        office_code=office_letter_code(office),
        when=when,
    )
