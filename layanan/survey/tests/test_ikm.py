"""The IKM computed exactly: worked examples, the rounding trap, and the interval boundaries."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from layanan.survey.ikm import WEIGHT, classify, compute, compute_from_scores, round_half_up
from layanan.survey.tests.builders import gaspul_rows


def test_the_weight_of_each_unsur_is_exactly_one_ninth():
    assert Fraction(1, 9) == WEIGHT
    assert WEIGHT * 9 == 1


def test_the_gaspul_example_gives_91_48_not_the_90_56_of_rounded_steps():
    result = compute_from_scores(gaspul_rows())

    assert result.respondents == 29
    assert result.totals == (105, 101, 100, 116, 102, 105, 106, 115, 105)
    assert result.nrr_per_unsur[0] == Fraction(105, 29)
    assert result.nrr_display[0] == Decimal("3.6207")
    assert result.ikm_raw == Fraction(955, 261)
    assert result.ikm_raw_display == Decimal("3.6590")
    assert result.ikm == Decimal("91.48")
    assert (result.mutu, result.kinerja) == ("A", "Sangat baik")


def test_the_same_data_with_rounded_intermediate_steps_drifts_to_90_56():
    """What the GASPUL file did (NRR tertimbang to 4 places, then summed): the exact path never does."""
    rounded_steps = Decimal("3.6224") * 25  # their printed total of NRR tertimbang
    assert rounded_steps.quantize(Decimal("0.01")) == Decimal("90.56")
    # With a weight of 0.11 instead of 1/9 the same data also drifts to 90.56.
    assert round_half_up(Fraction(955, 29) * Fraction(11, 100) * 25) == Decimal("90.56")
    assert compute_from_scores(gaspul_rows()).ikm == Decimal("91.48")


def test_a_rounded_weight_can_change_the_mutu_and_the_exact_weight_does_not():
    # 50 respondents, every unsur totals 177: NRR 3.54 each.
    result = compute(totals=[177] * 9, respondents=50)
    assert result.ikm == Decimal("88.50")
    assert result.mutu == "A"
    drifted = round_half_up(Fraction(177, 50) * 9 * Fraction(11, 100) * 25)
    assert drifted == Decimal("87.62")
    assert classify(drifted)[0] == "B"


def test_every_answer_4_gives_100_and_every_answer_1_gives_25():
    assert compute_from_scores([(4,) * 9] * 3).ikm == Decimal("100.00")
    lowest = compute_from_scores([(1,) * 9] * 3)
    assert lowest.ikm == Decimal("25.00")
    assert (lowest.mutu, lowest.kinerja) == ("D", "Tidak baik")


@pytest.mark.parametrize(
    ("ikm", "mutu", "kinerja"),
    [
        ("25.00", "D", "Tidak baik"),
        ("64.99", "D", "Tidak baik"),
        ("65.00", "C", "Kurang baik"),
        ("76.60", "C", "Kurang baik"),
        ("76.61", "B", "Baik"),
        ("88.30", "B", "Baik"),
        ("88.31", "A", "Sangat baik"),
        ("100.00", "A", "Sangat baik"),
    ],
)
def test_the_interval_boundaries_classify_on_the_two_decimal_value(ikm, mutu, kinerja):
    assert classify(Decimal(ikm)) == (mutu, kinerja)


def test_classification_uses_the_value_rounded_half_up_to_two_decimals():
    # 1000 respondents: a grand total of 23398 gives 64.9944.. (D), 23399 gives 64.9972.. → 65.00 (C).
    def ikm_for(grand_total: int) -> tuple[Decimal | None, str]:
        per = [grand_total // 9] * 9
        per[0] += grand_total - sum(per)
        result = compute(totals=per, respondents=1000)
        return result.ikm, result.mutu

    assert ikm_for(23398) == (Decimal("64.99"), "D")
    assert ikm_for(23399) == (Decimal("65.00"), "C")


def test_rounding_is_half_up_and_exact_at_the_half():
    assert round_half_up(Fraction(88305, 1000)) == Decimal("88.31")  # 88.305 exactly → up
    assert round_half_up(Fraction(88304999, 1000000)) == Decimal("88.30")
    assert round_half_up(Fraction(76605, 1000)) == Decimal("76.61")
    assert round_half_up(Fraction(64995, 1000)) == Decimal("65.00")


def test_an_exact_half_at_a_boundary_rounds_into_the_better_class():
    # 5000 respondents, every unsur totals 17661: mean NRR 3.5322, x25 = 88.305 exactly → 88.31 (A).
    result = compute(totals=[17661] * 9, respondents=5000)
    assert result.ikm_raw == Fraction(17661, 5000)
    assert result.ikm == Decimal("88.31")
    assert result.mutu == "A"


def test_no_respondents_gives_no_index_and_no_class():
    result = compute(totals=[0] * 9, respondents=0)
    assert result.ikm is None
    assert result.ikm_raw is None
    assert (result.mutu, result.kinerja) == ("", "")
    assert result.lowest_unsur is None


def test_the_lowest_unsur_is_named_by_its_official_number():
    result = compute_from_scores([(4, 4, 2, 4, 4, 4, 4, 4, 4), (4, 4, 3, 4, 4, 4, 4, 3, 4)])
    assert result.lowest_unsur == 3


@pytest.mark.parametrize(
    ("totals", "respondents"),
    [([4] * 8, 1), ([5] * 9, 1), ([0] * 9, 1), ([-1] * 9, 0)],
)
def test_impossible_totals_are_refused(totals, respondents):
    with pytest.raises(ValueError, match=r"unsur|negative|between"):
        compute(totals=totals, respondents=respondents)


def test_a_questionnaire_with_a_score_outside_1_to_4_is_refused():
    with pytest.raises(ValueError, match="1 to 4"):
        compute_from_scores([(5, 4, 4, 4, 4, 4, 4, 4, 4)])
