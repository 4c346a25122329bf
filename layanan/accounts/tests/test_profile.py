"""The profile page: the name, the password (other sessions end), links to what other pages change."""

from __future__ import annotations

from django.test import Client

from layanan.accounts.models import User, UserSession
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events, citizen
from layanan.identity.services import citizen_identity_set
from layanan.identity.testing import make_nik
from layanan.testing import TEST_PASSWORD

PROFILE = "/akun/"
NAME = "/akun/nama/"
PASSWORD = "/akun/kata-sandi/"
NEW_PASSWORD = "kopi-robusta-lampura-9"


def _browser(user: User) -> Client:
    client = Client()
    response = client.post("/akun/masuk/", {"identifier": user.phone, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


# --- the name ----------------------------------------------------------------------------------------


def test_a_citizen_changes_her_name(client, cast):
    sign_in(client, cast.siti)

    response = client.post(NAME, {"full_name": "  Siti   Aminah Lubis "}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Nama Anda sudah disimpan." in response.content.decode()
    cast.siti.refresh_from_db()
    assert cast.siti.full_name == "Siti Aminah Lubis"
    [event] = audit_events("accounts.name_changed")
    assert event.actor_id == cast.siti.pk
    assert "Lubis" not in str(event.details)


def test_an_empty_name_is_refused_and_nothing_changes(client, cast):
    sign_in(client, cast.siti)

    response = client.post(NAME, {"full_name": "   "})

    assert response.status_code == 200
    assert 'href="#id_full_name"' in response.content.decode()
    cast.siti.refresh_from_db()
    assert cast.siti.full_name == "Siti Aminah"
    assert audit_events("accounts.name_changed") == []


def test_changing_the_name_needs_a_sign_in_and_a_post(client, cast):
    response = client.post(NAME, {"full_name": "Orang Lain"})
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")
    sign_in(client, cast.siti)
    assert client.get(NAME).status_code == 405
    cast.siti.refresh_from_db()
    assert cast.siti.full_name == "Siti Aminah"


# --- the password ------------------------------------------------------------------------------------


def test_a_new_password_needs_the_current_one(cast):
    here = _browser(cast.siti)

    response = here.post(
        PASSWORD,
        {
            "current_password": "salah-sekali-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "Kata sandi sekarang salah." in response.content.decode()
    cast.siti.refresh_from_db()
    assert cast.siti.check_password(TEST_PASSWORD)
    assert audit_events("accounts.password_changed") == []


def test_changing_the_password_keeps_this_device_and_ends_every_other(cast):
    here = _browser(cast.siti)
    elsewhere = _browser(cast.siti)

    response = here.post(
        PASSWORD,
        {"current_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE, 302)]
    html = response.content.decode()
    assert "Kata sandi Anda sudah diganti." in html
    assert "1 sesi di perangkat lain sudah diakhiri." in html
    cast.siti.refresh_from_db()
    assert cast.siti.check_password(NEW_PASSWORD)
    assert here.get(PROFILE).status_code == 200
    assert elsewhere.get(PROFILE).status_code == 302
    assert UserSession.objects.filter(user=cast.siti, ended_at__isnull=True).count() == 1
    assert here.get("/akun/sesi/").content.decode().count("perangkat ini") == 1
    assert UserSession.objects.filter(end_reason=UserSession.EndReason.PASSWORD_CHANGED).count() == 1
    [event] = audit_events("accounts.password_changed")
    assert event.details == {"other_sessions_ended": 1}
    assert NEW_PASSWORD not in str(event.details)
    assert TEST_PASSWORD not in str(event.details)


def test_a_weak_or_mismatched_new_password_is_refused(cast):
    here = _browser(cast.siti)
    weak = here.post(
        PASSWORD, {"current_password": TEST_PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    mismatch = here.post(
        PASSWORD, {"current_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "lain"}
    )
    assert weak.status_code == mismatch.status_code == 200
    assert 'href="#id_new_password1"' in weak.content.decode()
    assert "Kedua kata sandi baru tidak sama." in mismatch.content.decode()
    cast.siti.refresh_from_db()
    assert cast.siti.check_password(TEST_PASSWORD)


def test_guessing_the_current_password_is_slowed_down(cast):
    here = _browser(cast.siti)
    wrong = {
        "current_password": "tebakan-salah-1",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    for _ in range(5):
        here.post(PASSWORD, wrong)

    response = here.post(
        PASSWORD,
        {"current_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "Terlalu banyak percobaan" in response.content.decode()
    cast.siti.refresh_from_db()
    assert cast.siti.check_password(TEST_PASSWORD)


def test_the_password_page_needs_a_sign_in(client, db):
    response = client.get(PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


# --- what the page shows and links to ----------------------------------------------------------------


def test_the_profile_shows_an_unverified_nik_as_waiting_for_an_officer(client, cast):
    citizen_identity_set(user=cast.siti, nik=make_nik(female=True), actor=cast.siti)
    sign_in(client, cast.siti)
    html = client.get(PROFILE).content.decode()
    assert "NIK akan diperiksa petugas." in html
    assert make_nik(female=True) not in html


def test_a_second_claimant_of_a_nik_sees_what_the_first_sees(client, cast):
    nik = make_nik(female=True)
    citizen_identity_set(user=cast.siti, nik=nik, actor=cast.siti)
    other = citizen()
    citizen_identity_set(user=other, nik=nik, actor=other)

    def nik_row(user: User) -> str:
        sign_in(client, user)
        html = client.get(PROFILE).content.decode()
        return html.split(">NIK</dt>", 1)[1].split("</div>", 1)[0]

    assert nik_row(other) == nik_row(cast.siti)
    assert "sengketa" not in nik_row(other).lower()


def test_the_profile_links_to_the_password_and_sessions_pages(client, cast):
    sign_in(client, cast.siti)
    html = client.get(PROFILE).content.decode()
    assert f'href="{PASSWORD}"' in html
    assert 'href="/akun/sesi/"' in html
    assert f'action="{NAME}"' in html
    assert 'href="/akun/data-saya/"' in html
    assert 'href="/akun/nomor-hp/"' in html
    assert 'href="/akun/email/"' in html
