"""The Django admin: administrators only, through the platform's sign-in and second factor; NIK masked."""

from __future__ import annotations

import pytest

from layanan.accounts.models import Role, User
from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events, enrol
from layanan.testing import TEST_PASSWORD

NIK = "1803024507900003"


def test_the_administrator_opens_the_admin_and_the_user_list(client, cast):
    sign_in(client, cast.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


@pytest.mark.parametrize("name", ["siti", "budi", "andi", "rini", "bupati", "auditor", "sekar"])
def test_everyone_else_is_refused_the_admin(client, cast, name):
    sign_in(client, cast.all()[name])
    response = client.get("/admin/accounts/user/", follow=True)
    assert response.status_code == 403


def test_is_staff_without_the_admin_role_is_not_enough(client, cast):
    cast.budi.is_staff = True
    cast.budi.save(update_fields=["is_staff"])
    sign_in(client, cast.budi)
    assert client.get("/admin/", follow=True).status_code == 403


def test_anonymous_visitors_are_sent_to_the_platform_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/akun/masuk/?next=%2Fadmin%2F"
    assert response.status_code == 200


def test_the_admin_needs_the_second_factor_too(client, cast):
    enrol(cast.admin)
    client.post("/akun/masuk/", {"identifier": cast.admin.phone, "password": TEST_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/verifikasi/")


def test_the_user_list_never_shows_a_nik_in_clear(client, cast):
    from layanan.identity.services import citizen_identity_set

    citizen_identity_set(user=cast.siti, nik=NIK, actor=cast.siti)
    sign_in(client, cast.admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    detail = client.get(f"/admin/accounts/user/{cast.siti.pk}/change/").content.decode()
    assert "Siti Aminah" in listing
    assert NIK not in listing
    assert NIK not in detail
    assert "1803********0003" in listing


def test_users_are_found_by_phone_in_any_spelling(client, cast):
    sign_in(client, cast.admin)
    html = client.get("/admin/accounts/user/", {"q": "0812-0000-0004"}).content.decode()
    assert "Rini Lestari" in html
    assert "Siti Aminah" not in html


def test_the_admin_creates_staff_by_phone_and_the_change_is_audited(client, cast):
    sign_in(client, cast.admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "phone": "0813 5555 0001",
            "full_name": "Petugas Baru",
            "email": "",
            "role": Role.OFFICER,
            "office": cast.world.disdukcapil.pk,
            "usable_password": "true",
            "password1": "rumah-adat-lampura-9",
            "password2": "rumah-adat-lampura-9",
        },
    )
    created = User.objects.get(phone="+6281355550001")
    assert response.status_code == 302
    assert created.office == cast.world.disdukcapil
    assert [event.object_id for event in audit_events("accounts.user_created")] == [str(created.pk)]


def test_the_admin_cannot_make_an_officer_without_an_office(client, cast):
    sign_in(client, cast.admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "phone": "0813 5555 0002",
            "full_name": "Petugas Tanpa Kantor",
            "role": Role.OFFICER,
            "usable_password": "true",
            "password1": "rumah-adat-lampura-9",
            "password2": "rumah-adat-lampura-9",
        },
    )
    assert response.status_code == 200
    assert "harus punya kantor" in response.content.decode()
    assert not User.objects.filter(phone="+6281355550002").exists()


def test_resetting_the_second_factor_makes_the_user_set_it_up_again(client, cast):
    from layanan.accounts.models import SecondFactor

    enrol(cast.budi)
    sign_in(client, cast.admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [cast.budi.pk]},
    )
    assert response.status_code == 302
    assert not SecondFactor.objects.filter(user=cast.budi).exists()
    assert audit_events("accounts.second_factor_reset")[0].object_id == str(cast.budi.pk)
