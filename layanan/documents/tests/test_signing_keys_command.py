"""``manage.py signing_keys``: the local CA and its TSA made and shown; a new production CA written."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from layanan.documents import signing_local


@pytest.fixture(autouse=True)
def _own_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
    settings.DOCUMENT_TSA_URL = ""


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("signing_keys", *args, stdout=out)
    return out.getvalue()


def test_it_makes_the_ca_and_its_tsa_and_shows_them(settings: Any) -> None:
    out = _run()

    ca = signing_local.ca_load()
    tsa_key = signing_local.tsa_folder(ca) / "tsa-key.pem"
    assert stat.S_IMODE(tsa_key.stat().st_mode) == 0o600
    assert "CA: CN=Layanan Lampura CA Pengembangan" in out
    assert "TSA: CN=Layanan Lampura Cap Waktu" in out
    assert "Timestamps from: the local TSA above" in out
    assert _run() == out  # made once, shown again


def test_it_writes_a_new_production_ca_and_never_overwrites_one(tmp_path: Path) -> None:
    folder = tmp_path / "ca"

    out = _run("--new-ca", str(folder))

    assert stat.S_IMODE((folder / "ca-key.pem").stat().st_mode) == 0o600
    assert "BEGIN CERTIFICATE" in (folder / "ca-cert.pem").read_text()
    assert "DOCUMENT_CA_CERT_FILE=" in out
    with pytest.raises(CommandError, match="already holds a CA"):
        _run("--new-ca", str(folder))
