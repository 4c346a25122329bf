"""``{% load content %}``: texts in the reader's language (see :mod:`layanan.core.content`)."""

from __future__ import annotations

from django import template

from layanan.core.content import sentence_in_reading_language

register = template.Library()


@register.filter
def in_reading_language(text: str) -> str:
    """A sentence the platform wrote in Indonesian (a history entry), in the reader's language."""
    return sentence_in_reading_language(str(text or ""))
