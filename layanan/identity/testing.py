"""Builders for NIK and Nomor KK values in tests (synthetic: serials from 9000 up)."""

from __future__ import annotations


def make_nik(
    *,
    region: str = "180302",
    day: int = 17,
    month: int = 8,
    year: int = 1985,
    female: bool = False,
    serial: str = "9001",
) -> str:
    """A NIK with the given parts; by default a man born 17-08-1985, first registered in Kotabumi."""
    dd = day + 40 if female else day
    return f"{region}{dd:02d}{month:02d}{year % 100:02d}{serial}"


def make_kk(*, region: str = "180302", registered: str = "120315", serial: str = "9001") -> str:
    """A Nomor KK issued in ``region`` on DDMMYY ``registered``."""
    return f"{region}{registered}{serial}"
