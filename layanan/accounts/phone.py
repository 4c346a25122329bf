"""Indonesian phone numbers in one canonical form: ``+62`` and the digits."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """Return ``+628…`` for any usual way of writing an Indonesian mobile number.

    Accepts ``0812…``, ``62812…``, ``+62 812-…`` and ``812…``. Raises
    :class:`ValidationError` with a plain message otherwise.
    """
    value = _SEPARATORS.sub("", raw or "")
    if value.startswith("+"):
        value = value[1:]
    if value.startswith("62"):
        value = value[2:]
    elif value.startswith("0"):
        value = value[1:]
    if not value.isdigit() or not value.startswith("8") or not 9 <= len(value) <= 12:
        raise ValidationError(
            _("Nomor HP tidak dikenali. Tulis seperti 0812 3456 7890."), code="invalid_phone"
        )
    return f"+62{value}"


def mask_phone(phone: str) -> str:
    """``+6281234567890`` → ``0812****7890``: enough to recognise, not to dial."""
    local = "0" + phone.removeprefix("+62")
    return local[:4] + "*" * max(len(local) - 8, 0) + local[-4:]
