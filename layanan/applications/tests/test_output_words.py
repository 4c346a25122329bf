"""What the citizen gets and when, said from the service's output: a letter to download, or SIAK."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from layanan.applications.tests.officer_builders import birth_application, birth_service
from layanan.applications.tests.test_views_staff import client_for
from layanan.catalogue.models import Service
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_siak_service_page_says_the_document_is_made_in_siak_and_how_it_reaches_the_citizen(cast: Cast):
    service = birth_service(cast)

    page = client_for(None).get(reverse("catalogue:detail", args=[service.slug])).content.decode()

    assert "Yang Anda terima" in page
    assert "di SIAK (sistem Dukcapil), bukan di platform ini" in page
    assert "Dinas Kependudukan" in page or cast.world.disdukcapil.name in page
    assert "unduh PDF-nya dari halaman permohonan" not in page


def test_a_letter_service_page_says_the_letter_is_downloaded_here(cast: Cast):
    service = birth_service(cast)
    service.output = Service.Output.LETTER
    service.save(update_fields=["output"])

    page = client_for(None).get(reverse("catalogue:detail", args=[service.slug])).content.decode()

    assert "unduh PDF-nya dari halaman permohonan" in page
    assert "bukan di platform ini" not in page


def test_the_done_page_of_a_siak_service_says_where_the_document_comes_from(cast: Cast):
    application = birth_application(cast)

    page = client_for(cast.siti).get(reverse("applications:done", args=[application.public_id]))

    assert page.status_code == 200
    assert "di SIAK (sistem Dukcapil), bukan di platform ini" in page.content.decode()


def test_the_seeded_siak_services_no_longer_promise_a_document_to_download_here():
    catalogue = json.loads((Path(settings.BASE_DIR) / "data" / "catalogue.json").read_text(encoding="utf-8"))
    profile = catalogue["profiles"]["dukcapil"]
    akta = next(s for s in catalogue["services"] if s["slug"] == "akta-kelahiran")

    assert "bukan di platform ini" in akta["produk"]
    assert "SIAK" in profile["prosedur"]
    assert "tidak ada berkas untuk diunduh di sini" in profile["prosedur"]
