from datetime import date

from django import forms

from layanan.identity.forms import CitizenIdentityForm, KkField, NikField, identity_warnings
from layanan.identity.testing import make_kk, make_nik


class RegistrationForm(forms.Form):
    nik = NikField()
    kk = KkField(required=False)


def test_a_nik_field_cleans_to_the_sixteen_digits_without_spaces():
    form = RegistrationForm(data={"nik": "1803 0217 0885 9001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nik"] == "1803021708859001"
    assert identity_warnings(form) == []


def test_a_nik_field_refuses_with_every_error_message():
    form = RegistrationForm(data={"nik": "1870" + "02" + "35" + "13" + "85" + "0000"})
    assert not form.is_valid()
    codes = {error.code for error in form.errors.as_data()["nik"]}
    assert codes == {"unknown_regency", "bad_day", "bad_month", "zero_serial"}
    assert any("0000" in message for message in form.errors["nik"])


def test_a_nik_field_says_how_many_digits_were_typed():
    form = RegistrationForm(data={"nik": "180302170885901"})
    assert not form.is_valid()
    assert form.errors["nik"] == ["NIK harus 16 angka; yang diketik 15 angka."]


def test_a_required_nik_field_says_it_is_required_in_indonesian():
    form = RegistrationForm(data={"nik": "  "})
    assert not form.is_valid()
    assert form.errors["nik"] == ["NIK wajib diisi."]


def test_warnings_do_not_refuse_the_form_and_are_collected_for_the_page():
    form = RegistrationForm(
        data={"nik": make_nik(region="187101"), "kk": make_kk(region="187101", registered="991399")}
    )
    assert form.is_valid(), form.errors
    warnings = identity_warnings(form)
    assert len(warnings) == 3  # NIK outside the regency, KK outside the regency, KK date
    nik_field = form.fields["nik"]
    assert isinstance(nik_field, NikField)
    assert nik_field.warnings == [warnings[0]]


def test_a_kk_field_refuses_an_impossible_kk():
    form = RegistrationForm(data={"nik": make_nik(), "kk": make_kk(serial="0000")})
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["kk"]] == ["zero_serial"]


def test_each_form_keeps_its_own_check():
    first = RegistrationForm(data={"nik": make_nik(region="187101")})
    second = RegistrationForm(data={"nik": make_nik()})
    assert first.is_valid()
    assert second.is_valid()
    assert identity_warnings(first) != []
    assert identity_warnings(second) == []


def test_the_identity_form_compares_the_nik_with_the_declared_birth_date_and_sex():
    form = CitizenIdentityForm(
        data={"nik": make_nik(day=17, month=8, year=1985), "birth_date": "1985-08-18", "sex": "P"}
    )
    assert form.is_valid(), form.errors
    assert len(form.identity_warnings) == 2
    assert form.service_kwargs() == {
        "nik": "1803021708859001",
        "kk": None,
        "birth_date": date(1985, 8, 18),
        "sex": "P",
    }


def test_the_identity_form_has_no_warnings_when_everything_agrees():
    form = CitizenIdentityForm(
        data={"nik": make_nik(), "kk": make_kk(), "birth_date": "1985-08-17", "sex": "L"}
    )
    assert form.is_valid(), form.errors
    assert form.identity_warnings == []


def test_the_nik_input_asks_phones_for_a_numeric_keyboard():
    html = str(CitizenIdentityForm()["nik"])
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="off"' in html
