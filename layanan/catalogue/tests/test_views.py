"""The public catalogue pages: the list with its search, and a service's standar pelayanan."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.catalogue.models import Service
from layanan.catalogue.standards import COMPONENTS, Group
from layanan.catalogue.testing import VILLAGE_SAMPLE, seeded_service, service_build

LIST = "/layanan/"


def h1s(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


@pytest.fixture
def akta(world) -> Service:
    return seeded_service("akta-kelahiran")


@pytest.fixture
def domisili(world) -> Service:
    return seeded_service(VILLAGE_SAMPLE)


def test_the_list_shows_each_service_by_category_with_its_time_fee_and_office(client, akta, domisili):
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert h1s(html) == ["Daftar layanan"]
    assert "<h2>Kependudukan dan pencatatan sipil</h2>" in html
    assert "<h2>Surat keterangan dari desa/kelurahan</h2>" in html
    assert html.index("Akta kelahiran") < html.index("Surat keterangan domisili")
    assert "3 hari kerja (perkiraan) · Gratis · Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "Kantor desa/kelurahan tempat tinggal Anda" in html
    assert f'href="{reverse("catalogue:detail", args=[akta.slug])}"' in html


def test_searching_shows_only_the_matching_services(client, akta, domisili):
    response = client.get(LIST, {"q": "akte lahir"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 layanan cocok dengan “akte lahir”" in html
    assert "Akta kelahiran" in html
    assert "Surat keterangan domisili" not in html
    assert 'value="akte lahir"' in html


def test_a_search_without_results_says_what_to_try(client, akta):
    html = client.get(LIST, {"q": "paspor"}).content.decode()
    assert "0 layanan cocok" in html
    assert "Coba kata lain" in html


def test_the_list_makes_the_same_number_of_queries_however_many_services(
    client, world, django_assert_num_queries
):
    service_build(slug="satu")
    with django_assert_num_queries(1):
        client.get(LIST)
    for number in range(5):
        service_build(slug=f"lain-{number}", office=world.disdukcapil)
    with django_assert_num_queries(1):
        assert client.get(LIST).status_code == 200


def test_the_detail_page_shows_the_14_components_in_order_under_their_two_headings(client, akta):
    response = client.get(reverse("catalogue:detail", args=[akta.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert h1s(html) == ["Akta kelahiran"]
    delivery, management = html.index("Penyampaian pelayanan"), html.index("Pengelolaan pelayanan")
    assert delivery < management
    positions = []
    for component in COMPONENTS:
        if component.group is Group.DELIVERY:
            heading = f'<h3 id="{component.name}">{component.number}. {component.label}</h3>'
            assert delivery < html.index(heading) < management
        else:
            heading = (
                f'<details id="{component.name}">\n  <summary>{component.number}. {component.label}</summary>'
            )
            assert html.index(heading) > management
        positions.append(html.index(heading))
    assert positions == sorted(positions)
    assert html.count("<h3") == 6
    assert html.count("<details") == 8


def test_the_detail_page_explains_requirements_time_fee_and_who_handles_it(client, akta):
    html = client.get(reverse("catalogue:detail", args=[akta.slug])).content.decode()
    assert "Surat keterangan lahir" in html
    assert "Unggah, atau bawa dokumen asli" in html
    assert "bila berlaku" in html  # the witnesses' KTP-el is only needed with an SPTJM
    assert "perkiraan, sedang dikonfirmasi" in html
    assert "Gratis" in html
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "<li>UU 25/2009 tentang Pelayanan Publik.</li>" in html  # numbered text became a list
    assert "5 langkah: Data anak, Tempat lahir, Orang tua, Saksi, Persyaratan" in html


def test_the_apply_button_posts_to_the_start_of_an_application(client, akta):
    html = client.get(reverse("catalogue:detail", args=[akta.slug])).content.decode()
    action = reverse("applications:start", args=[akta.slug])
    assert html.count(f'<form method="post" action="{action}">') == 2
    assert "csrfmiddlewaretoken" in html
    assert "Ajukan permohonan" in html


def test_a_service_without_a_component_text_says_the_office_sets_it(client, world):
    service = service_build(slug="kosong", jumlah_pelaksana="")
    html = client.get(reverse("catalogue:detail", args=[service.slug])).content.decode()
    assert "Sesuai SK standar pelayanan kantor." in html


def test_an_unknown_or_inactive_service_is_not_found(client, akta):
    Service.objects.filter(pk=akta.pk).update(is_active=False)
    assert client.get(reverse("catalogue:detail", args=[akta.slug])).status_code == 404
    assert client.get(reverse("catalogue:detail", args=["tidak-ada"])).status_code == 404
    assert Service.objects.filter(pk=akta.pk, is_active=False).exists()


@pytest.mark.parametrize("name", ["siti", "andi", "admin"])
def test_signed_in_people_see_the_same_public_pages(client, cast, name):
    service = seeded_service("akta-kelahiran")
    sign_in(client, cast.all()[name])
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("catalogue:detail", args=[service.slug])).status_code == 200


def test_component_texts_are_escaped_and_numbered_lines_become_a_list(client, world):
    service = service_build(
        slug="teks", prosedur='Mulai.\n1. Isi <script>alert("x")</script>\n2. Kirim\nSelesai.'
    )
    html = client.get(reverse("catalogue:detail", args=[service.slug])).content.decode()
    assert "<script>alert" not in html
    assert "<p>Mulai.</p><ol><li>Isi &lt;script&gt;" in html
    assert "<li>Kirim</li></ol><p>Selesai.</p>" in html
