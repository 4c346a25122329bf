"""What every stage of an application shares: the refusals and the limits."""

from __future__ import annotations

from django.utils.translation import gettext as _

from layanan.applications.workflow import ApplicationError
from layanan.core.forms import REASON_MAX

DESA_FIELD = "desa"


class Incomplete(ApplicationError):
    """The application cannot be submitted yet; ``.missing`` lists what is missing."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


def clean_text(text: str, *, empty_message: str) -> str:
    """``text`` stripped; refused when empty or longer than :data:`REASON_MAX`."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(empty_message)
    if len(text) > REASON_MAX:
        raise ApplicationError(_("Tulis paling banyak %(max)d karakter.") % {"max": REASON_MAX})
    return text
