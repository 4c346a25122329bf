"""Handing out tracking numbers: registered, valid, and unique even when the random source repeats."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import transaction

from layanan.tracking import codes
from layanan.tracking.codes import TrackingKind, tracking_number_is_valid
from layanan.tracking.models import TrackingNumber
from layanan.tracking.services import MAX_ATTEMPTS, TrackingNumberExhaustedError, tracking_number_new

pytestmark = pytest.mark.django_db


def _replaying(*parts: str) -> Callable[[], str]:
    """A random source that hands out ``parts`` in order (the last one for ever after)."""
    queue: Iterator[str] = iter(parts)
    last = parts[-1]

    def draw() -> str:
        return next(queue, last)

    return draw


def test_it_registers_a_valid_number_of_the_kind_asked() -> None:
    code = tracking_number_new(kind=TrackingKind.ADUAN)

    assert code.startswith("A-")
    assert tracking_number_is_valid(code)
    row = TrackingNumber.objects.get(code=code)
    assert row.kind == TrackingKind.ADUAN


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="X"):
        tracking_number_new(kind="X")
    assert not TrackingNumber.objects.exists()


def test_a_repeated_random_draw_is_retried_into_a_unique_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codes, "random_part", _replaying("AAAAAAAAA", "AAAAAAAAA", "AAAAAAAAA", "KKKKKKKKK"))

    first = tracking_number_new(kind=TrackingKind.PERMOHONAN)
    second = tracking_number_new(kind=TrackingKind.PERMOHONAN)

    assert first == codes.compose("P", "AAAAAAAAA")
    assert second == codes.compose("P", "KKKKKKKKK")
    assert TrackingNumber.objects.count() == 2


def test_the_same_random_part_may_serve_two_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codes, "random_part", _replaying("AAAAAAAAA"))

    assert tracking_number_new(kind=TrackingKind.PERMOHONAN) != tracking_number_new(kind=TrackingKind.ADUAN)


def test_a_random_source_stuck_on_one_value_gives_up_and_leaves_the_transaction_usable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []

    def stuck() -> str:
        calls.append(1)
        return "MMMMMMMMM"

    monkeypatch.setattr(codes, "random_part", stuck)
    with transaction.atomic():
        tracking_number_new(kind=TrackingKind.PERMOHONAN)
        calls.clear()
        with pytest.raises(TrackingNumberExhaustedError):
            tracking_number_new(kind=TrackingKind.PERMOHONAN)
        # Each failed insert was rolled back to its savepoint: the outer transaction still works.
        assert TrackingNumber.objects.count() == 1
    assert len(calls) == MAX_ATTEMPTS


def _submit_and_fail() -> None:
    with transaction.atomic():
        tracking_number_new(kind=TrackingKind.PERMOHONAN)
        raise RuntimeError("the application failed to save")


def test_a_rolled_back_creation_releases_its_number() -> None:
    with pytest.raises(RuntimeError):
        _submit_and_fail()

    assert not TrackingNumber.objects.exists()
