"""The questionnaire of PermenPANRB 14/2017: the 9 unsur in the official order, each on the 1-4 scale.

The questions and answers follow the questionnaire commonly used with the
regulation (lampiran), in plain words a villager understands. Answer 1 is the
worst and 4 the best for every unsur; for Biaya the best answer is "Gratis".
The order is the official one (8 = pengaduan, 9 = sarana; some copies swap
them), see ``docs/survey.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Unsur:
    number: int  # 1..9, the official order
    field: str  # the Response column
    name: _StrPromise
    question: _StrPromise
    answers: tuple[_StrPromise, _StrPromise, _StrPromise, _StrPromise]  # the wording of 1, 2, 3, 4


UNSUR: tuple[Unsur, ...] = (
    Unsur(
        1,
        "u1",
        _("Persyaratan"),
        _("Apakah persyaratan layanan sesuai dengan jenis layanannya?"),
        (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai")),
    ),
    Unsur(
        2,
        "u2",
        _("Sistem, mekanisme dan prosedur"),
        _("Apakah cara dan langkah mengurus layanan ini mudah?"),
        (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah")),
    ),
    Unsur(
        3,
        "u3",
        _("Waktu penyelesaian"),
        _("Apakah layanan diselesaikan dengan cepat?"),
        (_("Tidak cepat"), _("Kurang cepat"), _("Cepat"), _("Sangat cepat")),
    ),
    Unsur(
        4,
        "u4",
        _("Biaya/tarif"),
        _("Bagaimana biaya yang Anda bayar untuk layanan ini?"),
        (_("Sangat mahal"), _("Cukup mahal"), _("Murah"), _("Gratis")),
    ),
    Unsur(
        5,
        "u5",
        _("Produk spesifikasi jenis pelayanan"),
        _("Apakah hasil layanan yang Anda terima sesuai dengan yang dijanjikan?"),
        (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai")),
    ),
    Unsur(
        6,
        "u6",
        _("Kompetensi pelaksana"),
        _("Apakah petugas mampu dan paham melayani Anda?"),
        (_("Tidak mampu"), _("Kurang mampu"), _("Mampu"), _("Sangat mampu")),
    ),
    Unsur(
        7,
        "u7",
        _("Perilaku pelaksana"),
        _("Apakah petugas sopan dan ramah?"),
        (
            _("Tidak sopan dan ramah"),
            _("Kurang sopan dan ramah"),
            _("Sopan dan ramah"),
            _("Sangat sopan dan ramah"),
        ),
    ),
    Unsur(
        8,
        "u8",
        _("Penanganan pengaduan, saran dan masukan"),
        _("Bagaimana penanganan pengaduan, saran dan masukan di layanan ini?"),
        (
            _("Tidak ada"),
            _("Ada tetapi tidak berfungsi"),
            _("Berfungsi kurang maksimal"),
            _("Dikelola dengan baik"),
        ),
    ),
    Unsur(
        9,
        "u9",
        _("Sarana dan prasarana"),
        _("Bagaimana mutu sarana dan prasarana (tempat, peralatan, aplikasi) layanan ini?"),
        (_("Buruk"), _("Cukup"), _("Baik"), _("Sangat baik")),
    ),
)

FIELDS: tuple[str, ...] = tuple(u.field for u in UNSUR)
COUNT = len(UNSUR)  # 9
