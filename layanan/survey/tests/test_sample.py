"""The sample-size rule (Krejcie & Morgan), configurable and marked unverified."""

from __future__ import annotations

import pytest

from layanan.survey import sample
from layanan.survey.ikm import compute


@pytest.mark.parametrize(
    ("population", "required"),
    [(0, 10), (1, 10), (9, 10), (10, 10), (11, 14), (100, 80), (101, 86), (1000, 278), (2_000_000, 384)],
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
    assert sample.required_sample(5) == 30  # below the first row: that row's sample


def test_a_result_warns_when_respondents_are_below_the_required_sample():
    short = compute(totals=[30] * 9, respondents=10, population=100, required_sample=80)
    assert not short.sample_ok
    enough = compute(totals=[240] * 9, respondents=80, population=100, required_sample=80)
    assert enough.sample_ok
    assert compute(totals=[30] * 9, respondents=10).sample_ok  # nothing to check against


def test_the_formula_never_asks_fewer_than_the_tables_first_sample(settings):
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan-formula"
    assert sample.required_sample(3) == 10
    assert sample.required_sample(10) == 10


def test_one_respondent_is_not_a_sufficient_sample_even_when_one_case_was_served(settings):
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan"
    lone = compute(totals=[4] * 9, respondents=1, population=1, required_sample=sample.required_sample(1))
    assert not lone.sample_ok
    assert lone.sample_label == "sampel belum cukup (1 dari 10 yang diperlukan)"


def test_answers_without_invitations_do_not_shrink_the_requirement(settings):
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan"
    # 150 answers but no invitation recorded (population 0): the population is at least 150.
    result = compute(
        totals=[450] * 9, respondents=150, population=0, required_sample=sample.required_sample(0)
    )
    assert result.population == 150
    assert result.required_sample == 108
    assert result.sample_ok
    one = compute(totals=[3] * 9, respondents=1, population=0, required_sample=sample.required_sample(0))
    assert not one.sample_ok
    assert one.sample_label == "sampel belum cukup (1 dari 10 yang diperlukan)"


@pytest.mark.parametrize(
    ("respondents", "ok", "label"),
    [
        (79, False, "sampel belum cukup (79 dari 80 yang diperlukan)"),
        (80, True, "sampel cukup"),
    ],
)
def test_the_label_on_both_sides_of_the_threshold(settings, respondents, ok, label):
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan"
    result = compute(
        totals=[3 * respondents] * 9,
        respondents=respondents,
        population=100,
        required_sample=sample.required_sample(100),
    )
    assert result.required_sample == 80
    assert result.sample_ok is ok
    assert result.sample_label == label


def test_the_label_says_when_the_sample_is_not_checked(settings):
    settings.SKM_SAMPLE_METHOD = "off"
    result = compute(totals=[3] * 9, respondents=1, population=1, required_sample=sample.required_sample(1))
    assert result.sample_ok
    assert result.sample_label == "sampel tidak diperiksa"
