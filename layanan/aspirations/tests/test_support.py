""" "Saya mendukung": a resident of the usulan's desa supports it once; anyone else is refused plainly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.aspirations.models import Support
from layanan.aspirations.tests.builders import client_of, joko, usulan, wati
from layanan.audit.models import AuditEvent
from layanan.testing import make_user

pytestmark = pytest.mark.django_db


def _support_url(made):
    return reverse("aspirations:support", args=[made.pk])


def test_a_neighbour_supports_once_and_the_count_shows_it(cast):
    made = usulan(cast)
    neighbour = client_of(joko(cast))
    first = neighbour.post(_support_url(made))
    second = neighbour.post(_support_url(made))
    assert first.status_code == second.status_code == 302
    assert Support.objects.filter(usulan=made).count() == 1
    assert AuditEvent.objects.filter(action="aspirations.support", object_id=str(made.pk)).count() == 1
    page = client_of(None).get(reverse("aspirations:detail", args=[made.pk])).content.decode()
    assert "1 warga mendukung" in page


def test_a_citizen_of_another_desa_is_refused_in_plain_indonesian(cast):
    made = usulan(cast)
    response = client_of(cast.siti).post(_support_url(made))
    assert response.status_code == 403
    assert "Hanya warga Tanjung Raja yang dapat mendukung usulan ini." in response.content.decode()
    assert Support.objects.count() == 0


def test_a_citizen_without_a_desa_is_told_to_set_it(cast):
    made = usulan(cast)
    drifter = make_user(phone="081200000031", full_name="Tanpa Desa")
    response = client_of(drifter).post(_support_url(made))
    assert response.status_code == 403
    assert "Isi dulu desa/kelurahan tempat tinggal Anda" in response.content.decode()
    assert Support.objects.count() == 0


def test_the_proposer_and_staff_cannot_support(cast):
    made = usulan(cast)
    assert client_of(wati(cast)).post(_support_url(made)).status_code == 403
    assert client_of(cast.rini).post(_support_url(made)).status_code == 403
    anonymous = client_of(None).post(_support_url(made))
    assert anonymous.status_code == 302
    assert "/akun/masuk/" in anonymous["Location"]
    assert Support.objects.count() == 0


def test_the_public_page_never_names_the_proposer_or_a_supporter(cast):
    made = usulan(cast)
    client_of(joko(cast)).post(_support_url(made))
    for viewer in (None, cast.siti, cast.rini):
        html = client_of(viewer).get(reverse("aspirations:detail", args=[made.pk])).content.decode()
        assert "Wati" not in html
        assert "Kusumawati" not in html
        assert "Purnomo" not in html


def test_a_decided_usulan_takes_no_more_support(cast):
    from layanan.aspirations import services

    made = usulan(cast)
    services.usulan_reject(usulan=made, actor=cast.rini, reason="Sudah dibangun provinsi.")
    response = client_of(joko(cast)).post(_support_url(made))
    assert response.status_code == 403
    assert "Usulan ini sudah diputuskan" in response.content.decode()
    assert Support.objects.count() == 0


def test_a_visitor_is_asked_to_sign_in_to_support(cast):
    made = usulan(cast)
    html = client_of(None).get(reverse("aspirations:detail", args=[made.pk])).content.decode()
    assert "Masuk untuk mendukung" in html
    assert "Saya mendukung" not in html
