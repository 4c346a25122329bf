"""Writes to the holiday calendar: one transaction each, with its audit event."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from layanan.audit.services import audit_record
from layanan.calendars.models import Holiday


@dataclass(frozen=True)
class HolidayRow:
    date: date
    name: str
    kind: str = Holiday.Kind.CUTI_BERSAMA
    basis: str = ""


@dataclass(frozen=True)
class HolidayLoadResult:
    created: int
    updated: int
    unchanged: int


def _details(holiday: Holiday) -> dict[str, Any]:
    return {"date": holiday.date.isoformat(), "kind": holiday.kind, "name": holiday.name}


def holiday_save(
    *, actor: models.Model | None, holiday: Holiday, request: HttpRequest | None = None
) -> Holiday:
    """Create or change one day off (the admin's form has validated it)."""
    creating = holiday._state.adding
    with transaction.atomic():
        holiday.save()
        audit_record(
            actor=actor,
            action="calendars.holiday_create" if creating else "calendars.holiday_change",
            obj=holiday,
            request=request,
            details=_details(holiday),
        )
    return holiday


def holiday_delete(
    *, actor: models.Model | None, holiday: Holiday, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="calendars.holiday_delete",
            obj=holiday,
            request=request,
            details=_details(holiday),
        )
        holiday.delete()


def holidays_load(*, actor: models.Model | None, rows: Iterable[HolidayRow]) -> HolidayLoadResult:
    """Insert or update days off by (date, kind); running it twice changes nothing more."""
    created = updated = unchanged = 0
    with transaction.atomic():
        for row in rows:
            holiday = Holiday.objects.filter(date=row.date, kind=row.kind).first()
            if holiday is None:
                holiday = Holiday.objects.create(date=row.date, kind=row.kind, name=row.name, basis=row.basis)
                created += 1
            elif (holiday.name, holiday.basis) != (row.name, row.basis):
                holiday.name, holiday.basis = row.name, row.basis
                holiday.save(update_fields=["name", "basis", "updated_at"])
                updated += 1
            else:
                unchanged += 1
        result = HolidayLoadResult(created=created, updated=updated, unchanged=unchanged)
        if created or updated:
            audit_record(
                actor=actor,
                action="calendars.holidays_load",
                details={"created": created, "updated": updated, "unchanged": unchanged},
            )
    return result
