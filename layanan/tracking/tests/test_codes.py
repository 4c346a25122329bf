"""The tracking-number format, its check character and what is accepted when typed back."""

from __future__ import annotations

import random
import string

import pytest

from layanan.tracking.codes import (
    ALPHABET,
    BASE,
    CODE_LENGTH,
    RANDOM_LENGTH,
    TrackingKind,
    compose,
    format_compact,
    random_part,
    tracking_number_is_valid,
    tracking_number_normalize,
)

SAMPLE_RNG_SEED = 4031  # fixed: the same samples on every run


def _samples(count: int) -> list[str]:
    rng = random.Random(SAMPLE_RNG_SEED)
    kinds = TrackingKind.values
    return [
        compose(rng.choice(kinds), "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH)))
        for _ in range(count)
    ]


def _compact(code: str) -> str:
    return code.replace("-", "")


def test_a_new_number_has_the_kind_letter_groups_and_a_valid_check() -> None:
    code = compose(TrackingKind.PERMOHONAN, random_part())
    assert code[0] == "P"
    assert [len(group) for group in code.split("-")] == [1, 5, 5]
    assert tracking_number_is_valid(code)


def test_the_random_part_carries_at_least_40_bits() -> None:
    assert BASE**RANDOM_LENGTH >= 2**40


def test_the_alphabet_has_no_look_alikes_and_an_odd_size() -> None:
    assert BASE % 2 == 1  # the check's quasigroup 2x + y needs 2 invertible
    assert len(set(ALPHABET)) == BASE
    for letter in "OQILZSGBDCUVW":
        assert letter not in ALPHABET
    for kind in TrackingKind.values:
        assert kind in ALPHABET


def test_the_random_part_uses_every_character_of_the_alphabet() -> None:
    seen = set("".join(random_part() for _ in range(2000)))
    assert seen == set(ALPHABET)


@pytest.mark.parametrize("code", _samples(25))
def test_the_check_catches_every_single_substituted_character(code: str) -> None:
    compact = _compact(code)
    assert tracking_number_is_valid(code)
    for position in range(CODE_LENGTH):
        for char in ALPHABET:
            if char == compact[position] or (position == 0 and char not in TrackingKind.values):
                continue
            mistyped = compact[:position] + char + compact[position + 1 :]
            assert not tracking_number_is_valid(format_compact(mistyped)), (code, position, char)


def test_the_check_catches_every_adjacent_transposition_on_many_samples() -> None:
    caught = 0
    for code in _samples(3000):
        compact = _compact(code)
        for position in range(CODE_LENGTH - 1):
            a, b = compact[position], compact[position + 1]
            if a == b:
                continue
            swapped = compact[:position] + b + a + compact[position + 2 :]
            if swapped[0] not in TrackingKind.values:
                continue  # not even shaped like a number
            assert not tracking_number_is_valid(format_compact(swapped)), (code, position)
            caught += 1
    assert caught > 20000


def test_the_check_catches_every_transposition_of_every_pair_of_characters() -> None:
    # Exhaustive over the alphabet: every pair (a, b), a != b, at every position.
    body = "P" + "0" * (CODE_LENGTH - 2)
    for position in range(1, CODE_LENGTH - 2):
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                chars = body[:position] + a + b + body[position + 2 :]
                code = compose("P", chars[1:])
                swapped = chars[:position] + b + a + chars[position + 2 :]
                compact = _compact(code)
                assert not tracking_number_is_valid(format_compact(swapped + compact[-1])), (a, b)


@pytest.mark.parametrize(
    "typed",
    [
        "p-70k6t-yja68",
        "P 70K6T YJA68",
        "P70K6TYJA68",
        " p.70k6t.yja68 ",
        "P-7OK6T-YJA68",  # letter O for zero
        "P\u201370K6T\u2013YJA68",  # en dashes
        "".join(chr(ord(char) + 0xFEE0) for char in "P-70K6T-YJA68"),  # full-width, from a phone keyboard
    ],
)
def test_it_accepts_what_people_type(typed: str) -> None:
    assert tracking_number_normalize(typed) == "P-70K6T-YJA68"
    assert tracking_number_is_valid(typed)


def test_it_maps_every_look_alike_to_its_digit() -> None:
    assert tracking_number_normalize("P-OQIL2-S6B00") == "P-00112-56800"
    assert tracking_number_normalize("p-oqilz-sgb00") == "P-00112-56800"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "P-70K6T-YJA6",  # too short
        "P-70K6T-YJA688",  # too long
        "X-70K6T-YJA68",  # no such kind
        "P-70K6T-YJU68",  # U is not in the alphabet
        "P-70K6T-YJA6#",
    ],
)
def test_it_refuses_what_cannot_be_a_tracking_number(typed: str) -> None:
    assert tracking_number_normalize(typed) is None
    assert not tracking_number_is_valid(typed)


def test_a_well_formed_number_with_a_wrong_check_is_not_valid() -> None:
    assert tracking_number_normalize("P-70K6T-YJA69") == "P-70K6T-YJA69"
    assert not tracking_number_is_valid("P-70K6T-YJA69")


def test_ascii_letters_outside_the_alphabet_are_refused_not_guessed() -> None:
    mapped = set("OQILZSGB")
    for letter in string.ascii_uppercase:
        if letter in ALPHABET or letter in mapped:
            continue
        assert tracking_number_normalize(f"P-70K6T-YJA6{letter}") is None
