"""Values as people read them: ``{% load human %}``.

- ``{{ size|human_size }}``: ``388 B``, ``12 KB``, ``1,2 MB`` (the decimal mark of the language),
  where Django's ``filesizeformat`` says "388 bita";
- ``{{ "1988-03-12"|human_date }}``: ``12 Maret 1988`` from a date or ISO text (other text as is).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()

_UNITS = ("KB", "MB", "GB")


def size_text(size: int | float | None) -> str:
    """A file size in bytes as people read it: whole bytes, then KB/MB/GB (1024 each)."""
    try:
        value = float(size or 0)
    except (TypeError, ValueError):
        return ""
    if value < 1024:
        return f"{int(value)} B"
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            break
    rounded = round(value, 1 if value < 10 else 0)
    places = 0 if rounded == int(rounded) else 1
    return f"{number_format(rounded, places)} {unit}"


@register.filter
def human_size(size: int | float | None) -> str:
    return size_text(size)


@register.filter
def human_date(value: object) -> str:
    """A date (or ISO ``YYYY-MM-DD`` text) as ``12 Maret 1988``; anything else unchanged."""
    if isinstance(value, datetime):
        return date_format(value.date(), "j F Y")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    text = "" if value is None else str(value)
    try:
        return date_format(date.fromisoformat(text), "j F Y")
    except ValueError:
        return text
