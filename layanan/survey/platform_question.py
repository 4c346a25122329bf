"""The SKM's one optional question about the platform itself, kept apart from the 9 unsur.

It is asked on the same page, in its own fieldset ("Tentang aplikasi ini — tidak dihitung dalam
IKM"), stored in its own nullable column (``Response.platform_ease``) and read only by the
platform's product page (``layanan.feedback``). ``layanan.survey.ikm`` and every IKM selector read
the 9 unsur columns and nothing else, so an answer here never changes an IKM (a test proves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class PlatformQuestion:
    field: str  # the Response column
    question: _StrPromise
    answers: tuple[_StrPromise, _StrPromise, _StrPromise, _StrPromise]  # the wording of 1, 2, 3, 4


PLATFORM_EASE = PlatformQuestion(
    "platform_ease",
    _("Seberapa mudah menggunakan layanan online ini?"),
    (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah")),
)
