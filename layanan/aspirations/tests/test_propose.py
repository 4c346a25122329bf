"""A citizen proposes an usulan for a desa: once per form, photos re-encoded, staff refused."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from layanan.aspirations.models import Status, Usulan, UsulanPhoto
from layanan.aspirations.tests.builders import client_of, jpeg, wati
from layanan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = reverse("aspirations:new")


def _form(cast, **changes):
    data = {
        "region": cast.world.tanjung_raja_desa.code,
        "topic": "air",
        "title": "Sumur bor untuk Dusun III",
        "description": "Warga Dusun III mengambil air dari sungai setiap musim kemarau.",
        "address_text": "Dusun III",
        "latitude": "-4.830100",
        "longitude": "104.880600",
        "submit_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_a_citizen_proposes_an_usulan_with_a_photo_and_sees_its_page(cast):
    proposer = wati(cast)
    photo = SimpleUploadedFile("sumur.jpg", jpeg(), content_type="image/jpeg")
    response = client_of(proposer).post(NEW, {**_form(cast), "photos": [photo]})
    made = Usulan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("aspirations:detail", args=[made.pk])
    assert (made.region, made.topic, made.proposer, made.status) == (
        cast.world.tanjung_raja_desa,
        "air",
        proposer,
        Status.SUBMITTED,
    )
    assert str(made.latitude) == "-4.830100"
    stored = UsulanPhoto.objects.get()
    assert stored.usulan == made
    assert stored.uploaded_by == proposer
    assert stored.size > 0
    assert AuditEvent.objects.filter(action="aspirations.submit", object_id=str(made.pk)).count() == 1


def test_the_form_suggests_the_citizens_own_desa(cast):
    page = client_of(wati(cast)).get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{cast.world.tanjung_raja_desa.code}" selected>' in html


def test_a_form_sent_twice_makes_one_usulan(cast):
    proposer = wati(cast)
    data = _form(cast)
    first = client_of(proposer).post(NEW, data)
    second = client_of(proposer).post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Usulan.objects.count() == 1
    assert AuditEvent.objects.filter(action="aspirations.submit").count() == 1


def test_the_same_key_from_another_person_is_refused_and_stores_nothing(cast):
    data = _form(cast)
    client_of(wati(cast)).post(NEW, data)
    response = client_of(cast.siti).post(NEW, data)
    assert response.status_code == 200
    assert "Formulir ini sudah dipakai" in response.content.decode()
    assert Usulan.objects.count() == 1


def test_a_40_mb_photo_is_refused_with_a_plain_message_and_nothing_is_stored(cast, settings):
    huge = SimpleUploadedFile(
        "jalan.jpg", b"\xff\xd8\xff" + b"\0" * (40 * 1024 * 1024), content_type="image/jpeg"
    )
    response = client_of(wati(cast)).post(NEW, {**_form(cast), "photos": [huge]})
    assert response.status_code == 200
    assert (
        "Berkas terlalu besar (maksimum 10 MB). Kirim foto dengan ukuran lebih kecil."
        in response.content.decode()
    )
    assert Usulan.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "aspirations").exists()


def test_a_file_that_is_not_a_photo_is_refused(cast):
    fake = SimpleUploadedFile("jalan.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client_of(wati(cast)).post(NEW, {**_form(cast), "photos": [fake]})
    assert response.status_code == 200
    assert Usulan.objects.count() == 0


def test_a_short_description_gets_a_plain_message(cast):
    response = client_of(wati(cast)).post(NEW, _form(cast, description="Jalan"))
    assert response.status_code == 200
    assert "sedikit lebih lengkap" in response.content.decode()
    assert Usulan.objects.count() == 0


def test_staff_and_visitors_cannot_propose(cast):
    for persona in (cast.rini, cast.budi, cast.admin):
        assert client_of(persona).post(NEW, _form(cast)).status_code == 403
    anonymous = client_of(None).post(NEW, _form(cast))
    assert anonymous.status_code == 302
    assert "/akun/masuk/" in anonymous["Location"]
    assert Usulan.objects.count() == 0


def test_usulan_saya_lists_only_ones_own(cast):
    client_of(wati(cast)).post(NEW, _form(cast, title="Sumur bor Wati"))
    client_of(cast.siti).post(
        NEW, _form(cast, title="Balai warga Siti", region=cast.world.kotabumi_pasar.code)
    )
    page = client_of(cast.siti).get(reverse("aspirations:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Balai warga Siti" in html
    assert "Sumur bor Wati" not in html
    assert client_of(cast.rini).get(reverse("aspirations:mine")).status_code == 403
