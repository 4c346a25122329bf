"""`manage.py check --deploy --fail-level WARNING` passes with the production settings documented in
docs/deployment.md, read from that file, so the document and the code cannot drift apart."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "docs" / "deployment.md"
ED25519_SEEDS = ("DOCUMENT_QR_KEY", "AUDIT_ROOTS_SIGNING_KEY")


def documented_environment() -> dict[str, str]:
    text = DOCUMENT.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- production-env: begin -->\s*```sh\n(.*?)```\s*<!-- production-env: end -->", text, re.S
    )
    assert block, "docs/deployment.md has no production-env block"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines() if line.strip()]
    return {name: value for name, value in pairs}


def secret_for(name: str) -> str:
    if name == "DATABASE_URL":
        return f"postgres://layanan:{secrets.token_urlsafe(24)}@db.internal:5432/layanan?sslmode=require"
    if name in ED25519_SEEDS:
        return base64.b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_urlsafe(50)


def run_check(tmp_path: Path, documented: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The documented environment on a clean process: secret files in ``tmp_path``, and the
    folders moved under it (created owner-only, as the platform makes them)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    for name, value in documented.items():
        if name.endswith("_FILE"):
            path = tmp_path / "secrets" / name.lower()
            path.parent.mkdir(mode=0o700, exist_ok=True)
            path.write_text(secret_for(name.removesuffix("_FILE")) + "\n")
            value = str(path)
        elif name in ("VAR_DIR", "MEDIA_ROOT", "AUDIT_ROOTS_DIR"):
            value = str(tmp_path / Path(value).name)
            Path(value).mkdir(mode=0o700)
        env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_documented_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    documented = documented_environment()
    assert documented["ENVIRONMENT"] == "production"
    result = run_check(tmp_path, documented)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_the_check_fails_on_a_warning(tmp_path: Path) -> None:
    # The same settings less one line: the check must fail, or the test above proves nothing.
    documented = documented_environment()
    del documented["SECURE_HSTS_SECONDS"]
    result = run_check(tmp_path, documented)
    assert result.returncode != 0
    assert "security.W004" in result.stderr
