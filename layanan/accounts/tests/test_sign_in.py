"""Signing in by phone or email, the error summary, rate limits, session rotation and signing out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from layanan.accounts.services import SECOND_FACTOR_SESSION_KEY
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events, enrol
from layanan.testing import TEST_PASSWORD

LOGIN = "/akun/masuk/"


def _post(client, identifier, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"identifier": identifier, "password": password, **extra})


def _signed_in_id(client):
    return client.session.get("_auth_user_id")


def test_the_sign_in_page_has_one_h1_and_posts_to_itself(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f'action="{LOGIN}"' in html
    assert 'autocomplete="username"' in html


@pytest.mark.parametrize(
    "spelling", ["081200000001", "0812-0000-0001", "+62 812 0000 0001", "62812 0000 0001", "812 0000 0001"]
)
def test_a_citizen_signs_in_with_her_phone_in_any_usual_spelling(client, cast, spelling):
    response = _post(client, spelling)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert _signed_in_id(client) == str(cast.siti.pk)
    assert client.session[SECOND_FACTOR_SESSION_KEY] is True


def test_a_citizen_signs_in_with_her_email_in_any_case(client, cast):
    cast.siti.email = "siti@contoh.id"
    cast.siti.save(update_fields=["email"])
    response = _post(client, "  Siti@Contoh.ID ")
    assert response.status_code == 302
    assert _signed_in_id(client) == str(cast.siti.pk)


def test_sign_in_goes_to_a_safe_next_page_and_ignores_another_site(client, cast):
    assert _post(client, "081200000001", next="/akun/")["Location"] == "/akun/"
    client.post("/akun/keluar/")
    assert _post(client, "081200000001", next="https://evil.example/")["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_summary_linking_to_the_field(client, cast):
    response = _post(client, "081200000001", "salah-sekali-123")
    html = response.content.decode()
    assert response.status_code == 200
    assert _signed_in_id(client) is None
    assert 'class="error-summary"' in html
    assert 'href="#id_identifier"' in html
    assert "Nomor HP/email atau kata sandi salah" in html
    assert "salah-sekali-123" not in html
    assert html.count("<h1") == 1


def test_an_unknown_account_gets_the_same_message_as_a_wrong_password(client, cast):
    unknown = _post(client, "081299999999", "salah-sekali-123").content.decode()
    wrong = _post(client, "081200000001", "salah-sekali-123").content.decode()
    message = "Nomor HP/email atau kata sandi salah"
    assert message in unknown
    assert message in wrong


def test_empty_fields_are_named_in_the_error_summary(client, db):
    html = client.post(LOGIN, {"identifier": "", "password": ""}).content.decode()
    assert "Masukkan nomor HP atau email Anda." in html
    assert "Masukkan kata sandi Anda." in html
    assert 'href="#id_password"' in html
    assert 'aria-describedby="id_identifier_helptext id_identifier_error"' in html


def test_an_inactive_account_cannot_sign_in(client, cast):
    cast.siti.is_active = False
    cast.siti.save(update_fields=["is_active"])
    response = _post(client, "081200000001")
    assert response.status_code == 200
    assert _signed_in_id(client) is None


def test_after_five_wrong_passwords_the_account_waits_even_with_the_right_one(client, cast):
    for _ in range(5):
        _post(client, "081200000001", "salah-sekali-123")
    response = _post(client, "0812-0000-0001")
    html = response.content.decode()
    assert response.status_code == 200
    assert _signed_in_id(client) is None
    assert "Terlalu banyak percobaan" in html
    assert "1 menit" in html  # a growing delay, never a lock (test_throttle.py)
    # Another account from the same address is not locked by Siti's attempts.
    assert _post(client, "081200000002")["Location"].startswith("/akun/")


def test_the_limit_counts_unknown_accounts_too_so_it_reveals_nothing(client, db):
    for _ in range(5):
        _post(client, "081299999999", "salah-sekali-123")
    html = _post(client, "081299999999", "salah-sekali-123").content.decode()
    assert "Terlalu banyak percobaan" in html


def test_one_address_trying_many_accounts_is_slowed_down(client, cast):
    for index in range(30):
        _post(client, f"0812990{index:05d}", "salah-sekali-123")
    response = _post(client, "081200000001")
    assert _signed_in_id(client) is None
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_a_successful_sign_in_resets_the_account_count(client, cast):
    for _ in range(4):
        _post(client, "081200000001", "salah-sekali-123")
    _post(client, "081200000001")
    client.post("/akun/keluar/")
    for _ in range(4):
        _post(client, "081200000001", "salah-sekali-123")
    assert _post(client, "081200000001").status_code == 302


def test_the_session_key_changes_when_signing_in(client, cast):
    before = client.session
    before["marker"] = "x"
    before.save()
    old_key = before.session_key
    _post(client, "081200000001")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != old_key


def test_sign_in_and_failures_are_audited_without_the_password(client, cast):
    _post(client, "081200000001", "salah-sekali-123")
    _post(client, "081200000001")
    failed = audit_events("accounts.sign_in_failed")
    succeeded = audit_events("accounts.sign_in")
    assert len(failed) == 1
    assert failed[0].object_id == str(cast.siti.pk)
    assert failed[0].details == {"reason": "invalid_credentials", "via": "phone"}
    assert len(succeeded) == 1
    assert succeeded[0].actor_id == cast.siti.pk
    assert "salah-sekali-123" not in str(failed[0].details) + str(succeeded[0].details)


def test_staff_with_an_authenticator_go_to_the_code_step(client, cast):
    enrol(cast.budi)
    response = _post(client, "081200000002", next="/akun/")
    assert response.status_code == 302
    assert response["Location"] == "/akun/verifikasi/?next=%2Fakun%2F"
    assert _signed_in_id(client) == str(cast.budi.pk)
    assert client.session[SECOND_FACTOR_SESSION_KEY] is False


def test_staff_without_an_authenticator_go_to_set_one_up(client, cast):
    response = _post(client, "081200000002")
    assert response["Location"].startswith("/akun/atur-2fa/")


def test_sign_out_needs_a_post(client, cast):
    sign_in(client, cast.siti)
    response = client.get("/akun/keluar/")
    assert response.status_code == 405
    assert _signed_in_id(client) == str(cast.siti.pk)


def test_sign_out_by_post_ends_the_session_and_is_audited(client, cast):
    sign_in(client, cast.budi)
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert _signed_in_id(client) is None
    assert [event.actor_id for event in audit_events("accounts.sign_out")] == [cast.budi.pk]
