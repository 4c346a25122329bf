"""Checking a NIK or a Nomor KK, and what can be read from it.

A NIK is ``PP KK CC DDMMYY SSSS`` (docs/domain.md section 2.1): province,
kabupaten/kota and kecamatan where the NIK was *first* registered, the birth
date (day + 40 for women) and a serial from 0001. There is no check digit.

The result separates **errors** (the number cannot be a NIK: refuse it) from
**warnings** (unusual but possible: show them, do not refuse). A NIK keeps
the region code of its first registration and is not changed when a birth
date is corrected, so a region or birth-date mismatch is only a warning.

A Nomor KK (section 2.2) is region code + registration date + serial; the
date part is only partly verified, so a date that does not parse is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

NIK_LENGTH = 16
KK_LENGTH = 16

# The 38 province codes of Kepmendagri 300.2.2-2138/2025 (checked against
# cahyadsn/wilayah db/wilayah.sql, which follows it). 91 Papua, 92 Papua Barat,
# 93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan, 96 Papua Barat Daya
# (the last four formed in 2022). NIKs issued before 2022 in the new Papuan
# provinces keep 91 or 92: a NIK never changes.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(code) for code in range(11, 20)]  # Aceh … Kepulauan Bangka Belitung
    + ["21"]  # Kepulauan Riau
    + [str(code) for code in range(31, 37)]  # DKI Jakarta … Banten
    + ["51", "52", "53"]  # Bali, NTB, NTT
    + [str(code) for code in range(61, 66)]  # Kalimantan Barat … Kalimantan Utara
    + [str(code) for code in range(71, 77)]  # Sulawesi Utara … Sulawesi Barat
    + ["81", "82"]  # Maluku, Maluku Utara
    + [str(code) for code in range(91, 97)]  # Papua … Papua Barat Daya
)

_WHITESPACE = re.compile(r"\s+")
FEMALE_DAY_OFFSET = 40


@dataclass
class IdentityCheck:
    """What a check found. ``errors`` refuse the number; ``warnings`` only flag it.

    ``error_codes`` and ``warning_codes`` run parallel to the messages, for
    code that must react to a finding or record it without its wording (the
    audit log stores codes, never the number).
    """

    value: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)
    warning_codes: list[str] = field(default_factory=list)
    region_prefix: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def refuse(self, code: str, message: str) -> None:
        self.error_codes.append(code)
        self.errors.append(message)

    def flag(self, code: str, message: str) -> None:
        self.warning_codes.append(code)
        self.warnings.append(message)


@dataclass
class NikCheck(IdentityCheck):
    """A checked NIK: the findings plus the birth date and sex it encodes."""

    birth_date: date | None = None
    sex: str = ""  # "L" (laki-laki) or "P" (perempuan); "" when unreadable


@dataclass
class KkCheck(IdentityCheck):
    """A checked Nomor KK: the findings plus the registration date, when readable."""

    registered_on: date | None = None


def normalize_number(value: str | None) -> str:
    """``value`` without any whitespace (people type a NIK in groups of four)."""
    return _WHITESPACE.sub("", value or "")


def _dotted(prefix: str) -> str:
    return ".".join(prefix[i : i + 2] for i in range(0, len(prefix), 2))


def _digits_only(code: str) -> str:
    return code.replace(".", "").strip()


def _check_shape(check: IdentityCheck, *, label: str, length: int) -> bool:
    value = check.value
    if value and not (value.isascii() and value.isdigit()):
        check.refuse(
            "not_digits",
            _("%(label)s hanya boleh berisi angka 0-9, tanpa huruf atau tanda baca.") % {"label": label},
        )
        return False
    if len(value) != length:
        check.refuse(
            "wrong_length",
            _("%(label)s harus %(length)d angka; yang diketik %(typed)d angka.")
            % {"label": label, "length": length, "typed": len(value)},
        )
        return False
    return True


def _check_region(check: IdentityCheck, *, label: str) -> None:
    province, regency = check.value[0:2], check.value[2:4]
    if province not in PROVINCE_CODES:
        check.refuse(
            "unknown_province",
            _(
                "Dua angka pertama %(label)s (%(code)s) bukan kode provinsi yang berlaku. "
                "Periksa kembali angka yang diketik."
            )
            % {"label": label, "code": province},
        )
    number = int(regency)
    if not (1 <= number <= 69 or 71 <= number <= 99):
        check.refuse(
            "unknown_regency",
            _(
                "Angka ke-3 dan ke-4 %(label)s (%(code)s) bukan kode kabupaten/kota: "
                "kabupaten memakai 01-69 dan kota 71-99."
            )
            % {"label": label, "code": regency},
        )


def _check_home_region(
    check: IdentityCheck,
    *,
    label: str,
    home_regency_code: str,
    known_district_codes: Iterable[str] | None,
) -> None:
    prefix = check.region_prefix
    home = _digits_only(home_regency_code)
    inside_home = bool(home) and prefix.startswith(home)
    if home and not inside_home:
        check.flag(
            "outside_regency",
            _(
                "%(label)s ini pertama kali terdaftar di luar %(regency)s (kode wilayah %(code)s). "
                "Ini wajar bagi warga pendatang; pastikan saja angkanya benar."
            )
            % {"label": label, "regency": _regency_label(home_regency_code), "code": _dotted(prefix)},
        )
    if known_district_codes is None:
        return
    known = {_digits_only(code) for code in known_district_codes}
    # Only judge kecamatan of a kabupaten/kota we have codes for; a NIK from
    # elsewhere is already flagged above.
    covered = {code[:4] for code in known}
    if prefix not in known and prefix[:4] in covered:
        check.flag(
            "unknown_district",
            _(
                "Kode kecamatan dalam %(label)s (%(code)s) tidak ada dalam daftar kecamatan saat ini. "
                "Ini bisa terjadi bila kecamatan sudah dimekarkan; pastikan saja angkanya benar."
            )
            % {"label": label, "code": _dotted(prefix)},
        )


def _regency_label(code: str) -> str:
    regency = settings.REGENCY
    if _digits_only(code) == _digits_only(regency["code"]):
        return str(regency["name"])
    return _("wilayah %(code)s") % {"code": code}


def _latest_past_date(day: int, month: int, yy: int, today: date) -> date | None:
    """The most recent real date with this day, month and two-digit year, not after ``today``."""
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def validate_nik(
    value: str | None,
    *,
    declared_birth_date: date | None = None,
    declared_sex: str | None = None,
    home_regency_code: str | None = None,
    known_district_codes: Iterable[str] | None = None,
    today: date | None = None,
) -> NikCheck:
    """Check ``value`` as a NIK; see the module docstring.

    ``home_regency_code`` defaults to ``settings.REGENCY["code"]``;
    ``known_district_codes`` (``"18.03.02"`` or ``"180302"``) turns on the
    kecamatan check. The century of the birth year is the most recent one that
    does not put the date in the future, unless a declared birth date with the
    same day, month and two-digit year says otherwise (a person over 100).
    """
    label = _("NIK")
    check = NikCheck(value=normalize_number(value))
    if not _check_shape(check, label=label, length=NIK_LENGTH):
        return check
    nik = check.value
    check.region_prefix = nik[:6]
    _check_region(check, label=label)

    raw_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = raw_day - FEMALE_DAY_OFFSET if raw_day > FEMALE_DAY_OFFSET else raw_day
    day_ok = 1 <= raw_day <= 31 or 41 <= raw_day <= 71
    if not day_ok:
        check.refuse(
            "bad_day",
            _(
                "Angka ke-7 dan ke-8 NIK adalah tanggal lahir: 01-31, atau 41-71 untuk perempuan "
                "(tanggal ditambah 40). Yang tertulis %(day)s."
            )
            % {"day": nik[6:8]},
        )
    if not 1 <= month <= 12:
        check.refuse(
            "bad_month",
            _("Angka ke-9 dan ke-10 NIK adalah bulan lahir, 01-12. Yang tertulis %(month)s.")
            % {"month": nik[8:10]},
        )
    if day_ok and 1 <= month <= 12:
        birth_date = _latest_past_date(day, month, yy, today or timezone.localdate())
        if birth_date is None:
            check.refuse(
                "bad_date",
                _("Tanggal lahir dalam NIK (%(day)02d-%(month)02d-%(yy)02d) tidak ada di kalender.")
                % {"day": day, "month": month, "yy": yy},
            )
        else:
            check.birth_date = birth_date
            check.sex = "P" if raw_day > FEMALE_DAY_OFFSET else "L"
    if nik[12:] == "0000":
        check.refuse("zero_serial", _("Empat angka terakhir NIK (nomor urut) tidak boleh 0000."))

    if check.errors:
        return check
    _check_home_region(
        check,
        label=label,
        home_regency_code=settings.REGENCY["code"] if home_regency_code is None else home_regency_code,
        known_district_codes=known_district_codes,
    )
    _compare_declared(check, declared_birth_date=declared_birth_date, declared_sex=declared_sex)
    return check


def _compare_declared(check: NikCheck, *, declared_birth_date: date | None, declared_sex: str | None) -> None:
    nik_date = check.birth_date
    if declared_birth_date is not None and nik_date is not None:
        same = (declared_birth_date.day, declared_birth_date.month, declared_birth_date.year % 100) == (
            nik_date.day,
            nik_date.month,
            nik_date.year % 100,
        )
        if same:
            check.birth_date = declared_birth_date  # the declared century wins
        else:
            check.flag(
                "birth_date_mismatch",
                _(
                    "Tanggal lahir yang diisi (%(declared)s) berbeda dari tanggal dalam NIK (%(nik)s). "
                    "NIK tidak berubah bila tanggal lahir dikoreksi, jadi ini bisa benar; "
                    "pastikan tanggal lahir sesuai akta kelahiran."
                )
                % {
                    "declared": date_format(declared_birth_date, "SHORT_DATE_FORMAT"),
                    "nik": date_format(nik_date, "SHORT_DATE_FORMAT"),
                },
            )
    if declared_sex and check.sex and declared_sex != check.sex:
        check.flag(
            "sex_mismatch",
            _(
                "Jenis kelamin yang diisi berbeda dari yang tersirat dalam NIK "
                "(tanggal lahir perempuan ditambah 40). Pastikan keduanya benar."
            ),
        )


def validate_kk(
    value: str | None,
    *,
    home_regency_code: str | None = None,
    known_district_codes: Iterable[str] | None = None,
    today: date | None = None,
) -> KkCheck:
    """Check ``value`` as a Nomor KK: 16 digits, a plausible region, a serial not 0000.

    The registration date (digits 7-12, no +40 rule) is only partly verified
    in the sources, so a date that does not parse is a warning.
    """
    label = _("Nomor KK")
    check = KkCheck(value=normalize_number(value))
    if not _check_shape(check, label=label, length=KK_LENGTH):
        return check
    kk = check.value
    check.region_prefix = kk[:6]
    _check_region(check, label=label)
    if kk[12:] == "0000":
        check.refuse("zero_serial", _("Empat angka terakhir Nomor KK (nomor urut) tidak boleh 0000."))
    if check.errors:
        return check

    day, month, yy = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    registered_on = None
    if 1 <= day <= 31 and 1 <= month <= 12:
        registered_on = _latest_past_date(day, month, yy, today or timezone.localdate())
    if registered_on is None:
        check.flag(
            "unusual_date",
            _(
                "Angka ke-7 sampai ke-12 Nomor KK biasanya tanggal pendaftaran (HHBBTT), "
                "tetapi %(part)s bukan tanggal. Pastikan angkanya sesuai kartu."
            )
            % {"part": kk[6:12]},
        )
    check.registered_on = registered_on
    _check_home_region(
        check,
        label=label,
        home_regency_code=settings.REGENCY["code"] if home_regency_code is None else home_regency_code,
        known_district_codes=known_district_codes,
    )
    return check
