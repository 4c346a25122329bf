"""Backup and restore against real databases: a whole instance comes back in an empty one.

The world is the demo's (made through the real services: citizens with an encrypted NIK,
applications, a letter signed and issued as a PDF, reports with photos, notices, a survey answer)
plus an uploaded requirement, with its audit log sealed. ``manage.py backup`` runs in this process
(inside the test's transaction); ``manage.py restore`` runs as a separate process against a fresh
SQLite file and a fresh MEDIA_ROOT, and, when PostgreSQL answers, a fresh PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

import layanan.settings as settings_module
from layanan.accounts.models import User
from layanan.applications import services as applications
from layanan.applications.models import Application, Attachment
from layanan.applications.tests.builders import png_upload
from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.services import audit_seal_pending
from layanan.audit.tasks import audit_seal
from layanan.backup.stream import new_key
from layanan.catalogue.models import Requirement
from layanan.complaints.models import ReportPhoto
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import signing_ca  # noqa: F401  # a fixture
from layanan.notifications.models import Message
from layanan.survey.models import Response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]

ROOT = Path(settings.BASE_DIR)
SITI = "+6281100000001"
NIK = "1803024507900003"
# The keys the restored instance must share with the source (never in the archive).
SECRET_SETTINGS = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "BLIND_INDEX_KEY",
    "DOCUMENT_QR_KEY",
    "AUDIT_CHAIN_KEY",
)

READ_BACK = """
import json
from django.apps import apps
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast
from layanan.accounts.models import User
counts = {
    m._meta.label_lower: m._base_manager.count()
    for m in apps.get_models(include_auto_created=True)
    if m._meta.managed and not m._meta.proxy and not m._meta.swapped
}
siti = User.objects.annotate(token=Cast("nik", TextField())).get(phone="+6281100000001")
print(json.dumps({"counts": counts, "nik": siti.nik, "token": siti.token}))
call_command("audit_verify")
"""


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.fixture
def source(settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The demo world with an upload and a sealed audit log, and its backup."""
    for command in ("load_regions", "seed_catalogue", "seed_complaint_categories", "seed_letter_templates"):
        call_command(command, stdout=StringIO())
    call_command("seed_demo", "--quiet-credentials", stdout=StringIO())
    call_command("seed_demo_activity", stdout=StringIO())
    siti = User.objects.get(phone=SITI)
    draft = Application.objects.filter(applicant=siti, status="draft").get()
    requirement = Requirement.objects.filter(
        service=draft.service, kind__in=[Requirement.Kind.UPLOAD, Requirement.Kind.UPLOAD_OR_PAPER]
    ).first()
    assert requirement is not None
    applications.requirement_provide(
        application=draft, actor=siti, requirement=requirement, provision="upload", upload=png_upload()
    )
    audit_seal.call()  # the periodic task; it leaves events younger than its grace period for later
    while audit_seal_pending(grace=timedelta(0)) is not None:
        pass
    # The world holds what the test claims it does.
    assert siti.nik == NIK
    assert Attachment.objects.exists()
    assert Document.objects.filter(file__gt="").exists()
    assert ReportPhoto.objects.exists()
    assert Message.objects.exists()
    assert Response.objects.exists()
    assert AuditSeal.objects.exists()
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()

    counts = _counts()
    token = User.objects.annotate(token=Cast("nik", TextField())).get(pk=siti.pk).token
    signing = _files(Path(settings.VAR_DIR) / "signing")
    assert any(name.endswith("-key.pem") for name in signing)
    certificates = {name: data for name, data in signing.items() if name.endswith("-cert.pem")}
    files = {"media": _files(Path(settings.MEDIA_ROOT)), "var": certificates}
    key = new_key()
    settings.BACKUP_ENCRYPTION_KEY = key
    archive = tmp_path / "world.llbak"
    out = StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "Backup written" in out.getvalue()
    return {"archive": archive, "key": key, "counts": counts, "files": files, "token": token}


def _environment(tmp_path: Path, database_url: str, key: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DATABASE_URL")}
    var = tmp_path / "target-var"
    var.mkdir()
    dev_secrets = Path(settings_module.VAR_DIR) / "dev-secrets.json"
    if dev_secrets.exists():
        (var / "dev-secrets.json").write_bytes(dev_secrets.read_bytes())
    for name in SECRET_SETTINGS:
        value = getattr(settings, name, None)
        if isinstance(value, list):
            value = ",".join(value)
        if isinstance(value, str) and value:
            env[name] = value
    env.update(
        DATABASE_URL=database_url,
        VAR_DIR=str(var),
        MEDIA_ROOT=str(tmp_path / "target-media"),
        BACKUP_ENCRYPTION_KEY=key,
        ENVIRONMENT="development",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _restores_everything(source: dict[str, Any], env: dict[str, str], *, try_again: bool) -> None:
    restored = _manage(env, "restore", str(source["archive"]))
    assert restored.returncode == 0, restored.stderr
    assert "Audit log intact" in restored.stdout
    assert "dev-ca/ca-cert.pem is restored but its private key is not" in restored.stderr

    # Counts, the NIK and `manage.py audit_verify`, read by one more process of the restored instance.
    read = _manage(env, "shell", "-c", READ_BACK)
    assert read.returncode == 0, read.stderr + read.stdout
    lines = read.stdout.strip().splitlines()
    found = json.loads(lines[-2])
    assert lines[-1].startswith("Audit log intact")
    expected = {label: n for label, n in source["counts"].items() if label != "sessions.session"}
    expected["audit.auditevent"] += 1  # the restore records itself
    got = {label: n for label, n in found["counts"].items() if label != "sessions.session"}
    assert got == expected
    assert found["nik"] == NIK
    assert found["token"] == source["token"]  # the sealed value itself, not re-encrypted

    assert source["files"]["media"]  # uploads, photos and the issued PDF
    assert _files(Path(env["MEDIA_ROOT"])) == source["files"]["media"]
    # The public certificates of the signing CA come along; its private keys are secrets and do not.
    assert _files(Path(env["VAR_DIR"]) / "signing") == source["files"]["var"]

    if try_again:
        again = _manage(env, "restore", str(source["archive"]))
        assert again.returncode != 0
        assert "not empty" in again.stderr
        forced = _manage(env, "restore", "--force", str(source["archive"]))
        assert forced.returncode == 0, forced.stderr
        assert "emptying the target" in forced.stderr
        assert forced.stdout.splitlines()[-2] == restored.stdout.splitlines()[-2]  # "Total: n rows, m files"
        assert "Audit log intact" in forced.stdout
        assert _files(Path(env["MEDIA_ROOT"])) == source["files"]["media"]


def _postgres() -> dict[str, str] | None:
    """Where to make a scratch PostgreSQL database: the suite's server, or one on 127.0.0.1:5432."""
    if connection.vendor == "postgresql":
        database = settings.DATABASES["default"]
        return {
            "host": database["HOST"] or "127.0.0.1",
            "port": str(database["PORT"] or 5432),
            "user": database["USER"] or "postgres",
            "password": database["PASSWORD"],
        }
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return {"host": "127.0.0.1", "port": "5432", "user": "postgres", "password": ""}


def test_a_backup_restores_into_an_empty_sqlite_and_an_empty_postgresql_instance(source, tmp_path):
    """Both targets at once (two processes), to keep the test short; PostgreSQL only when it answers."""
    (tmp_path / "sqlite").mkdir()
    targets = [
        (
            _environment(
                tmp_path / "sqlite", f"sqlite:///{tmp_path / 'sqlite' / 'target.sqlite3'}", source["key"]
            ),
            True,
        )
    ]
    server = _postgres()
    admin = None
    name = f"layanan_restore_{secrets.token_hex(6)}"
    if server is not None:
        import psycopg

        admin = psycopg.connect(
            host=server["host"],
            port=server["port"],
            user=server["user"],
            password=server["password"],
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{name}"')
        auth = f"{server['user']}:{server['password']}" if server["password"] else server["user"]
        (tmp_path / "postgresql").mkdir()
        url = f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
        targets.append((_environment(tmp_path / "postgresql", url, source["key"]), False))
    try:
        with ThreadPoolExecutor(max_workers=len(targets)) as pool:
            runs = [pool.submit(_restores_everything, source, env, try_again=again) for env, again in targets]
            for run in runs:
                run.result()
    finally:
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


# Refusals --------------------------------------------------------------------------------------


@pytest.fixture
def small_archive(cast, settings, tmp_path) -> Path:
    settings.BACKUP_ENCRYPTION_KEY = new_key()
    archive = tmp_path / "small.llbak"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    return archive


def test_the_check_reads_an_intact_archive(small_archive):
    out = StringIO()
    call_command("restore", str(small_archive), "--check", stdout=out)
    assert "Archive intact" in out.getvalue()


def test_a_wrong_key_is_refused_with_a_clear_error(small_archive, settings):
    settings.BACKUP_ENCRYPTION_KEY = new_key()
    with pytest.raises(CommandError, match="does not open this archive"):
        call_command("restore", str(small_archive), "--check", stdout=StringIO())


def test_a_passphrase_archive_needs_its_passphrase(cast, settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = ""
    phrase = tmp_path / "phrase"
    phrase.write_text("kuda-lari-di-padang-rumput\n")
    archive = tmp_path / "phrase.llbak"
    call_command("backup", "--output", str(archive), "--passphrase-file", str(phrase), stdout=StringIO())
    out = StringIO()
    call_command("restore", str(archive), "--check", "--passphrase-file", str(phrase), stdout=out)
    assert "Archive intact" in out.getvalue()
    phrase.write_text("kuda-lari-di-padang-pasir\n")
    with pytest.raises(CommandError, match="does not open this archive"):
        call_command("restore", str(archive), "--check", "--passphrase-file", str(phrase), stdout=StringIO())
    settings.BACKUP_ENCRYPTION_KEY = new_key()
    with pytest.raises(CommandError, match="made with a passphrase"):
        call_command("restore", str(archive), "--check", stdout=StringIO())


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda data: (
                data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1 :]
            ),
            "tampered",
        ),
        (lambda data: data[: len(data) - 10], "cut short"),
        (lambda data: data + data[-40:], "damaged|tampered"),
        (lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:], "preamble|does not open|tampered"),
    ],
    ids=["a flipped bit", "cut short", "appended data", "edited preamble"],
)
def test_a_tampered_archive_is_refused(small_archive, damage, message):
    small_archive.write_bytes(damage(small_archive.read_bytes()))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(small_archive), "--check", stdout=StringIO())
    users = User.objects.count()
    with pytest.raises(CommandError):
        call_command("restore", str(small_archive), "--force", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == users  # refused before touching anything


def test_a_non_empty_target_is_refused(small_archive):
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(small_archive), stdout=StringIO(), stderr=StringIO())
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_without_a_key_backup_says_how_to_make_one(cast, settings):
    settings.BACKUP_ENCRYPTION_KEY = settings.BACKUP_PASSPHRASE = ""
    with pytest.raises(CommandError, match="--new-key"):
        call_command("backup", stdout=StringIO())


def test_archives_kept_inside_a_storage_are_not_backed_up_again(cast, settings):
    from layanan.backup.services import archive_check, backup_create, backup_secret

    settings.BACKUP_ENCRYPTION_KEY = new_key()
    settings.BACKUP_DIR = Path(settings.MEDIA_ROOT) / "cadangan"
    settings.BACKUP_KEEP = 1
    (Path(settings.MEDIA_ROOT) / "foto").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "foto" / "a.jpg").write_bytes(b"foto")
    secret = backup_secret()
    first = backup_create(secret=secret)
    second = backup_create(secret=secret)
    assert first.path is not None
    assert second.path is not None
    names = {entry["name"] for entry in archive_check(second.path, secret=secret).manifest["files"]}
    assert "foto/a.jpg" in names
    assert not any(name.startswith("cadangan/") for name in names)
    assert list(Path(settings.BACKUP_DIR).iterdir()) == [second.path]  # BACKUP_KEEP=1 pruned the first
    assert second.path.stat().st_mode & 0o777 == 0o600
