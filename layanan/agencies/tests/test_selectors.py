"""Office selectors: the directory of offices and the office that serves a region."""

from __future__ import annotations

from layanan.agencies.models import Office
from layanan.agencies.selectors import office_for_region, office_get, office_list
from layanan.testing import World


def test_office_list_gives_active_offices_optionally_of_one_kind(world: World) -> None:
    Office.objects.filter(code="dinas-pupr").update(is_active=False)

    assert [o.code for o in office_list(kind=Office.Kind.AGENCY)] == ["disdukcapil"]
    assert [o.code for o in office_list(kind=Office.Kind.AGENCY, include_inactive=True)] == [
        "dinas-pupr",
        "disdukcapil",
    ]
    assert [o.code for o in office_list(kind=Office.Kind.DISTRICT)] == ["kec-18-03-02", "kec-18-03-04"]
    assert len(office_list()) == 4


def test_office_for_region_gives_the_desa_office_else_the_kecamatan_office(world: World) -> None:
    assert office_for_region(world.tanjung_raja_desa) == world.desa_tanjung_raja
    assert office_for_region(world.tanjung_raja) == world.kec_tanjung_raja
    # The world has no office for kelurahan Kotabumi Pasar: its kecamatan serves it.
    assert office_for_region(world.kotabumi_pasar) == world.kec_kotabumi
    assert office_for_region(world.regency) is None


def test_an_inactive_desa_office_hands_over_to_the_kecamatan(world: World) -> None:
    Office.objects.filter(pk=world.desa_tanjung_raja.pk).update(is_active=False)

    assert office_for_region(world.tanjung_raja_desa) == world.kec_tanjung_raja


def test_office_get_finds_a_code_or_gives_none(world: World) -> None:
    assert office_get("disdukcapil") == world.disdukcapil
    assert office_get("tidak-ada") is None
