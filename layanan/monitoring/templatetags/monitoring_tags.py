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
