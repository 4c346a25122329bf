"""The public status lookup: tracking number plus the phone's last four digits, nothing personal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layanan.applications.models import Application
from layanan.applications.tests.test_views_citizen import NIK, build_draft, build_submitted, tracking_of
from layanan.applications.views_lookup import LOOKUP_PER_ADDRESS
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

LOOKUP = reverse("applications:lookup")
NOT_FOUND = "Nomor tidak ditemukan."


def test_the_lookup_page_is_a_post_form_open_to_everyone(cast: Cast):
    response = Client().get(LOOKUP)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html
    assert NOT_FOUND not in html


def test_the_right_number_and_digits_show_the_status_and_nothing_personal(cast: Cast):
    application = build_submitted(cast)
    spelled = tracking_of(application).lower().replace("-", " ")

    response = Client().post(LOOKUP, {"tracking_number": spelled, "phone_last4": cast.siti.phone[-4:]})

    assert response.status_code == 200
    html = response.content.decode()
    assert tracking_of(application) in html
    assert "KTP-el baru" in html
    assert "Diterima, menunggu diperiksa" in html
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    for personal in (cast.siti.full_name, NIK, cast.siti.phone, "0" + cast.siti.phone.removeprefix("+62")):
        assert personal not in html
    assert Application.objects.get(pk=application.pk).status == application.status  # a read, nothing else


@pytest.mark.parametrize(
    "case",
    ["wrong digits", "unknown number", "malformed number", "a draft"],
)
def test_every_mismatch_gets_the_same_not_found_message(cast: Cast, case: str):
    application = build_submitted(cast)
    number, digits = tracking_of(application), cast.siti.phone[-4:]
    if case == "wrong digits":
        digits = "0000" if digits != "0000" else "1111"
    elif case == "unknown number":
        number = "P-00000-00000"
    elif case == "malformed number":
        number = "halo"
    else:
        number = build_draft(cast).public_id.hex[:11]

    response = Client().post(LOOKUP, {"tracking_number": number, "phone_last4": digits})

    assert response.status_code == 200
    html = response.content.decode()
    assert NOT_FOUND in html
    assert "KTP-el baru" not in html
    assert response.context["found"] is None


def test_the_digits_must_be_four_numbers(cast: Cast):
    response = Client().post(LOOKUP, {"tracking_number": "P-00000-00000", "phone_last4": "12a4"})

    assert response.status_code == 200
    assert "Masukkan tepat 4 angka." in response.content.decode()
    assert response.context["found"] is None


def test_too_many_misses_from_one_address_are_slowed_down_even_with_the_right_digits(cast: Cast):
    application = build_submitted(cast)
    client = Client()
    for attempt in range(LOOKUP_PER_ADDRESS.attempts):
        client.post(LOOKUP, {"tracking_number": f"P-{attempt:05d}-00000", "phone_last4": "1234"})

    response = client.post(
        LOOKUP, {"tracking_number": tracking_of(application), "phone_last4": cast.siti.phone[-4:]}
    )

    assert response.status_code == 200
    assert "Terlalu banyak pencarian" in response.content.decode()
    assert response.context["found"] is None
    other_address = Client(REMOTE_ADDR="10.0.0.2").post(
        LOOKUP, {"tracking_number": tracking_of(application), "phone_last4": cast.siti.phone[-4:]}
    )
    assert other_address.context["found"] is not None


def test_guessing_the_digits_of_one_number_is_slowed_down_across_addresses(cast: Cast):
    application = build_submitted(cast)
    right = cast.siti.phone[-4:]
    wrong = [f"{n:04d}" for n in range(20) if f"{n:04d}" != right][:10]
    for index, digits in enumerate(wrong):
        Client(REMOTE_ADDR=f"10.0.1.{index}").post(
            LOOKUP, {"tracking_number": tracking_of(application), "phone_last4": digits}
        )

    response = Client(REMOTE_ADDR="10.0.2.1").post(
        LOOKUP, {"tracking_number": tracking_of(application), "phone_last4": right}
    )

    assert response.context["found"] is None
    assert "Terlalu banyak pencarian" in response.content.decode()


def test_the_digits_never_travel_in_the_url(cast: Cast):
    application = build_submitted(cast)

    response = Client().get(
        LOOKUP, {"tracking_number": tracking_of(application), "phone_last4": cast.siti.phone[-4:]}
    )

    assert response.status_code == 200
    assert response.context["found"] is None
    assert "KTP-el baru" not in response.content.decode()
