"""Production refuses weak keys; development makes strong ones, owner-only, under VAR_DIR."""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from layanan.env import private_directory, private_file_write, secret_check_strong

ROOT = Path(__file__).resolve().parents[3]


def strong() -> str:
    return secrets.token_urlsafe(32)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Every key production needs, strong, and the rest of the environment without any key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith(("_KEY", "_KEYS", "_TOKEN", "_SECRET", "_FILE"))
        and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        ENVIRONMENT="production",
        VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=f"{strong()},{strong()}",
        BLIND_INDEX_KEY=strong(),
        DOCUMENT_QR_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        AUDIT_CHAIN_KEY=strong(),
        AUDIT_ROOTS_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
    )
    env.update(overrides)
    return env


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "layanan.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_starts_with_strong_keys(tmp_path: Path) -> None:
    result = start(production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var" / "dev-secrets.json").exists()  # production never makes keys


@pytest.mark.parametrize(
    ("name", "weak"),
    [
        ("FIELD_ENCRYPTION_KEYS", "x"),
        ("FIELD_ENCRYPTION_KEYS", "nJ0fVbq3Zr7X9bq1Lk2mWcT8yP4hD6sA5eU0iO3gQ1w,short-old-key"),
        ("SECRET_KEY", "django-insecure-changeme"),
        ("BLIND_INDEX_KEY", "a" * 64),
        ("AUDIT_CHAIN_KEY", "abcdefgh" * 5),
        ("DOCUMENT_QR_KEY", "c2hvcnQ="),
        ("AUDIT_ROOTS_SIGNING_KEY", "0123456789"),
        ("HEALTHZ_TOKEN", "monitor"),
        ("SMS_WEBHOOK_SECRET", "sms-secret"),
        ("OTP_HASH_KEY", "otp-key-2026"),
        ("FILE_ENCRYPTION_KEYS", "nJ0fVbq3Zr7X9bq1Lk2mWcT8yP4hD6sA5eU0iO3gQ1w,file-key"),
    ],
)
def test_production_refuses_a_weak_key_naming_the_variable_not_the_value(
    tmp_path: Path, name: str, weak: str
) -> None:
    result = start(production_env(tmp_path, **{name: weak}))
    assert result.returncode != 0
    assert f"{name} is too weak for ENVIRONMENT=production" in result.stderr
    for part in weak.split(","):
        if len(part) >= 4:  # "x" is in any message; a longer value must not be
            assert part not in result.stderr


def test_production_refuses_a_missing_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["AUDIT_CHAIN_KEY"]
    result = start(env)
    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY must be set when ENVIRONMENT=production" in result.stderr


def test_development_accepts_a_short_key(tmp_path: Path) -> None:
    env = production_env(tmp_path, ENVIRONMENT="development", FIELD_ENCRYPTION_KEYS="x")
    assert start(env).returncode == 0


def test_random_keys_pass_the_strength_check() -> None:
    for _ in range(50):
        for value in (strong(), secrets.token_hex(32), secrets.token_urlsafe(50)):
            secret_check_strong("SOME_KEY", value)


@pytest.mark.parametrize("value", ["", "zq", "passwordpasswordpassword12345678", "ab" * 20])
def test_patterned_or_short_keys_fail_it(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SOME_KEY is too weak") as raised:
        secret_check_strong("SOME_KEY", value)
    assert not value or value not in str(raised.value)


def test_development_secrets_are_made_owner_only(tmp_path: Path) -> None:
    env = production_env(tmp_path, ENVIRONMENT="development")
    for name in ("FIELD_ENCRYPTION_KEYS", "AUDIT_CHAIN_KEY", "AUDIT_ROOTS_SIGNING_KEY", "SECRET_KEY"):
        del env[name]
    assert start(env).returncode == 0, "development makes the missing keys"
    var = tmp_path / "var"
    made = var / "dev-secrets.json"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    stored = json.loads(made.read_text())
    assert {"AUDIT_CHAIN_KEY", "AUDIT_ROOTS_SIGNING_KEY", "FIELD_ENCRYPTION_KEYS"} <= set(stored)


def test_private_files_are_never_created_readable(tmp_path: Path) -> None:
    folder = private_directory(tmp_path / "a" / "b")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    existing = folder / "old.json"
    existing.write_text("{}")
    existing.chmod(0o644)
    private_file_write(existing, "{}")
    private_file_write(folder / "new.json", "{}")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "new.json").stat().st_mode) == 0o600
