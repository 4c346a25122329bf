from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from layanan.accounts.models import User
from layanan.core import crypto
from layanan.identity.management.commands.reencrypt_personal_data import encrypted_columns
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_kk, make_nik

OLD_KEY = "old-key-material-for-tests-0123456789abcdef"
NEW_KEY = "new-key-material-for-tests-fedcba9876543210"


def _raw(user, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _run(*args):
    out = StringIO()
    call_command("reencrypt_personal_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sealed_under_old_key(cast, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    citizen_identity_set(user=cast.siti, nik=make_nik(female=True), kk=make_kk(), actor=cast.siti)
    citizen_identity_set(user=cast.budi, nik=make_nik(serial="9002"), actor=cast.budi)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    return cast


def test_it_finds_the_encrypted_columns_of_every_model():
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_columns()}
    assert {
        "accounts.User.nik",
        "accounts.User.kk",
        "accounts.User.birth_date",
        "accounts.User.sex",
        "identity.NikClaim.nik",
    } <= labels


def test_after_rotation_old_values_still_open_but_need_reencryption(sealed_under_old_key, settings):
    siti = User.objects.get(pk=sealed_under_old_key.siti.pk)
    assert siti.nik == make_nik(female=True)
    assert crypto.needs_reencryption(_raw(siti, "nik"))


def test_it_reseals_every_value_under_the_newest_key_and_reports_counts(sealed_under_old_key, settings):
    cast = sealed_under_old_key
    old_token = _raw(cast.siti, "nik")

    output = _run("--batch-size", "1")

    assert "accounts.User.nik: 2 scanned, 0 already current, 2 re-sealed" in output
    assert "accounts.User.kk: 1 scanned, 0 already current, 1 re-sealed" in output
    assert "accounts.User.birth_date: 2 scanned, 0 already current, 2 re-sealed" in output
    assert "accounts.User.sex: 2 scanned, 0 already current, 2 re-sealed" in output
    assert "identity.NikClaim.nik: 2 scanned, 0 already current, 2 re-sealed" in output
    assert "total: 9 scanned, 9 re-sealed, 0 unreadable" in output
    assert make_nik(female=True) not in output
    new_token = _raw(cast.siti, "nik")
    assert new_token != old_token
    assert not crypto.needs_reencryption(new_token)
    assert not crypto.needs_reencryption(_raw(cast.siti, "kk"))
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can now go
    siti = User.objects.get(pk=cast.siti.pk)
    assert siti.nik == make_nik(female=True)
    assert siti.kk == make_kk()
    assert siti.birth_date == date(1985, 8, 17)
    assert siti.sex == "P"


def test_running_it_twice_changes_nothing_the_second_time(sealed_under_old_key):
    _run()
    token = _raw(sealed_under_old_key.siti, "nik")

    output = _run()

    assert "total: 9 scanned, 0 re-sealed, 0 unreadable" in output
    assert _raw(sealed_under_old_key.siti, "nik") == token


def test_a_dry_run_counts_without_changing_anything(sealed_under_old_key):
    token = _raw(sealed_under_old_key.siti, "nik")

    output = _run("--dry-run")

    assert "total: 9 scanned, 9 to re-seal, 0 unreadable" in output
    assert _raw(sealed_under_old_key.siti, "nik") == token


def test_it_fails_loudly_on_a_value_no_key_opens_and_still_reseals_the_rest(sealed_under_old_key, settings):
    cast = sealed_under_old_key
    settings.FIELD_ENCRYPTION_KEYS = ["a-key-that-was-lost-already-0123456789"]
    citizen_identity_set(user=cast.rini, nik=make_nik(serial="9003"), actor=cast.rini)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    with pytest.raises(CommandError, match="4 value"):  # its NIK, birth date, sex and claim
        _run()

    assert not crypto.needs_reencryption(_raw(cast.siti, "nik"))
