import pytest
from django.core.exceptions import ImproperlyConfigured

from layanan.env import env_bool, env_choice, env_database, env_int, env_list, env_str, env_url


def test_it_uses_the_default_when_the_variable_is_absent(monkeypatch):
    monkeypatch.delenv("LAYANAN_X", raising=False)
    assert env_int("LAYANAN_X", 7) == 7
    assert env_bool("LAYANAN_X", True) is True
    assert env_str("LAYANAN_X", "a") == "a"


@pytest.mark.parametrize(
    ("helper", "value"),
    [
        (lambda: env_int("LAYANAN_X", 1), "tujuh"),
        (lambda: env_bool("LAYANAN_X"), "mungkin"),
        (lambda: env_choice("LAYANAN_X", ("a", "b"), "a"), "c"),
        (lambda: env_int("LAYANAN_X", 1, minimum=5), "3"),
    ],
)
def test_it_refuses_a_malformed_value_naming_the_variable(monkeypatch, helper, value):
    monkeypatch.setenv("LAYANAN_X", value)
    with pytest.raises(ImproperlyConfigured, match="LAYANAN_X"):
        helper()


def test_it_reads_a_secret_from_the_file_named_by_name_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("LAYANAN_X_FILE", str(secret))
    assert env_str("LAYANAN_X") == "s3cret"


def test_it_names_the_variable_when_the_secret_file_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYANAN_X_FILE", str(tmp_path / "nope"))
    with pytest.raises(ImproperlyConfigured, match="LAYANAN_X_FILE"):
        env_str("LAYANAN_X")


def test_it_splits_a_list_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("LAYANAN_X", "a.example, b.example,,")
    assert env_list("LAYANAN_X") == ["a.example", "b.example"]


def test_it_parses_a_postgresql_url(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYANAN_DB", "postgres://app:p%40ss@db.internal:6432/layanan?sslmode=require")
    config = env_database("LAYANAN_DB", sqlite_path=tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "app",
        "p@ss",
        "db.internal",
        "6432",
        "layanan",
    )
    assert config["OPTIONS"] == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYANAN_DB", "postgres://app@pgbouncer.internal:6432/layanan")
    monkeypatch.setenv("DATABASE_PREPARED", "false")
    assert env_database("LAYANAN_DB", sqlite_path=tmp_path / "x.sqlite3")["OPTIONS"] == {}
    monkeypatch.setenv("DATABASE_PREPARED", "true")
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "1")
    options = env_database("LAYANAN_DB", sqlite_path=tmp_path / "x.sqlite3")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 1}


def test_it_falls_back_to_embedded_sqlite_in_wal_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("LAYANAN_DB", raising=False)
    config = env_database("LAYANAN_DB", sqlite_path=tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_it_refuses_an_unknown_database_scheme(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYANAN_DB", "mysql://x/y")
    with pytest.raises(ImproperlyConfigured, match="LAYANAN_DB"):
        env_database("LAYANAN_DB", sqlite_path=tmp_path / "x.sqlite3")


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(ENVIRONMENT="production", VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="layanan.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when ENVIRONMENT=production" in result.stderr
    assert not (tmp_path / "dev-secrets.json").exists()


def test_time_is_stored_in_utc_and_shown_in_wib(settings):
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Jakarta"


@pytest.mark.parametrize("value", ["file:///etc/passwd", "ftp://gateway.example/", "gateway.example/send"])
def test_a_url_must_be_http_or_https(monkeypatch, value):
    monkeypatch.setenv("LAYANAN_URL", value)
    with pytest.raises(ImproperlyConfigured, match="LAYANAN_URL must start with http"):
        env_url("LAYANAN_URL")


def test_an_http_url_or_none_is_accepted(monkeypatch):
    monkeypatch.setenv("LAYANAN_URL", " https://sms.example/send ")
    assert env_url("LAYANAN_URL") == "https://sms.example/send"
    monkeypatch.delenv("LAYANAN_URL")
    assert env_url("LAYANAN_URL") == ""
