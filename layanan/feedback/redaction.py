"""Blank out what looks like personal data in a visitor's free text before it is stored.

A feedback text is read by administrators and exported, and must identify nobody. The NIK and KK
(16 digits, also in the usual groupings) are blanked by the same rule as the log lines
(:func:`layanan.core.logging.redact`); then email addresses; then phone numbers, taken as any run
of digits (with spaces, dots, dashes, brackets or a leading ``+`` between them) of 9 digits or more,
which catches ``0812-3456-7890``, ``+62 812 3456 7890`` and ``(0724) 2100 123``. A long amount
(``1.500.000.000``) is blanked too: better a lost figure than a kept number.
"""

from __future__ import annotations

import re

from layanan.core.logging import redact as redact_sixteen_digits

EMAIL_REPLACEMENT = "[email disamarkan]"
PHONE_REPLACEMENT = "[nomor disamarkan]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run that starts with a digit, "+" or "(" and ends with a digit, digits and separators between.
_NUMBER_RUN = re.compile(r"(?<![\w+])[+(]?\d[\d\s().\-]*\d(?!\w)")
PHONE_MIN_DIGITS = 9


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    digits = sum(character.isdigit() for character in text)
    return PHONE_REPLACEMENT if digits >= PHONE_MIN_DIGITS else text


def redact(text: str) -> str:
    """``text`` with every NIK/KK-, email- and phone-shaped part replaced by a plain marker."""
    text = redact_sixteen_digits(text)
    text = _EMAIL.sub(EMAIL_REPLACEMENT, text)
    return _NUMBER_RUN.sub(_phone, text)
