from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or None (for the per-group IKM dictionaries)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def application_status(value: str) -> str:
    """The people's label of an application status (``submitted`` → "Diajukan")."""
    from layanan.applications.models import Status

    return str(Status(value).label) if value in Status.values else value


@register.filter
def report_status(value: str) -> str:
    """The people's label of a report status (``in_progress`` → "Sedang ditindaklanjuti")."""
    from layanan.complaints.models import Status

    return str(Status(value).label) if value in Status.values else value
