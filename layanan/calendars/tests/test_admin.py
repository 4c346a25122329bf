"""The administrator keeps cuti bersama and local holidays in the admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from layanan.accounts.testing import sign_in
from layanan.calendars.models import Holiday
from layanan.calendars.selectors import add_working_days
from layanan.calendars.tests.builders import make_holiday, wib
from layanan.testing import Cast

ADD_URL = "/admin/calendars/holiday/add/"


def _form(day: date) -> dict[str, str]:
    return {"date": day.isoformat(), "name": "Cuti bersama tambahan", "kind": "cuti_bersama", "basis": "uji"}


@pytest.mark.django_db
def test_a_cuti_bersama_day_added_in_the_admin_moves_a_deadline(client: Client, cast: Cast) -> None:
    start = wib(2026, 10, 1)  # Thursday
    assert add_working_days(start, 3) == wib(2026, 10, 6)
    sign_in(client, cast.admin)

    response = client.post(ADD_URL, _form(date(2026, 10, 5)))

    assert response.status_code == 302
    holiday = Holiday.objects.get(date=date(2026, 10, 5))
    assert holiday.kind == Holiday.Kind.CUTI_BERSAMA
    assert add_working_days(start, 3) == wib(2026, 10, 7)


@pytest.mark.django_db
def test_deleting_a_day_off_in_the_admin_moves_the_deadline_back(client: Client, cast: Cast) -> None:
    holiday = make_holiday(date(2026, 10, 5))
    start = wib(2026, 10, 1)
    assert add_working_days(start, 3) == wib(2026, 10, 7)
    sign_in(client, cast.admin)

    response = client.post(f"/admin/calendars/holiday/{holiday.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    assert add_working_days(start, 3) == wib(2026, 10, 6)


@pytest.mark.django_db
def test_the_same_date_and_kind_twice_is_refused(client: Client, cast: Cast) -> None:
    make_holiday(date(2026, 10, 5), kind=Holiday.Kind.CUTI_BERSAMA)
    sign_in(client, cast.admin)

    response = client.post(ADD_URL, _form(date(2026, 10, 5)))

    assert response.status_code == 200  # the form again, with the error
    assert Holiday.objects.filter(date=date(2026, 10, 5)).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["budi", "andi", "siti", "bupati"])
def test_anyone_but_the_administrator_is_refused(client: Client, cast: Cast, persona: str) -> None:
    sign_in(client, getattr(cast, persona))

    response = client.post(ADD_URL, _form(date(2026, 10, 5)))

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
    assert not Holiday.objects.filter(date=date(2026, 10, 5)).exists()
    assert add_working_days(wib(2026, 10, 1), 3) == wib(2026, 10, 6)
