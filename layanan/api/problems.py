"""One error shape for every refusal, in Indonesian and English.

Every error the API gives is ``{"error": {"code": ..., "message": ..., "message_en": ...}}`` with
``fields`` added for invalid input. ``code`` is for machines and never changes; the two messages
are for people.

The services raise their refusals with a message already translated into the active language, often
formatted (``_("… %(count)d …") % {...}``). To give both languages without running a service twice,
an API call runs with :class:`BothLanguages` active: its ``gettext`` returns a :class:`Both`, a
``str`` (the Indonesian, as the services always spoke) that carries the English along, through
``%`` formatting too. A message built in another way (joined by hand) keeps its Indonesian, and the
English falls back to the code's own English sentence.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import trans_real

_ACTIVE: Any = getattr(trans_real, "_active")  # noqa: B009  # Django's per-thread active translation


class Both(str):
    """An Indonesian text that knows its English."""

    en: str

    def __new__(cls, text: str, en: str) -> Both:
        made = super().__new__(cls, text)
        made.en = en
        return made

    def __mod__(self, values: Any) -> Both:
        return Both(str.__mod__(str(self), values), str.__mod__(self.en, _english(values)))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))  # pickled (a cache, a task) it is a plain str


def _english(values: Any) -> Any:
    if isinstance(values, Both):
        return values.en
    if isinstance(values, Mapping):
        return {key: _english(value) for key, value in values.items()}
    if isinstance(values, tuple):
        return tuple(_english(value) for value in values)
    return values


def message_of(error: Exception) -> str:
    """An exception's message as raised (``str(error)`` would drop the English it carries)."""
    first = error.args[0] if error.args else ""
    return first if isinstance(first, str) else str(error)


def english_of(text: str) -> str | None:
    return text.en if isinstance(text, Both) else None


class BothLanguages:
    """A translation object: Indonesian answers that carry their English (see the module)."""

    def __init__(self) -> None:
        self._id = trans_real.translation("id")
        self._en = trans_real.translation("en")

    def gettext(self, message: str) -> str:
        return Both(self._id.gettext(message), self._en.gettext(message))

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return Both(self._id.ngettext(singular, plural, number), self._en.ngettext(singular, plural, number))

    def to_language(self) -> str:
        return "id"

    def language(self) -> str:
        return "id"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._id, name)


@contextlib.contextmanager
def both_languages() -> Iterator[None]:
    """Run the block with :class:`BothLanguages` active, then restore the language it found."""
    active = getattr(_ACTIVE, "value", None)
    _ACTIVE.value = BothLanguages()
    try:
        yield
    finally:
        if active is None:
            translation.deactivate()
        else:
            _ACTIVE.value = active


# The codes, each with its own sentence in both languages (used when a message has no English).
CODES: dict[str, tuple[str, str]] = {
    "bad_request": ("Permintaan tidak dapat dibaca.", "The request could not be read."),
    "invalid": ("Ada isian yang belum benar.", "Some fields are not valid."),
    "unauthenticated": (
        "Masuk dulu, atau kirim token yang berlaku di kepala Authorization.",
        "Sign in, or send a valid token in the Authorization header.",
    ),
    "token_invalid": (
        "Token tidak dikenal, sudah dicabut, atau sudah habis masa berlakunya.",
        "The token is unknown, revoked or expired.",
    ),
    "scope_missing": (
        "Token ini tidak diberi izin untuk langkah ini.",
        "This token has not been granted this scope.",
    ),
    "forbidden": ("Anda tidak berhak melakukan ini.", "You may not do this."),
    "not_found": ("Data tidak ditemukan.", "Not found."),
    "not_allowed_now": ("Langkah ini tidak bisa dilakukan sekarang.", "This step is not possible now."),
    "conflict": (
        "Data ini baru saja diubah orang lain. Muat ulang, lalu coba lagi.",
        "Someone else changed this first. Reload and try again.",
    ),
    "refused": ("Permintaan ditolak.", "The request was refused."),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk permintaan lain.",
        "This Idempotency-Key was already used for a different request.",
    ),
    "too_large": ("Berkas terlalu besar.", "The file is too large."),
    "rate_limited": (
        "Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.",
        "Too many requests. Wait a moment, then try again.",
    ),
    "server_error": (
        "Terjadi gangguan di server. Coba lagi nanti.",
        "Something went wrong on the server. Try again later.",
    ),
}


def body(code: str, message: str = "", **extra: Any) -> dict[str, Any]:
    """The error body: the code's own sentences unless ``message`` says more."""
    own_id, own_en = CODES[code]
    text = str(message) if message else own_id
    english = english_of(message) if message else own_en
    return {"error": {"code": code, "message": text, "message_en": english or own_en, **extra}}


class ApiError(Exception):
    """A refusal with its code, status and (optionally) a message for people and more fields."""

    def __init__(self, code: str, status: int, message: str = "", **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.message = message
        self.extra = extra
