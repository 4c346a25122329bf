"""Content an administrator writes in Indonesian and, where written, in English.

A model that carries English beside its Indonesian texts names them in ``TRANSLATED``
and keeps each English text in ``<field>_en`` (blank when not written). Pages read the
text through :attr:`Translatable.t`: ``{{ service.t.name }}`` is the English name for an
English reader when one is written, else the Indonesian one (the source language, always
complete). The model fields themselves always hold Indonesian, so forms and the admin
never mix the two.
"""

from __future__ import annotations

import functools
import re
from functools import partial
from typing import Any, ClassVar

from django.utils.translation import get_language, gettext, trans_real

ENGLISH = "en"


def reading_english() -> bool:
    return (get_language() or "").split("-")[0] == ENGLISH


class Localized:
    """``obj`` read in the active language: ``localized.name`` is ``obj.name_en`` when fitting."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._obj, name)
        if name in getattr(self._obj, "TRANSLATED", ()) and reading_english():
            english = getattr(self._obj, f"{name}_en", "")
            if english:
                return english
        return value


class Translatable:
    """Mixin for models with English texts beside the Indonesian ones (see the module docstring)."""

    TRANSLATED: ClassVar[tuple[str, ...]] = ()

    @property
    def t(self) -> Localized:
        return Localized(self)


def english_field_names(model: type[Translatable]) -> tuple[str, ...]:
    return tuple(f"{name}_en" for name in model.TRANSLATED)


# History entries are written once, in Indonesian, when the step happens (the timeline keeps what
# was said). An English reader gets them in English by looking the sentence up in the English
# catalogue: exactly, or as one of its templates with placeholders ("Laporan ditunda: %(reason)s"),
# whose values (a reason someone typed, an office's name) are kept as they were written.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@functools.cache
def _templates(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    catalog = getattr(trans_real.translation(language), "_catalog", {})  # Django's (msgid → msgstr)
    found: list[tuple[re.Pattern[str], str]] = []
    for msgid in list(catalog.keys()):  # a TranslationCatalog has no __iter__
        if not isinstance(msgid, str) or "%(" not in msgid:
            continue
        parts = _PLACEHOLDER.split(msgid)
        if not any(char.isalpha() for char in "".join(parts[0::2])):
            continue  # "%(name)s: %(reason)s" would match anything and say nothing new
        pattern = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts)
        )
        try:
            found.append((re.compile(f"^{pattern}$", re.DOTALL), str(catalog[msgid])))
        except re.error:  # the same placeholder twice: such a template cannot be matched back
            continue
    # The longest templates first: "Laporan ditunda: %(reason)s" before "%(text)s".
    found.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[0].pattern)))
    return tuple(found)


def sentence_in_reading_language(text: str) -> str:
    """``text``, a sentence the platform wrote in Indonesian, in the reader's language when known."""
    if not text or not reading_english():
        return text
    exact = _exact(text)
    if exact is not None:
        return exact
    # Several sentences joined ("Permohonan perlu diperbaiki oleh pemohon. KTP-el: buram."): each
    # sentence the catalogue knows is translated, what a person typed stays as typed.
    sentences = _SENTENCE_END.split(text)
    if len(sentences) > 1 and any(_exact(sentence) is not None for sentence in sentences):
        return " ".join(_exact(sentence) or _templated(sentence) or sentence for sentence in sentences)
    return _templated(text) or text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _exact(text: str) -> str | None:
    translated = gettext(text)
    return translated if translated != text else None


def _templated(text: str) -> str | None:
    for pattern, english in _templates(ENGLISH):
        match = pattern.match(text)
        if match is not None:
            translated = _PLACEHOLDER.sub(partial(_value, match.groupdict()), english)
            if translated != text:
                return translated
    return None


def _value(values: dict[str, str], placeholder: re.Match[str]) -> str:
    return values[placeholder.group(1)]
