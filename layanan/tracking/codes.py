"""Tracking numbers: short, readable over the phone, not guessable, self-checking.

A tracking number looks like ``P-7K94M-9XH3C``:

- one kind letter (``P`` permohonan, ``A`` aduan; see :class:`TrackingKind`);
- nine random characters from :mod:`secrets` (23⁹ ≈ 2⁴⁰·⁷ possibilities, so a
  number cannot be guessed from another);
- one check character;
- written in groups ``K-XXXXX-XXXXC`` to read aloud.

**Alphabet** (23 characters): the digits ``0`` to ``9`` and the letters
``A E F H J K M N P R T X Y``. Every letter that looks like a digit is left
out (O, Q → 0; I, L → 1; Z → 2; S → 5; G → 6; B → 8), and so are the letters
that sound alike when spelled in Indonesian or are easily misread (B/D/P/T,
C/J, U/V/W). Digits are read clearly in Indonesian (nol, satu, dua, ...).
When a number is typed back, lowercase, spaces, dashes and the look-alikes
above are accepted and mapped to the alphabet.

**Check character**: Damm's algorithm over the quasigroup ``x ∘ y = 2x + y
(mod 23)``, which is totally anti-symmetric because 2 and 2 - 1 are both
invertible modulo the odd number 23. It therefore detects every single
substituted character and every transposition of two adjacent characters,
the check character and the kind letter included. (It is the weighted sum
Σ 2ⁱ·cᵢ mod 23; a Luhn mod N check would miss some transpositions.)
"""

from __future__ import annotations

import secrets
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789AEFHJKMNPRTXY"
BASE = len(ALPHABET)  # 23, odd: required by the check below
RANDOM_LENGTH = 9
CODE_LENGTH = 1 + RANDOM_LENGTH + 1  # kind, random part, check character
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_CONFUSIONS = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"})
_SEPARATORS = str.maketrans("", "", " \t\n-_.,/\u2010\u2011\u2012\u2013\u2014\u2212")


class TrackingKind(models.TextChoices):
    """The first character of a tracking number; each must be a letter of :data:`ALPHABET`."""

    PERMOHONAN = "P", _("Permohonan layanan")
    ADUAN = "A", _("Aduan, aspirasi atau permintaan informasi")


def _fold(chars: str) -> int:
    interim = 0
    for char in chars:
        interim = (2 * interim + _VALUE[char]) % BASE
    return interim


def check_character(chars: str) -> str:
    """The character that makes ``chars`` + it fold to 0 (``chars`` in the alphabet, no dashes)."""
    return ALPHABET[(-2 * _fold(chars)) % BASE]


def random_part() -> str:
    """Nine characters drawn from the operating system's secure random source."""
    value = secrets.randbelow(BASE**RANDOM_LENGTH)
    chars = []
    for _position in range(RANDOM_LENGTH):
        value, digit = divmod(value, BASE)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def compose(kind: str, random_chars: str) -> str:
    """The grouped tracking number for a kind letter and the random part."""
    compact = kind + random_chars
    return format_compact(compact + check_character(compact))


def format_compact(compact: str) -> str:
    return f"{compact[0]}-{compact[1:6]}-{compact[6:]}"


def tracking_number_normalize(text: str) -> str | None:
    """The canonical form ``K-XXXXX-XXXXC`` of what someone typed, or None when it cannot be one.

    Accepts lowercase, spaces, dashes and the look-alike characters listed in
    the module's docstring. Does not check the check character (see
    :func:`tracking_number_is_valid`).
    """
    compact = unicodedata.normalize("NFKC", text).upper().translate(_SEPARATORS).translate(_CONFUSIONS)
    if len(compact) != CODE_LENGTH or any(char not in _VALUE for char in compact):
        return None
    if compact[0] not in TrackingKind.values:
        return None
    return format_compact(compact)


def tracking_number_is_valid(text: str) -> bool:
    """Whether ``text`` normalizes to a tracking number whose check character is right."""
    normalized = tracking_number_normalize(text)
    if normalized is None:
        return False
    return _fold(normalized.replace("-", "")) == 0
