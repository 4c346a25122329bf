"""The sample-size rule (Krejcie & Morgan), configurable and marked unverified."""

from __future__ import annotations

import pytest

from layanan.survey import sample
from layanan.survey.ikm import compute


@pytest.mark.parametrize(
    ("population", "required"),
    [(0, 0), (1, 1), (9, 9), (10, 10), (11, 14), (100, 80), (101, 86), (1000, 278), (2_000_000, 384)],
)
def test_the_table_takes_the_first_row_at_or_above_the_population(population, required):
    assert sample.from_table(population, sample.KREJCIE_MORGAN) == required


def test_the_formula_agrees_with_the_published_table_within_one():
    for population, published in sample.KREJCIE_MORGAN:
        assert abs(sample.from_formula(population) - published) <= 1, population


def test_the_method_is_a_setting(settings):
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan"
    assert sample.required_sample(150) == 108
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan-formula"
    assert sample.required_sample(150) == sample.from_formula(150)
    settings.SKM_SAMPLE_METHOD = "off"
    assert sample.required_sample(150) is None
    assert sample.required_sample(None) is None


def test_an_operator_can_replace_the_table_with_a_file(settings, tmp_path):
    table = tmp_path / "sampel.csv"
    table.write_text("populasi,sampel\n50,30\n500,100\n", encoding="utf-8")
    settings.SKM_SAMPLE_TABLE_FILE = str(table)
    assert sample.required_sample(40) == 30
    assert sample.required_sample(50) == 30
    assert sample.required_sample(400) == 100
    assert sample.required_sample(5) == 5


def test_a_result_warns_when_respondents_are_below_the_required_sample():
    short = compute(totals=[30] * 9, respondents=10, population=100, required_sample=80)
    assert not short.sample_ok
    enough = compute(totals=[240] * 9, respondents=80, population=100, required_sample=80)
    assert enough.sample_ok
    assert compute(totals=[30] * 9, respondents=10).sample_ok  # nothing to check against
