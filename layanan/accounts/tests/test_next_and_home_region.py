"""Registration keeps where the person was going, and asks (the profile too) where they live."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events
from layanan.accounts.tests.codes import CODE_URL, code_sent_to, enter_code

REGISTER = "/akun/daftar/"
SIGN_IN = "/akun/masuk/"
PROFILE = "/akun/"
TANJUNG_RAJA = "18.03.04.2009"  # desa, Kecamatan Tanjung Raja
KOTABUMI_PASAR = "18.03.02.1005"  # kelurahan, Kecamatan Kotabumi


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Dewi Anggraini",
        "phone": "0813-1111-2222",
        "email": "",
        "home_region": TANJUNG_RAJA,
        "nik": "",
        "password1": "kebun-kopi-lampura-7",
        "password2": "kebun-kopi-lampura-7",
    }
    data.update(overrides)
    return data


# --- next through sign-in → register → back ------------------------------------------------------


def test_the_register_link_on_the_sign_in_page_keeps_a_local_next(client, world):
    html = client.get(SIGN_IN, {"next": "/lapor/baru/"}).content.decode()
    assert f'href="{REGISTER}?next={quote("/lapor/baru/", safe="")}"' in html


@pytest.mark.parametrize(
    "unsafe", ["https://jahat.example/", "//jahat.example/lapor/", "javascript:alert(1)"]
)
def test_the_register_link_drops_a_next_that_leaves_the_site(client, world, unsafe):
    html = client.get(SIGN_IN, {"next": unsafe}).content.decode()
    assert re.findall(r'href="(/akun/daftar/[^"]*)"', html) == [REGISTER]
    assert '<input type="hidden" name="next" value="/">' in html  # the sign-in form's own next too


def test_the_register_link_without_next_is_plain(client, world):
    html = client.get(SIGN_IN).content.decode()
    assert f'href="{REGISTER}"' in html


def test_registration_returns_the_person_to_next(client, world, fake_gateway):
    page = client.get(REGISTER, {"next": "/lapor/baru/"}).content.decode()
    assert '<input type="hidden" name="next" value="/lapor/baru/">' in page
    assert f'href="{SIGN_IN}?next={quote("/lapor/baru/", safe="")}"' in page  # "Masuk" keeps it too
    asked = client.post(REGISTER, {**_form(), "next": "/lapor/baru/"})
    assert asked["Location"] == CODE_URL
    response = enter_code(client, code_sent_to(fake_gateway, "+6281311112222"))
    assert response.status_code == 302
    assert response["Location"] == "/lapor/baru/"
    user = User.objects.get(phone="+6281311112222")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_registration_ignores_a_next_that_leaves_the_site(client, world, fake_gateway):
    client.post(REGISTER, {**_form(), "next": "https://jahat.example/"})
    response = enter_code(client, code_sent_to(fake_gateway, "+6281311112222"))
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert User.objects.filter(phone="+6281311112222").exists()


def test_a_refused_registration_keeps_next_in_the_form(client, world):
    response = client.post(REGISTER, {**_form(password2="lain"), "next": "/lapor/baru/"})
    assert response.status_code == 200
    assert '<input type="hidden" name="next" value="/lapor/baru/">' in response.content.decode()
    assert not User.objects.filter(phone="+6281311112222").exists()


# --- home desa/kelurahan at registration ----------------------------------------------------------


def test_registration_asks_for_the_home_desa_grouped_by_kecamatan(client, world):
    html = client.get(REGISTER).content.decode()
    assert '<select name="home_region"' in html
    assert '<optgroup label="Tanjung Raja">' in html
    assert f'<option value="{TANJUNG_RAJA}">Tanjung Raja</option>' in html
    assert '<optgroup label="Kotabumi">' in html


def test_registration_stores_the_home_desa(client, world, fake_gateway):
    client.post(REGISTER, _form())
    response = enter_code(client, code_sent_to(fake_gateway, "+6281311112222"))
    assert response.status_code == 302
    assert User.objects.get(phone="+6281311112222").home_region_id == TANJUNG_RAJA


def test_registration_without_a_home_desa_is_refused_with_a_plain_message(client, world):
    response = client.post(REGISTER, _form(home_region=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pilih desa/kelurahan tempat tinggal Anda." in html
    assert 'href="#id_home_region"' in html
    assert not User.objects.filter(phone="+6281311112222").exists()


@pytest.mark.parametrize("code", ["18.03.02", "18.03", "99.99.99.9999"])
def test_registration_refuses_a_region_that_is_not_a_desa_of_the_list(client, world, code):
    html = client.post(REGISTER, _form(home_region=code)).content.decode()
    assert "Pilih desa/kelurahan dari daftar." in html
    assert not User.objects.filter(phone="+6281311112222").exists()


# --- changing it in the profile -------------------------------------------------------------------


def test_the_profile_shows_the_home_desa_with_its_kecamatan_and_a_form_to_change_it(client, cast):
    sign_in(client, cast.siti)
    html = client.get(PROFILE).content.decode()
    assert "Kotabumi Pasar, Kecamatan Kotabumi" in html
    assert f'<option value="{KOTABUMI_PASAR}" selected>Kotabumi Pasar</option>' in html
    assert f'<form method="post" action="{PROFILE}"' in html


def test_a_citizen_changes_her_home_desa_in_the_profile(client, cast):
    sign_in(client, cast.siti)
    response = client.post(PROFILE, {"home_region": TANJUNG_RAJA}, follow=True)
    cast.siti.refresh_from_db()
    assert response.redirect_chain == [(PROFILE, 302)]
    assert cast.siti.home_region_id == TANJUNG_RAJA
    assert "Desa/kelurahan tempat tinggal Anda sudah disimpan." in response.content.decode()
    [event] = audit_events("accounts.home_region_changed")
    assert event.actor_id == cast.siti.pk
    assert TANJUNG_RAJA not in str(event.details)  # says what changed, not where she lives


def test_a_citizen_without_a_home_desa_is_asked_to_fill_it_in(client, cast):
    cast.siti.home_region = None
    cast.siti.save(update_fields=["home_region"])
    sign_in(client, cast.siti)
    html = client.get(PROFILE).content.decode()
    assert "Isi tempat tinggal Anda" in html
    assert "Belum diisi" in html


def test_an_empty_choice_in_the_profile_is_refused_and_changes_nothing(client, cast):
    sign_in(client, cast.siti)
    response = client.post(PROFILE, {"home_region": ""})
    cast.siti.refresh_from_db()
    assert response.status_code == 200
    assert "Pilih desa/kelurahan tempat tinggal Anda." in response.content.decode()
    assert cast.siti.home_region_id == KOTABUMI_PASAR
    assert audit_events("accounts.home_region_changed") == []


def test_staff_cannot_set_a_home_desa_in_the_profile(client, cast):
    sign_in(client, cast.rini)
    assert '<select name="home_region"' not in client.get(PROFILE).content.decode()
    response = client.post(PROFILE, {"home_region": TANJUNG_RAJA})
    cast.rini.refresh_from_db()
    assert response.status_code == 403
    assert cast.rini.home_region_id is None
    assert audit_events("accounts.home_region_changed") == []


def test_changing_the_home_desa_needs_a_sign_in(client, world):
    response = client.post(PROFILE, {"home_region": TANJUNG_RAJA})
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_citizen_s_account_page_points_on_to_applying_reporting_and_their_applications(client, cast):
    from layanan.accounts.testing import sign_in

    sign_in(client, cast.siti)
    response = client.get(PROFILE)
    assert response.status_code == 200
    html = response.content.decode()
    for url in ("/layanan/", "/lapor/baru/", "/permohonan/saya/"):
        assert f'href="{url}"' in html
    sign_in(client, cast.budi)  # staff have their own menu: no citizen's next steps
    assert 'href="/lapor/baru/"' not in client.get(PROFILE).content.decode().split("<main", 1)[1]
