"""The region admin is read-only: search and filter, no add, change or delete."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.regions.models import Region
from layanan.testing import Cast


def test_an_administrator_searches_and_filters_regions(client: Client, cast: Cast) -> None:
    sign_in(client, cast.admin)

    response = client.get(
        reverse("admin:regions_region_changelist"), {"q": "Kotabumi", "level__exact": "desa"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "18.03.02.1005" in content
    assert cast.world.tanjung_raja_desa.code not in content


def test_regions_cannot_be_added_changed_or_deleted_in_the_admin(client: Client, cast: Cast) -> None:
    sign_in(client, cast.admin)
    url = reverse("admin:regions_region_change", args=["18.03.02.1005"])

    assert client.get(reverse("admin:regions_region_add")).status_code == 403
    assert client.get(url).status_code == 200  # view only
    response = client.post(url, {"name": "Diubah"})
    assert response.status_code == 403
    assert client.post(reverse("admin:regions_region_delete", args=["18.03.02.1005"])).status_code == 403
    assert Region.objects.get(code="18.03.02.1005").name == "Kotabumi Pasar"


def test_an_officer_is_sent_to_the_admin_sign_in(client: Client, cast: Cast) -> None:
    sign_in(client, cast.andi)

    response = client.get(reverse("admin:regions_region_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
