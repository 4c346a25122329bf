"""Links to pages that may not be installed: ``{% url_if_exists "privacy:my_data" as url %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args: Any, **kwargs: Any) -> str:
    """The address of URL ``name``, or ``""`` when no such URL exists (the link is then left out)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""
