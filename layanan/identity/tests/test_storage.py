"""The NIK, KK, birth date and sex never sit in the database in clear: not in the row, not in a dump."""

import os
import subprocess
from datetime import date

import pytest
from django.core import serializers
from django.db import connection

from layanan.accounts.models import User
from layanan.core import crypto
from layanan.identity.selectors import user_find_by_nik
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_kk, make_nik

NIK = make_nik(day=3, month=4, year=1990, female=True)
KK = make_kk()


def _raw_row(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik, kk, nik_hash FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def _dump() -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        env = {**os.environ}
        if params["PASSWORD"]:
            env["PGPASSWORD"] = params["PASSWORD"]
        command = ["pg_dump", "--data-only", "--no-owner", "--dbname", params["NAME"]]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if params[key]:
                command += [flag, str(params[key])]
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    raise AssertionError(f"no dump recipe for {connection.vendor}")


def test_the_nik_and_kk_are_stored_sealed_and_found_through_the_hash(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, kk=KK, actor=cast.siti)

    sealed_nik, sealed_kk, nik_hash = _raw_row(cast.siti)
    assert sealed_nik.startswith("enc1:")
    assert sealed_kk.startswith("enc1:")
    assert NIK not in sealed_nik
    assert KK not in sealed_kk
    assert NIK not in nik_hash
    assert crypto.decrypt(sealed_nik, context="accounts.user.nik") == NIK
    assert user_find_by_nik(actor=cast.budi, nik=NIK) == cast.siti


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_contains_no_nik_or_kk_in_clear(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, kk=KK, actor=cast.budi)
    sealed_nik, _sealed_kk, nik_hash = _raw_row(cast.siti)

    dump = _dump()

    assert nik_hash in dump  # the row really is in the dump
    assert sealed_nik in dump
    assert "identity.set" in dump  # and so is the audit log
    for secret in (NIK, KK):
        assert secret not in dump
        assert secret[4:] not in dump  # nor the tail after the (public) region digits
    assert "1990-04-03" not in dump  # nor the birth date read from it


def test_the_birth_date_and_sex_are_stored_sealed_and_read_back_as_a_date_and_a_letter(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)

    with connection.cursor() as cursor:
        cursor.execute("SELECT birth_date, sex FROM accounts_user WHERE id = %s", [cast.siti.pk])
        sealed_birth_date, sealed_sex = cursor.fetchone()
    assert sealed_birth_date.startswith("enc1:")
    assert sealed_sex.startswith("enc1:")
    assert "1990" not in sealed_birth_date
    assert crypto.decrypt(sealed_birth_date, context="accounts.user.birth_date") == "1990-04-03"
    siti = User.objects.get(pk=cast.siti.pk)
    assert siti.birth_date == date(1990, 4, 3)
    assert siti.sex == "P"
    assert siti.get_sex_display() == "Perempuan"


def test_serialised_users_carry_the_sealed_values_and_load_back(cast):
    citizen_identity_set(user=cast.siti, nik=NIK, kk=KK, actor=cast.siti)
    user = User.objects.get(pk=cast.siti.pk)

    data = serializers.serialize("json", [user])

    assert NIK not in data
    assert KK not in data
    [loaded] = serializers.deserialize("json", data)
    assert isinstance(loaded.object, User)
    assert loaded.object.nik == NIK
    assert loaded.object.kk == KK
    assert loaded.object.birth_date == date(1990, 4, 3)
    assert "1990-04-03" not in data
    loaded.save()
    user.refresh_from_db()
    assert user.nik == NIK
