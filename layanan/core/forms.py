"""Form pieces that know nothing of any domain: input attributes, dates, and text a letter can print.

Shared by the citizen's forms of every app; anything that needs a domain's data
(the regency's villages, a phone number) lives in the app that owns that data.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.core.uploads import UploadRefused, clean_upload

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The longest reason, note or message a person may write in one step (an officer's reason, a note).
REASON_MAX = 2000
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
# No date a person writes on a form is older than this (a typo such as 0199 or 1098 is caught).
EARLIEST_DATE = date(1900, 1, 1)

# What the letterhead font (Libertinus Serif, see layanan.documents.rendering) prints, by Unicode
# block: Latin with its accents and combining marks, general punctuation, currency and letterlike
# signs (№, ™). Emoji, pictographs, other scripts' letters and invisible format characters are not.
_PRINTABLE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin (no control characters)
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x02B0, 0x036F),  # spacing modifier letters (U+02BC apostrophe), combining diacritical marks
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2010, 0x2027),  # dashes, quotation marks, bullet, ellipsis
    (0x2030, 0x205E),  # per mille, primes, guillemets
    (0x20A0, 0x20CF),  # currency signs
    (0x2100, 0x214F),  # letterlike signs
)
# Letters of a person's or place's name may be joined by these.
# (space, apostrophes ' U+2019 U+02BC, dot, hyphen-minus and U+2010 hyphen, comma)
_NAME_JOINERS = frozenset(" '\u2019\u02bc.-\u2010,")
_SPACES = re.compile(r"[^\S\n]+")


def input_attrs(**attrs: str) -> dict[str, str]:
    """A widget's attributes with the house ``input`` class."""
    return {"class": "input", **attrs}


class FlexibleDateField(forms.DateField):
    """``<input type=date>`` where the browser has one; ``17/08/1990`` typed by hand works too."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs=input_attrs(type="date"), format="%Y-%m-%d"))
        super().__init__(**kwargs)


def whitespace_normalize(text: str, *, multiline: bool = False) -> str:
    """One space between words, none at the ends; Unicode in its composed form (NFC).

    With ``multiline`` the line breaks are kept (at most one empty line in a row);
    otherwise a line break becomes a space.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return " ".join(text.split())
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _printable(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in _PRINTABLE_RANGES)


def unprintable_chars(text: str, *, multiline: bool = False) -> list[str]:
    """The characters of ``text`` a letter cannot print, each once, in order (line breaks
    are allowed with ``multiline``)."""
    found: list[str] = []
    for char in text:
        if multiline and char == "\n":
            continue
        if not _printable(char) and char not in found:
            found.append(char)
    return found


def is_name_text(text: str) -> bool:
    """Whether ``text`` is a name of a person or a place a letter can print: Latin letters
    (accented too), and spaces, apostrophes, dots, hyphens and commas between them."""
    has_letter = False
    for char in text:
        if char in _NAME_JOINERS:
            continue
        category = unicodedata.category(char)
        if category.startswith("L") and _printable(char) and "LATIN" in unicodedata.name(char, ""):
            has_letter = True
        elif not (category == "Mn" and 0x0300 <= ord(char) <= 0x036F):
            return False
    return has_letter


def coordinate_field(axis: str) -> forms.DecimalField:
    """An optional latitude or longitude (``axis``: "latitude" or "longitude") typed as a decimal."""
    latitude = axis == "latitude"
    return forms.DecimalField(
        label=(
            gettext_lazy("Garis lintang (tidak wajib)")
            if latitude
            else gettext_lazy("Garis bujur (tidak wajib)")
        ),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90 if latitude else -180,
        max_value=90 if latitude else 180,
        error_messages={
            "invalid": gettext_lazy("Masukkan angka, seperti -4.8301.")
            if latitude
            else gettext_lazy("Masukkan angka, seperti 104.8806.")
        },
        widget=forms.TextInput(attrs=input_attrs(inputmode="decimal", autocomplete="off")),
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``limit`` photos, each checked by content (JPEG, PNG or WebP) by ``clean_upload``;
    ``not_photo`` is the message for a file that is not a photo (it names what the photo is for)."""

    widget = MultiplePhotoInput

    def __init__(self, *, limit: int, not_photo: str | _StrPromise, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.limit = limit
        self.not_photo = not_photo
        self.widget.attrs.update({"accept": "image/*", "class": "input"})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > self.limit:
            raise ValidationError(
                _("Pilih paling banyak %(count)s foto.") % {"count": self.limit}, code="too_many"
            )
        for upload in files:
            try:
                cleaned = clean_upload(upload)
            except UploadRefused as refused:
                raise ValidationError(str(refused), code="refused") from None
            finally:
                upload.seek(0)
            if not cleaned.content_type.startswith("image/"):
                raise ValidationError(self.not_photo, code="not_photo")
        return files
