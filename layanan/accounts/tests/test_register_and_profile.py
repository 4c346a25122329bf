"""Citizen registration and the profile page."""

from __future__ import annotations

from django.contrib.messages import get_messages

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events
from layanan.accounts.tests.codes import CODE, CODE_URL, code_sent_to, enter_code, texts_to

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


def _register(client, fake_gateway, **overrides):
    asked = client.post(REGISTER, _form(**overrides))
    assert asked.status_code == 302
    assert asked["Location"] == CODE_URL
    phone = "+62" + overrides.get("phone", "0813-1111-2222").replace("-", "").replace(" ", "").lstrip("0")
    return enter_code(client, code_sent_to(fake_gateway, phone))


def test_registration_sends_a_code_and_creates_nobody_until_it_comes_back(client, world, fake_gateway):
    response = client.post(REGISTER, _form())
    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    assert not User.objects.filter(phone="+6281311112222").exists()
    page = client.get(CODE_URL).content.decode()
    assert "Kami mengirim kode ke 0813****2222" in page
    assert "_auth_user_id" not in client.session


def test_registration_creates_a_proven_citizen_and_signs_her_in(client, world, fake_gateway):
    response = _register(client, fake_gateway, email="Dewi@Contoh.id")
    user = User.objects.get(phone="+6281311112222")
    assert response.status_code == 302
    assert response["Location"] == "/akun/"
    assert user.role == Role.CITIZEN
    assert user.office is None
    assert user.phone_is_proven
    assert user.email == "dewi@contoh.id"
    assert user.full_name == "Dewi Anggraini"
    assert user.check_password("kebun-kopi-lampura-7")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert [event.actor_id for event in audit_events("accounts.register")] == [user.pk]


def test_registration_with_a_nik_stores_it_sealed_and_hashed(client, world, fake_gateway):
    _register(client, fake_gateway, nik="1803 0245 0790 0003")
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


def test_a_registered_phone_gets_the_same_answer_and_its_owner_a_warning(client, cast, fake_gateway):
    response = client.post(REGISTER, _form(phone="+62 812-0000-0001"))
    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    page = client.get(CODE_URL).content.decode()
    assert "sudah terdaftar" not in page
    assert "Kami mengirim kode ke 0812****0001" in page
    (warning,) = texts_to(fake_gateway, "+6281200000001")
    assert "mencoba mendaftar" in warning
    assert not CODE.search(warning)
    assert User.objects.filter(phone="+6281200000001").count() == 1
    assert User.objects.get(phone="+6281200000001").full_name == "Siti Aminah"


def test_the_code_step_for_a_registered_proven_phone_never_succeeds(client, cast, fake_gateway):
    client.post(REGISTER, _form(phone="+62 812-0000-0001"))
    for guess in ("000000", "123456", "999999"):
        response = enter_code(client, guess)
        assert response.status_code == 200
        assert "Kode salah" in response.content.decode()
    assert User.objects.filter(phone="+6281200000001").get().full_name == "Siti Aminah"
    assert User.objects.count() == len(User.objects.all())
    assert "_auth_user_id" not in client.session


def test_a_registered_email_is_not_revealed_and_is_dropped_after_proof(client, cast, fake_gateway):
    cast.siti.email = "siti@contoh.id"
    cast.siti.save(update_fields=["email"])
    asked = client.post(REGISTER, _form(email="SITI@contoh.id"))
    assert asked.status_code == 302
    response = enter_code(client, code_sent_to(fake_gateway, "+6281311112222"))
    assert response.status_code == 302
    dewi = User.objects.get(phone="+6281311112222")
    assert dewi.email is None
    assert User.objects.get(pk=cast.siti.pk).email == "siti@contoh.id"
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Email belum kami pasang" in note for note in notes)


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
