"""The second factor: staff are held at the code step; TOTP codes, reuse, recovery codes and set-up."""

from __future__ import annotations

import re

import pytest

from layanan.accounts import totp
from layanan.accounts.models import RecoveryCode, SecondFactor
from layanan.accounts.services import SECOND_FACTOR_SESSION_KEY
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import FIXED_NOW, audit_events, enrol
from layanan.testing import TEST_PASSWORD

VERIFY = "/akun/verifikasi/"
SETUP = "/akun/atur-2fa/"


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(totp, "clock", lambda: FIXED_NOW)
    return FIXED_NOW


def _password_only(client, user):
    """Sign in with the password, as the sign-in page does, without the second factor."""
    response = client.post("/akun/masuk/", {"identifier": user.phone, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False


def _code(secret, offset=0):
    return totp.code_at(secret, totp.current_step(FIXED_NOW) + offset)


@pytest.mark.parametrize("path", ["/", "/akun/", "/admin/"])
def test_staff_past_only_the_password_are_sent_to_the_code_step_from_every_page(client, cast, path):
    enrol(cast.budi)
    _password_only(client, cast.budi)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=")


def test_staff_without_an_authenticator_are_sent_to_set_up_from_every_page(client, cast):
    _password_only(client, cast.budi)
    response = client.get("/")
    assert response["Location"].startswith(SETUP)


def test_the_code_step_and_sign_out_stay_open_before_the_second_factor(client, cast):
    enrol(cast.budi)
    _password_only(client, cast.budi)
    assert client.get(VERIFY).status_code == 200
    assert client.post("/akun/keluar/").status_code == 302
    assert client.session.get("_auth_user_id") is None


def test_citizens_need_no_second_factor(client, cast):
    client.post("/akun/masuk/", {"identifier": cast.siti.phone, "password": TEST_PASSWORD})
    assert client.get("/akun/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"


def test_the_testing_helper_counts_as_past_the_second_factor(client, cast):
    sign_in(client, cast.budi)
    assert client.get("/akun/").status_code == 200


def test_a_current_code_lets_staff_in_and_rotates_the_session(client, cast, fixed_clock):
    secret, _codes = enrol(cast.budi)
    _password_only(client, cast.budi)
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": _code(secret), "next": "/akun/"})
    assert response.status_code == 302
    assert response["Location"] == "/akun/"
    assert client.session[SECOND_FACTOR_SESSION_KEY] is True
    assert client.session.session_key != key_before
    assert client.get("/akun/").status_code == 200
    assert [e.details for e in audit_events("accounts.second_factor_verified")] == [{"method": "totp"}]


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_code_one_step_either_side_is_accepted(client, cast, fixed_clock, offset):
    secret, _codes = enrol(cast.budi)
    _password_only(client, cast.budi)
    assert client.post(VERIFY, {"code": _code(secret, offset)}).status_code == 302
    assert client.session[SECOND_FACTOR_SESSION_KEY] is True


@pytest.mark.parametrize("offset", [-2, 2])
def test_a_code_two_steps_away_is_refused(client, cast, fixed_clock, offset):
    secret, _codes = enrol(cast.budi)
    _password_only(client, cast.budi)
    response = client.post(VERIFY, {"code": _code(secret, offset)})
    assert response.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False


def test_a_code_cannot_be_used_twice_in_its_window(client, cast, fixed_clock):
    secret, _codes = enrol(cast.budi)
    _password_only(client, cast.budi)
    code = _code(secret)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/akun/keluar/")
    _password_only(client, cast.budi)
    response = client.post(VERIFY, {"code": code})
    assert "Kode ini sudah dipakai" in response.content.decode()
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False
    # An earlier step than the last accepted one is refused as well.
    assert client.post(VERIFY, {"code": _code(secret, -1)}).status_code == 200
    assert audit_events("accounts.second_factor_failed")[-1].details == {"reason": "reused"}


def test_a_recovery_code_works_once_and_is_consumed(client, cast):
    _secret, codes = enrol(cast.budi)
    _password_only(client, cast.budi)
    typed = totp.format_recovery_code(codes[3]).upper()  # as read off paper
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 302
    assert client.session[SECOND_FACTOR_SESSION_KEY] is True
    assert RecoveryCode.objects.filter(user=cast.budi, used_at__isnull=False).count() == 1
    assert audit_events("accounts.recovery_code_used")[0].details == {"remaining": 9}
    client.post("/akun/keluar/")
    _password_only(client, cast.budi)
    again = client.post(VERIFY, {"code": typed})
    assert again.status_code == 200
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False


def test_recovery_codes_are_stored_only_as_keyed_hashes(cast):
    _secret, codes = enrol(cast.budi)
    stored = set(RecoveryCode.objects.filter(user=cast.budi).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in stored)


def test_another_users_recovery_code_does_not_work(client, cast):
    _secret, sekar_codes = enrol(cast.sekar)
    enrol(cast.budi)
    _password_only(client, cast.budi)
    assert client.post(VERIFY, {"code": sekar_codes[0]}).status_code == 200
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0


def test_a_malformed_code_gets_a_clear_message(client, cast):
    enrol(cast.budi)
    _password_only(client, cast.budi)
    html = client.post(VERIFY, {"code": "12ab"}).content.decode()
    assert "Masukkan 6 angka dari aplikasi autentikator" in html
    assert 'href="#id_code"' in html


def test_five_wrong_codes_make_the_user_wait(client, cast, fixed_clock):
    secret, _codes = enrol(cast.budi)
    _password_only(client, cast.budi)
    wrong = "000000" if _code(secret) != "000000" else "111111"
    for _ in range(5):
        client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": _code(secret)})
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False


def test_set_up_shows_the_secret_in_groups_and_an_inline_qr(client, cast):
    _password_only(client, cast.budi)
    response = client.get(SETUP)
    html = response.content.decode()
    factor = SecondFactor.objects.get(user=cast.budi)
    assert response.status_code == 200
    assert factor.pending_secret
    assert totp.group_secret(factor.pending_secret) in html
    assert '<svg role="img" aria-label=' in html
    assert "<img" not in html.split("<main", 1)[1]
    assert " style=" not in html
    # Opening the page again shows the same secret (the app may already hold it).
    client.get(SETUP)
    assert SecondFactor.objects.get(user=cast.budi).pending_secret == factor.pending_secret


def test_set_up_confirms_with_a_code_and_shows_ten_recovery_codes_once(client, cast, fixed_clock):
    _password_only(client, cast.budi)
    client.get(SETUP)
    secret = SecondFactor.objects.get(user=cast.budi).pending_secret
    response = client.post(SETUP, {"code": _code(secret), "next": "/akun/"})
    html = response.content.decode()
    factor = SecondFactor.objects.get(user=cast.budi)
    shown = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", html)
    assert response.status_code == 200
    assert factor.is_confirmed
    assert factor.secret == secret
    assert not factor.pending_secret
    assert len(shown) == 10
    assert client.session[SECOND_FACTOR_SESSION_KEY] is True
    assert audit_events("accounts.second_factor_set_up")[0].details == {
        "replaced": False,
        "recovery_codes": 10,
    }
    # Each shown code works as a recovery code.
    client.post("/akun/keluar/")
    _password_only(client, cast.budi)
    assert client.post(VERIFY, {"code": shown[0]}).status_code == 302


def test_set_up_refuses_a_wrong_code_and_keeps_the_pending_secret(client, cast, fixed_clock):
    _password_only(client, cast.budi)
    client.get(SETUP)
    factor = SecondFactor.objects.get(user=cast.budi)
    wrong = "000000" if _code(factor.pending_secret) != "000000" else "111111"
    response = client.post(SETUP, {"code": wrong})
    factor.refresh_from_db()
    assert response.status_code == 200
    assert "Kode tidak cocok" in response.content.decode()
    assert not factor.is_confirmed
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False


def test_with_only_the_password_an_existing_authenticator_cannot_be_replaced(client, cast):
    enrol(cast.budi)
    _password_only(client, cast.budi)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_verified_member_of_staff_may_replace_the_authenticator(client, cast, fixed_clock):
    old_secret, old_codes = enrol(cast.budi)
    sign_in(client, cast.budi)
    assert "mengganti aplikasi autentikator" in client.get(SETUP).content.decode()
    new_secret = SecondFactor.objects.get(user=cast.budi).pending_secret
    assert client.post(SETUP, {"code": _code(new_secret)}).status_code == 200
    factor = SecondFactor.objects.get(user=cast.budi)
    assert factor.secret == new_secret != old_secret
    hashes = set(RecoveryCode.objects.filter(user=cast.budi).values_list("code_hash", flat=True))
    assert totp.recovery_code_hash(old_codes[0], user_id=cast.budi.pk) not in hashes


def test_citizens_are_refused_the_set_up_page(client, cast):
    sign_in(client, cast.siti)
    assert client.get(SETUP).status_code == 403
    assert not SecondFactor.objects.filter(user=cast.siti).exists()


def test_the_secret_is_encrypted_in_the_database(cast):
    from django.db import connection

    secret, _codes = enrol(cast.budi)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_secondfactor WHERE user_id = %s", [cast.budi.pk])
        (stored,) = cursor.fetchone()
    assert secret not in stored
    assert stored.startswith("enc1:")
