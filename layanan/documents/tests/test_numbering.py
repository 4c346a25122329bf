"""Letter numbers: per office and year, in the office's format, no gaps and no duplicates."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from layanan.agencies.letterhead import default_letter_code
from layanan.agencies.models import Office
from layanan.documents.models import NumberSequence, OfficeNumbering
from layanan.documents.numbering import number_next, roman

NOV_2026 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def take(office: Office, when: datetime = NOV_2026, classification: str = "470") -> str:
    with transaction.atomic():
        return number_next(office=office, classification=classification, when=when)


def test_roman_months() -> None:
    assert [roman(m) for m in (1, 4, 9, 11, 12)] == ["I", "IV", "IX", "XI", "XII"]
    with pytest.raises(ValueError, match="not a month"):
        roman(13)


def test_numbers_follow_the_default_format_with_the_offices_own_letter_code_and_count_up(world) -> None:
    office = world.desa_tanjung_raja
    office.letter_code = "TJR"
    office.save(update_fields=["letter_code"])

    assert [take(office) for _ in range(3)] == [
        "470/001/TJR/XI/2026",
        "470/002/TJR/XI/2026",
        "470/003/TJR/XI/2026",
    ]


def test_an_office_without_a_letter_code_gets_a_short_one_derived_from_its_name(world) -> None:
    world.disdukcapil.short_name = "Disdukcapil"

    assert take(world.desa_tanjung_raja) == "470/001/TR/XI/2026"
    assert default_letter_code(world.kec_kotabumi) == "KEC-KTB"
    assert default_letter_code(world.disdukcapil) == "DISDUKCAPIL"
    world.disdukcapil.short_name = ""
    assert default_letter_code(world.disdukcapil) == "DKPS"  # Dinas Kependudukan (dan) Pencatatan Sipil


def test_a_letter_code_set_later_is_used_from_the_next_number_on(world) -> None:
    office = world.desa_tanjung_raja
    assert take(office) == "470/001/TR/XI/2026"
    office.letter_code = "TJR"
    office.save(update_fields=["letter_code"])

    assert take(office) == "470/002/TJR/XI/2026"


def test_an_edited_pattern_is_used(world) -> None:
    office = world.disdukcapil
    office.letter_code = "DUKCAPIL"
    office.save(update_fields=["letter_code"])
    OfficeNumbering.objects.create(
        office=office, pattern="{classification}.{seq}/{office_code}/{month}/{year}"
    )

    assert take(office, classification="474") == "474.1/DUKCAPIL/11/2026"


def test_each_office_has_its_own_sequence(world) -> None:
    take(world.desa_tanjung_raja)
    take(world.desa_tanjung_raja)

    assert "/001/" in take(world.disdukcapil)


def test_a_new_year_starts_again_at_one_and_the_year_is_taken_in_wib(world) -> None:
    office = world.desa_tanjung_raja
    take(office, datetime(2026, 12, 31, 10, 0, tzinfo=UTC))
    new_year_in_wib = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 1 January 2027, 00.30 WIB

    number = take(office, new_year_in_wib)

    assert number.endswith("/I/2027")
    assert "/001/" in number
    assert set(NumberSequence.objects.filter(office=office).values_list("year", "last_value")) == {
        (2026, 1),
        (2027, 1),
    }


def test_a_number_taken_in_a_transaction_that_rolls_back_is_not_used_up(world) -> None:
    office = world.desa_tanjung_raja
    take(office)

    def issue_that_fails() -> None:
        with transaction.atomic():
            number_next(office=office, classification="470", when=NOV_2026)
            raise RuntimeError("issuing failed")

    with pytest.raises(RuntimeError, match="issuing failed"):
        issue_that_fails()

    assert "/002/" in take(office)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction(world) -> None:
    with pytest.raises(RuntimeError):
        number_next(office=world.desa_tanjung_raja, classification="470", when=NOV_2026)
    assert not NumberSequence.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_every_number_once_with_no_gap(world) -> None:
    office = world.desa_tanjung_raja
    issuers = 8
    start = threading.Barrier(issuers)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            start.wait()
            numbers.append(take(office))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(issuers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sequence_numbers = sorted(int(number.split("/")[1]) for number in numbers)
    assert sequence_numbers == list(range(1, issuers + 1))
    assert NumberSequence.objects.get(office=office, year=2026).last_value == issuers
