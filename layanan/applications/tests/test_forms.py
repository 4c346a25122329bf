"""StepForm: a service's FormField rows become a form with plain Indonesian errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pytest
from django import forms

from layanan.applications.forms import StepForm, field_is_shown, make_field
from layanan.catalogue.models import FormField
from layanan.testing import World

NIK = "1803024506900001"


def field(name: str = "isian", **kwargs) -> FormField:
    """An unsaved FormField: the form needs no database row."""
    kwargs.setdefault("label", name.replace("_", " ").capitalize())
    return FormField(name=name, **kwargs)


def choices_of(choice_field: forms.ChoiceField) -> list[Any]:
    return list(cast(Iterable[Any], choice_field.choices))


def form_of(*definitions: FormField, data: dict | None = None, answers: dict | None = None) -> StepForm:
    return StepForm(data, definitions=list(definitions), answers=answers or {})


def test_a_choice_of_five_or_fewer_is_radios_and_more_is_a_select():
    few = make_field(field(kind="choice", choices="A\nB\nC\nD\nE"))
    many = make_field(field(kind="choice", choices="A\nB\nC\nD\nE\nF"))

    assert isinstance(few, forms.ChoiceField)
    assert isinstance(many, forms.ChoiceField)
    assert isinstance(few.widget, forms.RadioSelect)
    assert isinstance(many.widget, forms.Select)
    assert not isinstance(many.widget, forms.RadioSelect)
    assert choices_of(many)[0] == ("", "Pilih salah satu")


def test_a_village_is_a_select_of_desa_grouped_by_kecamatan(world: World):
    village = make_field(field("desa", kind="village", label="Desa/kelurahan"))

    assert isinstance(village, forms.ChoiceField)
    groups = dict(choices_of(village)[1:])
    assert ("18.03.02.1005", "Kotabumi Pasar") in groups["Kotabumi"]
    assert ("18.03.04.2009", "Tanjung Raja") in groups["Tanjung Raja"]
    form = form_of(field("desa", kind="village", label="Desa/kelurahan"), data={"desa": "18.03.04.2009"})
    assert form.is_valid()
    assert 'optgroup label="Kotabumi"' in str(form["desa"])


@pytest.mark.parametrize("typed", ["1990-08-17", "17/08/1990", "17-08-1990"])
def test_a_date_is_an_html_date_input_that_also_accepts_day_month_year(typed: str):
    form = form_of(field("lahir", kind="date", label="Tanggal lahir"), data={"lahir": typed})

    assert form.is_valid(), form.errors
    assert form.step_answers(form.definitions) == {"lahir": "1990-08-17"}
    assert 'type="date"' in str(form["lahir"])


def test_a_date_that_is_not_one_gets_an_example():
    form = form_of(field("lahir", kind="date", label="Tanggal lahir"), data={"lahir": "kemarin"})

    assert not form.is_valid()
    assert form.errors["lahir"] == ["Tanggal lahir: tanggal tidak dikenali. Tulis seperti 17/08/1990."]


def test_nik_and_kk_use_the_identity_checks():
    definitions = (field("nik", kind="nik", label="NIK ayah"), field("kk", kind="kk", label="Nomor KK"))

    wrong = form_of(*definitions, data={"nik": "1803020000000000", "kk": ""})
    right = form_of(*definitions, data={"nik": NIK.replace("", " ").strip(), "kk": "1803021506200003"})

    assert not wrong.is_valid()
    assert wrong.errors["nik"]
    assert wrong.errors["kk"] == ["Isian “Nomor KK” wajib diisi."]
    assert right.is_valid(), right.errors
    assert right.cleaned_data["nik"] == NIK


def test_required_messages_name_the_question():
    form = form_of(
        field("nama", label="Nama ayah"),
        field("agama", label="Agama", kind="choice", choices="Islam\nKristen"),
        field("nik", label="NIK ibu", kind="nik"),
        data={},
    )

    assert not form.is_valid()
    assert form.errors["nama"] == ["Isian “Nama ayah” wajib diisi."]
    assert form.errors["agama"] == ["Pilih salah satu jawaban untuk “Agama”."]
    assert form.errors["nik"] == ["Isian “NIK ibu” wajib diisi."]


def test_pattern_and_limits_are_applied_with_their_messages():
    definitions = (
        field("rt", label="RT", pattern=r"\d{3}", pattern_message="Tulis RT dengan 3 angka, seperti 004."),
        field("anak", label="Jumlah anak", kind="number", min_value=0, max_value=20),
        field("nama", label="Nama usaha", min_value=3, max_value=10),
    )

    form = form_of(*definitions, data={"rt": "4", "anak": "25", "nama": "ab"})

    assert not form.is_valid()
    assert form.errors["rt"] == ["Tulis RT dengan 3 angka, seperti 004."]
    assert form.errors["anak"] == ["Isian “Jumlah anak” paling besar 20."]
    assert form.errors["nama"] == ["Isian “Nama usaha” paling sedikit 3 huruf."]
    assert form_of(*definitions, data={"rt": "004", "anak": "2", "nama": "Warung"}).is_valid()


def test_a_phone_is_stored_in_one_form():
    form = form_of(field("hp", kind="phone", label="Nomor HP saksi"), data={"hp": "0812-3456-7890"})

    assert form.is_valid()
    assert form.step_answers(form.definitions) == {"hp": "+6281234567890"}


def test_a_question_shown_by_an_answer_on_the_same_page_is_required_only_then():
    definitions = (
        field("tempat", label="Tempat lahir", kind="choice", choices="Rumah sakit\nDi rumah"),
        field("penolong", label="Penolong persalinan", shown_when="tempat=Di rumah"),
    )

    hidden = form_of(*definitions, data={"tempat": "Rumah sakit", "penolong": "sisa ketikan"})
    shown = form_of(*definitions, data={"tempat": "Di rumah", "penolong": ""})

    assert hidden.is_valid()
    assert hidden.step_answers(definitions) == {"tempat": "Rumah sakit", "penolong": None}
    assert not shown.is_valid()
    assert shown.errors["penolong"] == ["Isian “Penolong persalinan” wajib diisi."]
    assert "Isi hanya bila Tempat lahir: Di rumah." in str(shown["penolong"].help_text)


def test_a_question_ruled_out_by_an_earlier_step_is_left_out():
    later = field("nama_ayah", label="Nama ayah", shown_when="ayah_diketahui=Ya")

    ruled_out = form_of(later, data={}, answers={"ayah_diketahui": "Tidak"})
    kept = form_of(later, data={}, answers={"ayah_diketahui": "Ya"})

    assert "nama_ayah" not in ruled_out.fields
    assert ruled_out.is_valid()
    assert ruled_out.step_answers([later]) == {"nama_ayah": None}
    assert not kept.is_valid()
    assert field_is_shown(later, {"ayah_diketahui": "Ya"})
    assert not field_is_shown(later, {})


def test_saved_answers_fill_the_form_again():
    form = form_of(field("nama", label="Nama"), answers={"nama": "Siti Aminah"})

    assert 'value="Siti Aminah"' in str(form["nama"])
