"""Writes to the service catalogue: seeding from the data file, and auditing the admin's edits.

Administrators edit services in the Django admin (the policy lives in the
database, house style); the admin saves the rows and calls
:func:`service_record_admin_change` / :func:`service_record_admin_delete` inside
its transaction, so every edit has its audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.seed import ServiceEntry


class CatalogueSeedError(Exception):
    """The seed cannot be applied (for instance, an office it names does not exist yet)."""


@dataclass
class CatalogueSeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    english_filled: list[str] = field(default_factory=list)


def catalogue_seed(
    *, entries: Sequence[ServiceEntry], update: bool = False, actor: User | None = None
) -> CatalogueSeedReport:
    """Create the services of ``entries`` that do not exist yet (by slug), in one transaction.

    With ``update``, existing services are also brought back to the file: their
    values, and their fields and requirements matched by name and code (ones
    the file does not have are left alone, since applications may point at
    them). Without it, an existing service is never touched, so what an
    administrator edited stays. Safe to run again: a second run changes nothing.
    """
    report = CatalogueSeedReport()
    offices = _offices_for(entries)
    with transaction.atomic():
        existing = {
            service.slug: service for service in Service.objects.filter(slug__in=[e.slug for e in entries])
        }
        for entry in entries:
            office = offices.get(entry.office_code) if entry.office_code else None
            service = existing.get(entry.slug)
            if service is None:
                _create(entry, office, actor)
                report.created.append(entry.slug)
            elif not update:
                report.unchanged.append(entry.slug)
                if _english_fill(service, entry, actor):
                    report.english_filled.append(entry.slug)
            elif _update(service, entry, office, actor):
                report.updated.append(entry.slug)
            else:
                report.unchanged.append(entry.slug)
    return report


def _offices_for(entries: Sequence[ServiceEntry]) -> dict[str, Office]:
    codes = {entry.office_code for entry in entries if entry.office_code}
    offices = {office.code: office for office in Office.objects.filter(code__in=codes)}
    missing = sorted(codes - set(offices))
    if missing:
        raise CatalogueSeedError(
            f"offices {', '.join(missing)} do not exist yet: run manage.py load_regions "
            "(or seed_offices) before seed_catalogue"
        )
    return offices


def _create(entry: ServiceEntry, office: Office | None, actor: User | None) -> Service:
    service = Service(slug=entry.slug, office=office, **entry.values)
    service.full_clean()
    service.save()
    fields = [FormField(service=service, **values) for values in entry.fields]
    requirements = [Requirement(service=service, **values) for values in entry.requirements]
    for row in (*fields, *requirements):
        row.full_clean(exclude=["service"], validate_constraints=False)
    FormField.objects.bulk_create(fields)
    Requirement.objects.bulk_create(requirements)
    audit_record(
        actor=actor,
        action="catalogue.service_created",
        obj=service,
        details={"source": "seed", "fields": len(fields), "requirements": len(requirements)},
    )
    return service


def _assign(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    for key in changed:
        setattr(obj, key, values[key])
    return changed


def _update(service: Service, entry: ServiceEntry, office: Office | None, actor: User | None) -> bool:
    changed = _assign(service, entry.values)
    if service.office_id != (office.pk if office else None):
        service.office = office
        changed.append("office")
    if changed:
        service.full_clean()
        service.save(update_fields=changed)
    fields = {row.name: row for row in service.fields.all()}
    for values in entry.fields:
        row = fields.get(values["name"])
        if row is None:
            row = FormField(service=service, **values)
            row.full_clean(exclude=["service"])
            row.save()
            changed.append(f"fields.{values['name']}")
        elif field_changes := _assign(row, values):
            row.full_clean(exclude=["service"])
            row.save(update_fields=field_changes)
            changed.append(f"fields.{values['name']}")
    requirements = {row.code: row for row in service.requirements.all()}
    for values in entry.requirements:
        requirement = requirements.get(values["code"])
        if requirement is None:
            requirement = Requirement(service=service, **values)
            requirement.full_clean(exclude=["service"])
            requirement.save()
            changed.append(f"requirements.{values['code']}")
        elif requirement_changes := _assign(requirement, values):
            requirement.full_clean(exclude=["service"])
            requirement.save(update_fields=requirement_changes)
            changed.append(f"requirements.{values['code']}")
    if changed:
        audit_record(
            actor=actor,
            action="catalogue.service_changed",
            obj=service,
            details={"source": "seed", "fields": sorted(changed)},
        )
    return bool(changed)


def service_record_admin_change(
    *,
    actor: User | AnonymousUser,
    service: Service,
    created: bool,
    changed: list[str],
    request: HttpRequest | None = None,
) -> None:
    """Audit a service saved in the admin, with the names of what changed (its fields and rows)."""
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action="catalogue.service_created" if created else "catalogue.service_changed",
        obj=service,
        request=request,
        details={"source": "admin", "fields": sorted(set(changed))},
    )


def service_record_admin_delete(
    *, actor: User | AnonymousUser, service: Service, request: HttpRequest | None = None
) -> None:
    """Audit a service about to be deleted in the admin (called before the row goes)."""
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action="catalogue.service_deleted",
        obj=service,
        request=request,
        details={"source": "admin", "slug": service.slug, "name": service.name},
    )


def _blank_english_set(row: Any, values: dict[str, Any]) -> list[str]:
    """Set each English text of ``values`` that ``row`` has blank; the names of those set."""
    filled = [
        key for key, value in values.items() if key.endswith("_en") and value and not getattr(row, key, "")
    ]
    for key in filled:
        setattr(row, key, values[key])
    return filled


def _english_fill(service: Service, entry: ServiceEntry, actor: User | None) -> bool:
    """Give an existing service the English of the seed where it has none (never overwrites).

    Without ``--update`` the seeder leaves what administrators edited alone; English written
    later in ``catalogue_en.json`` still reaches services created before it, text by text, and an
    English text an administrator wrote is kept.
    """
    changed = 0
    filled = _blank_english_set(service, entry.values)
    if filled:
        service.save(update_fields=filled)
        changed += len(filled)
    rows: list[tuple[Any, dict[str, Any]]] = []
    fields = {row.name: row for row in service.fields.all()}
    rows += [(fields[values["name"]], values) for values in entry.fields if values["name"] in fields]
    requirements = {row.code: row for row in service.requirements.all()}
    rows += [
        (requirements[values["code"]], values)
        for values in entry.requirements
        if values["code"] in requirements
    ]
    for row, values in rows:
        filled = _blank_english_set(row, values)
        if filled:
            row.save(update_fields=filled)
            changed += len(filled)
    if changed:
        audit_record(
            actor=actor,
            action="catalogue.english_filled",
            obj=service,
            details={"source": "seed", "texts": changed},
        )
    return bool(changed)
