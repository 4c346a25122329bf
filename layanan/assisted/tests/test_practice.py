"""Practice mode does not reach the assisted service yet: every step is refused while it is on
(it would register a real citizen and send a real consent code), reading stays open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.applications.models import Application
from layanan.assisted.models import Visit
from layanan.assisted.tests.helpers import VILLAGER_NIK
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

HOME = reverse("assisted:home")


def practising(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    assert client.post(reverse("core:practice"), {"on": "1"}).status_code == 302
    return client


def test_an_operator_in_practice_mode_registers_nobody_and_is_sent_to_the_switch(cast: Cast) -> None:
    client = practising(cast.rini)
    assert client.get(HOME).status_code == 200
    data = {
        "langkah": "daftar",
        "full_name": "Pak Darmo",
        "nik": VILLAGER_NIK,
        "phone": "0812 7777 0001",
        "home_region": cast.world.tanjung_raja_desa.pk,
    }
    response = client.post(HOME, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:practice")
    assert not User.objects.filter(full_name="Pak Darmo").exists()
    assert not Visit.objects.exists()
    assert not Application.objects.exists()
    # Without practice mode the same form registers the citizen.
    client.post(reverse("core:practice"), {"on": "0"})
    assert client.post(HOME, data).status_code == 302
    assert User.objects.filter(full_name="Pak Darmo").exists()


def test_a_citizen_in_practice_mode_is_still_refused_the_operator_s_page(cast: Cast) -> None:
    response = practising(cast.siti).post(HOME, {"langkah": "cari", "nik": VILLAGER_NIK})
    assert response.status_code == 403
