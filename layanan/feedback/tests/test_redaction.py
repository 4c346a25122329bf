"""What looks like a NIK, a phone number or an email address never reaches the feedback table."""

from __future__ import annotations

import pytest

from layanan.feedback.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK 1803021234560001 ditolak", "NIK [16 digit disamarkan] ditolak"),
        ("KK 1803 0212 3456 0001", "KK [16 digit disamarkan]"),
        ("HP 081234567890", "HP [nomor disamarkan]"),
        ("HP +62 812-3456-7890.", "HP [nomor disamarkan]."),
        ("telp (0724) 2100 123", "telp [nomor disamarkan]"),
        ("email siti.aminah+lapor@contoh.co.id ya", "email [email disamarkan] ya"),
        ("Nomor P-7K94M-9XH3C tidak ketemu", "Nomor P-7K94M-9XH3C tidak ketemu"),
        ("antre 45 menit, 3 loket, tanggal 12-01-2026", "antre 45 menit, 3 loket, tanggal 12-01-2026"),
        ("", ""),
    ],
)
def test_it_blanks_personal_numbers_and_addresses_and_keeps_the_rest(text, expected):
    assert redact(text) == expected
