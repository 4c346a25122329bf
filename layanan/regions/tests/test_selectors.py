"""Region selectors: what forms offer when a person picks a kecamatan and desa."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from layanan.regions.selectors import (
    district_list,
    regency_get,
    region_ancestors,
    region_get,
    region_in_regency,
    village_list,
)
from layanan.regions.tests.builders import load, metro_files
from layanan.testing import World


@pytest.fixture
def metro(tmp_path: Path, world: World) -> None:
    """Another regency loaded alongside, which the selectors must leave out."""
    load(metro_files(tmp_path), regency_code="18.72")


def codes(regions: Any) -> list[str]:
    return [region.code for region in regions]


def test_district_list_gives_the_kecamatan_of_the_configured_regency_only(world: World, metro: None) -> None:
    assert codes(district_list()) == ["18.03.02", "18.03.04"]
    assert codes(district_list(regency_code="18.72")) == ["18.72.01", "18.72.02"]


def test_village_list_gives_one_kecamatan_or_the_whole_regency(
    world: World, metro: None, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        villages = list(village_list())
        labels = [f"{village.name}, {village.parent.name}" for village in villages if village.parent]

    assert codes(villages) == ["18.03.02.1005", world.tanjung_raja_desa.code]
    assert labels[0] == "Kotabumi Pasar, Kotabumi"
    assert codes(village_list(district_code="18.03.04")) == [world.tanjung_raja_desa.code]
    assert codes(village_list(district_code="18.72.02")) == ["18.72.02.1001", "18.72.02.1002"]


def test_region_get_finds_a_code_or_gives_none(world: World) -> None:
    found = region_get("18.03.02.1005")

    assert found == world.kotabumi_pasar
    assert region_get("18.03.02.9999") is None


def test_regency_ancestors_and_membership(world: World, metro: None) -> None:
    assert regency_get() == world.regency
    assert codes(region_ancestors(world.kotabumi_pasar)) == ["18", "18.03", "18.03.02"]
    assert region_in_regency(world.kotabumi_pasar)
    assert region_in_regency(world.regency)
    metro_village = region_get("18.72.01.1001")
    assert metro_village is not None
    assert not region_in_regency(metro_village)
