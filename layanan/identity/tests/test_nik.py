from datetime import date

import pytest

from layanan.identity.nik import PROVINCE_CODES, validate_kk, validate_nik
from layanan.identity.testing import make_kk, make_nik

TODAY = date(2026, 11, 15)
KOTABUMI_DISTRICTS = ["18.03.01", "18.03.02", "18.03.04"]


def check(value, **kwargs):
    kwargs.setdefault("today", TODAY)
    return validate_nik(value, **kwargs)


def test_it_accepts_a_male_nik_and_reads_birth_date_sex_and_region():
    result = check("1803021708859001")
    assert result.errors == []
    assert result.warnings == []
    assert result.is_valid
    assert result.birth_date == date(1985, 8, 17)
    assert result.sex == "L"
    assert result.region_prefix == "180302"


def test_it_accepts_a_female_nik_whose_day_is_increased_by_40():
    result = check("1803025708859001")
    assert result.errors == []
    assert result.birth_date == date(1985, 8, 17)
    assert result.sex == "P"


@pytest.mark.parametrize(("raw_day", "day"), [("41", 1), ("71", 31)])
def test_it_accepts_the_edges_of_the_female_day_range(raw_day, day):
    result = check(f"180302{raw_day}0185" + "9001")
    assert result.errors == []
    assert result.birth_date == date(1985, 1, day)


def test_it_strips_spaces_typed_between_groups():
    result = check(" 1803 0217 0885 9001 ")
    assert result.errors == []
    assert result.value == "1803021708859001"


@pytest.mark.parametrize(("value", "typed"), [("180302170885901", 15), ("18030217088590012", 17), ("", 0)])
def test_it_refuses_a_nik_of_the_wrong_length_and_says_how_many_digits_were_typed(value, typed):
    result = check(value)
    assert result.error_codes == ["wrong_length"]
    assert f"yang diketik {typed} angka" in result.errors[0]
    assert result.birth_date is None


@pytest.mark.parametrize("value", ["18030217O8859001", "1803-0217-0885-9001", "١٨٠٣٠٢١٧٠٨٨٥٩٠٠١"])
def test_it_refuses_a_nik_with_letters_or_other_characters(value):
    result = check(value)
    assert result.error_codes == ["not_digits"]
    assert "hanya boleh berisi angka" in result.errors[0]


def test_it_refuses_a_nik_with_serial_0000():
    result = check(make_nik(serial="0000"))
    assert result.error_codes == ["zero_serial"]
    assert "0000" in result.errors[0]


def test_it_refuses_month_13():
    result = check("18030217" + "13" + "85" + "9001")
    assert result.error_codes == ["bad_month"]
    assert "13" in result.errors[0]


@pytest.mark.parametrize("raw_day", ["32", "35", "40", "00", "72", "99"])
def test_it_refuses_a_day_outside_01_31_and_41_71(raw_day):
    result = check(f"180302{raw_day}0885" + "9001")
    assert result.error_codes == ["bad_day"]
    assert raw_day in result.errors[0]


def test_it_refuses_31_february():
    result = check(make_nik(day=31, month=2))
    assert result.error_codes == ["bad_date"]
    assert "31-02-85" in result.errors[0]


def test_it_refuses_29_february_of_a_year_that_is_not_leap_in_either_century():
    assert check(make_nik(day=29, month=2, year=1985)).error_codes == ["bad_date"]
    assert check(make_nik(day=29, month=2, year=1984)).birth_date == date(1984, 2, 29)
    assert check(make_nik(day=29, month=2, year=2000, female=True)).birth_date == date(2000, 2, 29)


def test_it_refuses_province_00():
    result = check(make_nik(region="000302"))
    assert result.error_codes == ["unknown_province"]


@pytest.mark.parametrize("province", ["10", "20", "22", "37", "54", "77", "83", "90", "97"])
def test_it_refuses_codes_that_are_no_province_of_the_2025_list(province):
    assert check(make_nik(region=f"{province}0302")).error_codes == ["unknown_province"]


def test_the_province_list_has_the_38_provinces_including_the_new_papuan_ones():
    assert len(PROVINCE_CODES) == 38
    assert {"91", "92", "93", "94", "95", "96"} <= PROVINCE_CODES
    assert check(make_nik(region="960101")).errors == []


@pytest.mark.parametrize("regency", ["70", "00"])
def test_it_refuses_a_kabupaten_kota_code_outside_01_69_and_71_99(regency):
    result = check(make_nik(region=f"18{regency}02"))
    assert result.error_codes == ["unknown_regency"]
    assert regency in result.errors[0]


@pytest.mark.parametrize("regency", ["01", "69", "71", "99"])
def test_it_accepts_the_edges_of_the_kabupaten_and_kota_ranges(regency):
    assert check(make_nik(region=f"18{regency}02")).errors == []


def test_it_lists_every_error_it_finds_at_once():
    result = check("0070" + "35" + "35" + "13" + "85" + "0000")
    assert set(result.error_codes) == {
        "unknown_province",
        "unknown_regency",
        "bad_day",
        "bad_month",
        "zero_serial",
    }
    assert len(result.errors) == 5


def test_a_nik_first_registered_outside_the_regency_is_only_a_warning():
    result = check(make_nik(region="187101"))
    assert result.errors == []
    assert result.warning_codes == ["outside_regency"]
    assert "Kabupaten Lampung Utara" in result.warnings[0]
    assert "18.71.01" in result.warnings[0]
    assert result.birth_date == date(1985, 8, 17)


def test_the_home_regency_can_be_another_one():
    assert check(make_nik(region="187101"), home_regency_code="18.71").warnings == []
    assert check(make_nik(region="180302"), home_regency_code="18.71").warning_codes == ["outside_regency"]


def test_an_unknown_kecamatan_of_the_regency_is_only_a_warning_when_the_codes_are_given():
    assert check(make_nik(region="180399")).warnings == []
    result = check(make_nik(region="180399"), known_district_codes=KOTABUMI_DISTRICTS)
    assert result.errors == []
    assert result.warning_codes == ["unknown_district"]
    assert "18.03.99" in result.warnings[0]
    assert check(make_nik(region="180302"), known_district_codes=["180302"]).warnings == []


def test_a_nik_from_another_regency_is_not_also_flagged_for_its_kecamatan():
    result = check(make_nik(region="187101"), known_district_codes=KOTABUMI_DISTRICTS)
    assert result.warning_codes == ["outside_regency"]


def test_a_declared_birth_date_that_differs_from_the_nik_is_only_a_warning():
    result = check(make_nik(day=17, month=8, year=1985), declared_birth_date=date(1985, 8, 18))
    assert result.errors == []
    assert result.warning_codes == ["birth_date_mismatch"]
    assert result.birth_date == date(1985, 8, 17)


def test_a_declared_sex_that_differs_from_the_nik_is_a_warning():
    result = check(make_nik(female=True), declared_sex="L")
    assert result.errors == []
    assert result.warning_codes == ["sex_mismatch"]
    assert check(make_nik(female=True), declared_sex="P").warnings == []


def test_the_century_is_the_most_recent_one_that_is_not_in_the_future():
    assert check(make_nik(day=1, month=1, year=2020)).birth_date == date(2020, 1, 1)
    assert check(make_nik(day=15, month=11, year=2026)).birth_date == date(2026, 11, 15)
    assert check(make_nik(day=16, month=11, year=2026)).birth_date == date(1926, 11, 16)
    assert check(make_nik(day=1, month=1, year=1999)).birth_date == date(1999, 1, 1)


def test_a_declared_birth_date_with_the_same_digits_settles_the_century():
    result = check(make_nik(day=1, month=5, year=1920), declared_birth_date=date(1920, 5, 1))
    assert result.warnings == []
    assert result.birth_date == date(1920, 5, 1)


def test_it_accepts_a_kk_and_reads_its_registration_date():
    result = validate_kk(make_kk(), today=TODAY)
    assert result.errors == []
    assert result.warnings == []
    assert result.registered_on == date(2015, 3, 12)
    assert result.region_prefix == "180302"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("180302120315900", "wrong_length"),
        ("18030212031590011", "wrong_length"),
        ("18030212O3159001", "not_digits"),
        (make_kk(serial="0000"), "zero_serial"),
        (make_kk(region="000302"), "unknown_province"),
        (make_kk(region="187002"), "unknown_regency"),
    ],
)
def test_it_refuses_an_impossible_kk(value, code):
    assert validate_kk(value, today=TODAY).error_codes == [code]


@pytest.mark.parametrize("registered", ["520315", "121315", "310215", "000000"])
def test_a_kk_whose_middle_digits_are_no_date_is_only_a_warning(registered):
    result = validate_kk(make_kk(registered=registered), today=TODAY)
    assert result.errors == []
    assert result.warning_codes == ["unusual_date"]
    assert result.registered_on is None


def test_a_kk_issued_outside_the_regency_is_only_a_warning():
    result = validate_kk(make_kk(region="187101"), today=TODAY)
    assert result.errors == []
    assert result.warning_codes == ["outside_regency"]
