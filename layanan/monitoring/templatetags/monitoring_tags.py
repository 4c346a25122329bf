from __future__ import annotations

from typing import Any

from django import template

from layanan.applications.models import Status as ApplicationStatus
from layanan.complaints.models import Status as ReportStatus

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
    return str(ApplicationStatus(value).label) if value in ApplicationStatus.values else value


@register.filter
def report_status(value: str) -> str:
    """The people's label of a report status (``in_progress`` → "Sedang ditindaklanjuti")."""
    return str(ReportStatus(value).label) if value in ReportStatus.values else value
