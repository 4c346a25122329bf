"""Content an administrator writes in Indonesian and, where written, in English.

A model that carries English beside its Indonesian texts names them in ``TRANSLATED``
and keeps each English text in ``<field>_en`` (blank when not written). Pages read the
text through :attr:`Translatable.t`: ``{{ service.t.name }}`` is the English name for an
English reader when one is written, else the Indonesian one (the source language, always
complete). The model fields themselves always hold Indonesian, so forms and the admin
never mix the two.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import get_language

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
