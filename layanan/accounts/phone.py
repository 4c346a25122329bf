"""Phone numbers: Indonesian mobiles in one canonical form (``+62`` and the digits), read with phonenumbers.

Two ways in:

- :func:`normalize_phone` reads what a person types into a form, where a number
  without a country is Indonesian (``0812…``, ``62812…``, ``+62 812-…``, ``812…``);
- :func:`sender_number` reads the sender of an SMS or WhatsApp message, where a
  gateway writes the number in international form. A WhatsApp ``wa_id`` is always
  the country code and the number without the plus (``819012345678`` is Japan, not
  ``+62 819…``); an SMS sender is ``08…`` (Indonesian, local), ``62…`` or
  ``+<country>…`` (international). Anything else is unreadable.

Only Indonesian mobile numbers (``+62 8…``, 9 to 12 digits after the country code)
are accepted as a person's phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

INDONESIA = "ID"
_SEPARATORS = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"\d{1,20}")


def _indonesian_mobile(number: phonenumbers.PhoneNumber) -> str | None:
    """``+628…`` when ``number`` is an Indonesian mobile number, else None."""
    national = str(number.national_number)
    if number.country_code != 62 or not national.startswith("8") or not 9 <= len(national) <= 12:
        return None
    if number.italian_leading_zero or number.extension:
        return None
    return f"+62{national}"


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def normalize_phone(raw: str) -> str:
    """Return ``+628…`` for any usual way of writing an Indonesian mobile number.

    Accepts ``0812…``, ``62812…``, ``+62 812-…`` and ``812…``; refuses a number of
    another country (``+81 90…``) and anything that is not a mobile number. Raises
    :class:`ValidationError` with a plain message otherwise.
    """
    value = _SEPARATORS.sub("", raw or "")
    number: phonenumbers.PhoneNumber | None = None
    if value.startswith("+"):
        number = _parse(value, None) if value[1:].isdigit() else None
    elif value.isdigit():
        if value.startswith("62"):
            number = _parse("+" + value, None)
        elif value.startswith("8"):  # written without the leading 0
            number = _parse("0" + value, INDONESIA)
        elif value.startswith("0") and not value.startswith("00"):
            number = _parse(value, INDONESIA)
    phone = _indonesian_mobile(number) if number is not None else None
    if phone is None:
        raise ValidationError(
            _("Nomor HP tidak dikenali. Tulis seperti 0812 3456 7890."), code="invalid_phone"
        )
    return phone


@dataclass(frozen=True)
class Sender:
    """Who sent a message, as far as the number tells.

    ``phone``: the canonical ``+628…`` of an Indonesian mobile number, else "".
    ``country``: the ISO region of a readable number (``ID``, ``JP``; ``001`` for
    non-geographic numbers), "" when unreadable. ``international``: the E.164 form
    of a readable number of another country (to answer it), else "".
    """

    phone: str = ""
    country: str = ""
    international: str = ""

    @property
    def is_foreign(self) -> bool:
        return bool(self.international)


def sender_number(raw: str, *, channel: str) -> Sender:
    """Read the sender of an inbound message on ``channel`` (``whatsapp`` or ``sms``); never raises.

    WhatsApp: the ``wa_id`` is international without the plus. SMS: ``08…`` is a
    local Indonesian number, ``62…``, ``+<country>…`` and ``00<country>…`` are
    international; any other spelling (a bare ``812…``, a short code, a name) is
    unreadable, not guessed.
    """
    value = _SEPARATORS.sub("", (raw or "").strip())
    number: phonenumbers.PhoneNumber | None = None
    if channel == "whatsapp":
        digits = value.removeprefix("+")
        if _DIGITS.fullmatch(digits):
            number = _parse("+" + digits, None)
    elif value.startswith("+") and _DIGITS.fullmatch(value[1:]):
        number = _parse(value, None)
    elif _DIGITS.fullmatch(value):
        if value.startswith("00"):
            number = _parse("+" + value[2:], None)
        elif value.startswith("0"):
            number = _parse(value, INDONESIA)
        elif value.startswith("62"):
            number = _parse("+" + value, None)
    if number is None or not phonenumbers.is_possible_number(number):
        return Sender()
    country = phonenumbers.region_code_for_number(number) or ""
    if number.country_code == 62:
        phone = _indonesian_mobile(number)
        return Sender(phone=phone or "", country=INDONESIA)
    if not phonenumbers.is_valid_number(number):
        return Sender()
    return Sender(
        country=country,
        international=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


def mask_phone(phone: str) -> str:
    """``+6281234567890`` → ``0812****7890``: enough to recognise, not to dial."""
    local = "0" + phone.removeprefix("+62")
    return local[:4] + "*" * max(len(local) - 8, 0) + local[-4:]
