"""No published cell reveals a person: small counts, lone suppressed cells and figures of small groups."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from layanan.opendata import datasets as datasets_module
from layanan.opendata import registry, services, suppression
from layanan.opendata.registry import COUNT, DERIVED, PERIOD, SUPPRESSED_COLUMN, Column, DataSet, datasets
from layanan.opendata.tests import builders

KOTABUMI, TANJUNG_RAJA, BUKIT_KEMUNING = "18.03.02", "18.03.04", "18.03.01"
JANUARY, FEBRUARY = date(2026, 1, 1), date(2026, 2, 1)


def _toy(marginals: tuple[tuple[str, ...], ...] = ()) -> DataSet:
    return DataSet(
        slug="uji",
        title="Uji",
        description="Uji",
        keywords=(),
        frequency="monthly",
        period_column="bulan",
        columns=(
            Column("bulan", PERIOD, "Bulan", "Bulan"),
            Column("kode", "code", "Kode", "Kode"),
            Column("grup", "code", "Grup", "Grup"),
            Column("n", COUNT, "N", "N", datatype="integer"),
            Column("bagian", COUNT, "Bagian", "Bagian", datatype="integer", part_of="n"),
            Column("persen", DERIVED, "Persen", "Persen", base="n", sources=("n", "bagian")),
            Column("median", DERIVED, "Median", "Median", base="n"),
        ),
        rows=list,
        marginals=marginals,
    )


def _row(code: str, n: int, part: int, group: str = "a") -> dict[str, Any]:
    return {
        "bulan": "2026-01",
        "kode": code,
        "grup": group,
        "n": n,
        "bagian": part,
        "persen": 100 * part / n if n else None,
        "median": 3 if n else None,
    }


def test_counts_from_one_to_the_threshold_less_one_are_suppressed_and_zero_is_not():
    rows = [_row(str(n), n, 0) for n in range(7)]
    out = suppression.published(_toy(), rows, threshold=5)
    assert [row["n"] for row in out] == [0, None, None, None, None, 5, 6]
    assert [row[SUPPRESSED_COLUMN] for row in out][1] == "n;persen;median"
    assert out[5][SUPPRESSED_COLUMN] == ""


def test_a_figure_of_a_small_group_is_suppressed_even_when_its_counts_are_not():
    # 0 of 3 on time: the part (0) may be shown, the group is too small for a share or a median.
    out = suppression.published(_toy(), [_row("x", 3, 0)], threshold=5)[0]
    assert out["bagian"] == 0
    assert out["persen"] is None
    assert out["median"] is None


def test_a_share_is_suppressed_when_its_part_is_so_it_cannot_be_multiplied_back():
    out = suppression.published(_toy(), [_row("x", 20, 3)], threshold=5)[0]
    assert out["n"] == 20
    assert out["bagian"] is None
    assert out["persen"] is None  # 15 % of 20 would give the 3 back
    assert out["median"] == 3  # a median gives no count back


def test_a_lone_suppressed_cell_in_a_group_with_a_published_total_gets_a_second_one():
    marginals = (("bulan", "grup"),)
    rows = [_row("a", 2, 0), _row("b", 9, 0), _row("c", 7, 0), _row("d", 3, 0, group="other")]
    out = suppression.published(_toy(marginals), rows, threshold=5)
    # In group "a": 2 is suppressed, and the smallest other non-zero cell (7) with it.
    assert [row["n"] for row in out] == [None, 9, None, None]
    assert out[2][SUPPRESSED_COLUMN].startswith("n")


def test_the_part_of_a_hidden_whole_and_the_figures_of_a_hidden_group_are_hidden_with_it():
    # Cells 2 and 9 of group "a": 2 is small, 9 is hidden beside it. Showing 9's part (8) or its
    # median would tell that the hidden 9 is not small, and so that the other one is at most 11 - 9.
    marginals = (("bulan", "grup"),)
    rows = [_row("a", 2, 0), _row("b", 9, 8), _row("c", 30, 20)]
    out = suppression.published(_toy(marginals), rows, threshold=5)
    assert [row["n"] for row in out] == [None, None, 30]
    assert out[1]["bagian"] is None
    assert out[1]["median"] is None
    assert out[1][SUPPRESSED_COLUMN] == "n;bagian;persen;median"
    # The part column now has one hidden cell in the group: another one is hidden beside it.
    assert out[2]["bagian"] is None
    assert out[2]["n"] == 30
    assert out[2]["median"] == 3


def test_the_threshold_is_the_setting(settings):
    settings.OPEN_DATA_MIN_COUNT = 3
    out = suppression.published(_toy(), [_row("x", 2, 0), _row("y", 3, 0)])
    assert [row["n"] for row in out] == [None, 3]


# --- every data set, built from the database, as a data user reads it --------------------------------


def _world(cast: Any) -> None:
    """Groups of 1 to 6 (and some large ones) in every data set, two months and one quarter."""
    world = cast.world
    offices = [world.disdukcapil, world.pupr, world.kec_kotabumi]
    places = [KOTABUMI, TANJUNG_RAJA, BUKIT_KEMUNING, ""]
    services = [builders.service(office) for office in offices]
    categories = [builders.category(world.disdukcapil) for _ in range(2)]
    size = 0
    for month in (JANUARY, FEBRUARY):
        for service, office in zip(services, offices, strict=True):
            for place in places:
                size = size % 6 + 1
                big = size + 6 if place == KOTABUMI else size  # some groups large enough to publish
                builders.application_month(
                    month=month,
                    service=service,
                    office=office,
                    kecamatan=place,
                    received=big,
                    completed=size,
                    on_time=max(size - 1, 0),
                    rejected=(size + 1) % 7,
                    withdrawn=size // 2,
                )
        for category in categories:
            for place in places:
                size = size % 6 + 1
                big = size + 6 if place == KOTABUMI else size
                builders.report_month(
                    month=month,
                    category=category,
                    kecamatan=place,
                    received=size + 4,
                    verified=big,
                    answered=big,
                    on_time=big // 2,
                )
    for count, office in zip((1, 4, 5), offices, strict=True):
        builders.survey_answers(office=office, period=date(2026, 2, 10), count=count)
    builders.survey_answers(office=world.desa_tanjung_raja, period=date(2026, 5, 10), count=6, score=4)
    builders.survey_answers(office=world.kec_tanjung_raja, period=date(2026, 5, 10), count=9, score=2)
    builders.usulan_groups(year=2025, desas=("18.03.04.2009", "18.03.02.1005"))


def _published(client: Any, slug: str) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The data set as a data user downloads it: (CSV rows, JSON rows)."""
    csv_response = client.get(reverse("opendata:download", kwargs={"slug": slug, "fmt": "csv"}))
    json_response = client.get(reverse("opendata:download", kwargs={"slug": slug, "fmt": "json"}))
    assert csv_response.status_code == 200
    assert json_response.status_code == 200
    from_csv = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8"))))
    from_json = json.loads(json_response.content)["rows"]
    return from_csv, from_json


def _key(dataset: DataSet, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(str(row[c.name]) for c in dataset.columns if c.kind not in (COUNT, DERIVED))


def _number(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


def _check(
    dataset: DataSet, raw: list[Mapping[str, Any]], published: list[dict[str, Any]], threshold: int
) -> int:
    """Every published row against the true figures; returns how many cells were suppressed."""
    truth = {_key(dataset, row): row for row in raw}
    assert len(truth) == len(raw) == len(published)
    hidden = 0
    for row in published:
        true = truth[_key(dataset, row)]
        for column in dataset.columns:
            value = row[column.name]
            if column.kind == COUNT:
                number = _number(value)
                assert number is None or number == 0 or number >= threshold, (dataset.slug, column.name, row)
                if number is None:
                    hidden += 1
                    assert column.name in row[SUPPRESSED_COLUMN].split(";")
                else:
                    assert number == true[column.name]
            if column.kind == COUNT and column.part_of and value not in (None, "", 0, "0"):
                assert row[column.part_of] not in (None, ""), (dataset.slug, column.name, row)
            elif column.kind == DERIVED and value not in (None, ""):
                assert true[column.base] >= threshold, (dataset.slug, column.name, row)
                assert row[column.base] not in (None, ""), (dataset.slug, column.name, row)
                for source in column.sources:
                    assert row[source] not in (None, ""), (dataset.slug, column.name, source, row)
    # No group whose total is published elsewhere holds exactly one suppressed non-zero cell.
    for group in dataset.marginals:
        for column in (c for c in dataset.columns if c.kind == COUNT):
            members: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
            for row in published:
                members[tuple(str(row[name]) for name in group)].append(row)
            for rows in members.values():
                nonzero = [r for r in rows if truth[_key(dataset, r)][column.name]]
                lone = [r for r in nonzero if r[column.name] in (None, "")]
                assert len(lone) != 1 or len(nonzero) == 1, (dataset.slug, group, column.name)
    return hidden


@pytest.mark.parametrize("threshold", [5, 3, 7])
def test_no_small_cell_leaks_from_any_data_set_in_csv_or_json(client, cast, settings, threshold):
    settings.OPEN_DATA_MIN_COUNT = threshold
    _world(cast)
    services.snapshots_refresh()
    for dataset in datasets():
        raw = list(dataset.rows())
        assert raw, f"{dataset.slug}: give it rows in _world, groups of 1 to 6 (docs/opendata.md)"
        assert any(0 < row[c.name] < threshold for row in raw for c in dataset.columns if c.kind == COUNT)
        from_csv, from_json = _published(client, dataset.slug)
        hidden_csv = _check(dataset, raw, from_csv, threshold)
        hidden_json = _check(dataset, raw, from_json, threshold)
        assert hidden_csv == hidden_json > 0
        figures = [c.name for c in dataset.columns if c.kind in (COUNT, DERIVED)]
        assert any(row[name] for row in from_json for name in figures), f"{dataset.slug}: figures still show"


def _fake_aspiration_counts() -> list[dict[str, Any]]:
    """What ``aspirations.selectors.open_data_counts`` returns: groups of 0 to 6 per desa and topic."""
    rows = []
    size = 0
    for desa in ("18.03.04.2009", "18.03.02.1005", "18.03.02.1001"):
        for topic in ("jalan", "air", "kesehatan"):
            size = size % 7
            rows.append(
                {
                    "year": 2026,
                    "kecamatan_code": desa[:8],
                    "desa_code": desa,
                    "topic": topic,
                    "proposed": size + 3,
                    "accepted": size,
                    "built": size // 2,
                    "supporters": size * 3,
                }
            )
            size += 1
    return rows


@pytest.mark.parametrize("threshold", [5, 3])
def test_the_aspirations_data_set_leaks_no_small_cell_either(client, cast, settings, monkeypatch, threshold):
    settings.OPEN_DATA_MIN_COUNT = threshold
    aspirations = datasets_module.aspirations_dataset(_fake_aspiration_counts)
    monkeypatch.setitem(registry.REGISTRY, aspirations.slug, aspirations)
    services.snapshots_refresh()
    raw = list(aspirations.rows())
    names = {row["kode_desa"]: (row["nama_desa"], row["nama_kecamatan"]) for row in raw}
    assert names["18.03.02.1005"] == ("Kotabumi Pasar", "Kotabumi")  # Kemendagri names beside the codes
    from_csv, from_json = _published(client, aspirations.slug)
    assert _check(aspirations, raw, from_csv, threshold) == _check(aspirations, raw, from_json, threshold) > 0
    catalog = client.get(reverse("opendata:catalog")).json()
    assert aspirations.slug in {entry["dct:identifier"] for entry in catalog["dcat:dataset"]}
