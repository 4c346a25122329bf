"""Citizen registration and the profile page."""

from __future__ import annotations

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events

REGISTER = "/akun/daftar/"
NIK = "1803024507900003"  # a woman born 5 July 1990, first registered in Kotabumi


def _form(**overrides):
    data = {
        "full_name": "Dewi Anggraini",
        "phone": "0813-1111-2222",
        "email": "",
        "home_region": "18.03.04.2009",  # Desa Tanjung Raja, in the test world
        "nik": "",
        "password1": "kebun-kopi-lampura-7",
        "password2": "kebun-kopi-lampura-7",
    }
    data.update(overrides)
    return data


def test_registration_creates_a_citizen_and_signs_her_in(client, world):
    response = client.post(REGISTER, _form(email="Dewi@Contoh.id"))
    user = User.objects.get(phone="+6281311112222")
    assert response.status_code == 302
    assert response["Location"] == "/akun/"
    assert user.role == Role.CITIZEN
    assert user.office is None
    assert user.email == "dewi@contoh.id"
    assert user.full_name == "Dewi Anggraini"
    assert user.check_password("kebun-kopi-lampura-7")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert [event.actor_id for event in audit_events("accounts.register")] == [user.pk]


def test_registration_with_a_nik_stores_it_sealed_and_hashed(client, world):
    client.post(REGISTER, _form(nik="1803 0245 0790 0003"))
    user = User.objects.get(phone="+6281311112222")
    assert user.nik == NIK
    assert user.nik_hash
    assert str(user.birth_date) == "1990-07-05"
    assert user.sex == "P"


def test_registration_refuses_an_invalid_nik_and_creates_nobody(client, world):
    response = client.post(REGISTER, _form(nik="1803024507900000"))
    assert response.status_code == 200
    assert 'href="#id_nik"' in response.content.decode()
    assert not User.objects.filter(phone="+6281311112222").exists()


def test_a_registered_phone_is_refused_with_a_clear_message(client, cast):
    response = client.post(REGISTER, _form(phone="+62 812-0000-0001"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nomor HP ini sudah terdaftar" in html
    assert 'href="#id_phone"' in html
    assert User.objects.filter(phone="+6281200000001").count() == 1
    assert User.objects.get(phone="+6281200000001").full_name == "Siti Aminah"


def test_a_registered_email_is_refused(client, cast):
    cast.siti.email = "siti@contoh.id"
    cast.siti.save(update_fields=["email"])
    response = client.post(REGISTER, _form(email="SITI@contoh.id"))
    assert "Email ini sudah terdaftar" in response.content.decode()
    assert not User.objects.filter(phone="+6281311112222").exists()


def test_passwords_must_match_and_be_strong(client, world):
    mismatch = client.post(REGISTER, _form(password2="kebun-kopi-lampura-8")).content.decode()
    weak = client.post(REGISTER, _form(password1="12345678", password2="12345678")).content.decode()
    assert "Kedua kata sandi tidak sama." in mismatch
    assert 'href="#id_password1"' in weak
    assert not User.objects.filter(phone="+6281311112222").exists()


def test_an_unreadable_phone_is_refused(client, world):
    html = client.post(REGISTER, _form(phone="12345")).content.decode()
    assert "Nomor HP tidak dikenali" in html
    assert User.objects.count() == 0


def test_signed_in_people_are_sent_to_their_profile_instead(client, cast):
    sign_in(client, cast.budi)
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"] == "/akun/"


def test_the_profile_shows_own_data_with_the_nik_masked(client, cast):
    from layanan.identity.services import citizen_identity_set

    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    sign_in(client, cast.siti)
    response = client.get("/akun/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siti Aminah" in html
    assert "081200000001" in html
    assert NIK not in html
    assert "1803********0003" in html
    assert html.count("<h1") == 1


def test_the_profile_of_staff_shows_the_second_factor_state(client, cast):
    sign_in(client, cast.budi)
    html = client.get("/akun/").content.decode()
    assert "Langkah kedua" in html
    assert "Dinas Kependudukan" in html


def test_the_profile_needs_a_sign_in(client, db):
    response = client.get("/akun/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=")
