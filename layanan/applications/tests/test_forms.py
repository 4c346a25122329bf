"""StepForm: a service's FormField rows become a form with plain Indonesian errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, cast

import pytest
from django import forms
from django.utils import timezone, translation

from layanan.accounts.models import User
from layanan.applications.forms import StepForm, account_prefill, field_is_shown, make_field
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
    assert form.errors["agama"] == ["Agama: pilih salah satu jawaban."]
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


# --- messages that read well for any label ------------------------------------------------------


def test_a_required_question_style_label_reads_as_a_sentence():
    form = form_of(
        field("anak_ke", label="Anak ke berapa dari ibu ini?", kind="number"),
        field("tempat", label="Di mana anak lahir?", kind="choice", choices="Di rumah\nRumah sakit"),
        data={},
    )

    assert not form.is_valid()
    assert form.errors["anak_ke"] == ["Isian “Anak ke berapa dari ibu ini?” wajib diisi."]
    assert form.errors["tempat"] == ["“Di mana anak lahir?”: pilih salah satu jawaban."]


def test_the_messages_are_in_english_for_english_readers():
    with translation.override("en"):
        form = form_of(
            field("anak_ke", label="Anak ke berapa dari ibu ini?", kind="number"),
            field("nama_anak", label="Nama anak", letters_only=True),
            data={"nama_anak": "Budi 🙏"},
        )
        assert not form.is_valid()

    assert form.errors["anak_ke"] == ["“Anak ke berapa dari ibu ini?” must be filled in."]
    assert form.errors["nama_anak"] == [
        "Nama anak: use letters only; emoji and symbols cannot be printed on the letter."
    ]


# --- names, places and free text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["😀😀 Budi 🙏", "Budi 2", "Budi <b>", "Siti_Aminah", "...", "Сергей", "王小明"],
)
def test_a_name_in_anything_but_printable_letters_is_refused_naming_the_field(typed: str):
    form = form_of(field("nama_anak", label="Nama anak", letters_only=True), data={"nama_anak": typed})

    assert not form.is_valid()
    assert form.errors["nama_anak"] == [
        "Nama anak: gunakan huruf saja; emoji dan simbol tidak dapat dicetak di surat."
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Siti Nur'aini", "Siti Nur'aini"),
        ("  I Gede   A. Putra, S.Pd. ", "I Gede A. Putra, S.Pd."),
        ("José Ramos-Horta", "José Ramos-Horta"),
        ("Jose\u0301 Ramos", "José Ramos"),  # a combining accent is composed
        (
            "Ma\u200bruf\u00a0Amin",
            "Maruf Amin",
        ),  # an invisible character is dropped, a hard space is one space
        ("Muara\tSungkai", "Muara Sungkai"),
    ],
)
def test_a_name_in_latin_letters_is_kept_with_its_whitespace_normalised(typed: str, kept: str):
    form = form_of(field("nama", label="Nama lengkap", letters_only=True), data={"nama": typed})

    assert form.is_valid(), form.errors
    assert form.step_answers(form.definitions) == {"nama": kept}


def test_other_text_may_hold_digits_and_signs_but_no_emoji():
    definitions = (
        field("alamat", label="Alamat", kind="textarea"),
        field("usaha", label="Nama usaha"),
    )

    fine = form_of(
        *definitions,
        data={
            "alamat": "Jl. Soekarno\u2013Hatta No. 12,  RT 003/RW 001\r\n\r\n\r\nDusun II",
            "usaha": "Toko 99 & Rp5.000",
        },
    )
    emoji = form_of(*definitions, data={"alamat": "Jl. Mawar 🌹 No. 1", "usaha": "Warung ☕"})

    assert fine.is_valid(), fine.errors
    assert fine.step_answers(fine.definitions) == {
        "alamat": "Jl. Soekarno\u2013Hatta No. 12, RT 003/RW 001\n\nDusun II",
        "usaha": "Toko 99 & Rp5.000",
    }
    assert not emoji.is_valid()
    assert emoji.errors["alamat"] == [
        "Alamat: emoji dan tanda khusus tidak dapat dicetak di surat. Hapus 🌹."
    ]
    assert emoji.errors["usaha"] == [
        "Nama usaha: emoji dan tanda khusus tidak dapat dicetak di surat. Hapus ☕."
    ]


# --- dates --------------------------------------------------------------------------------------


def test_a_past_only_date_after_today_is_refused_and_today_is_accepted():
    today = timezone.localdate()
    birth = field("tanggal_lahir", label="Tanggal lahir", kind="date", past_only=True)

    future = form_of(birth, data={"tanggal_lahir": "17/08/2030"})
    tomorrow = form_of(birth, data={"tanggal_lahir": (today + timedelta(days=1)).isoformat()})
    on_the_day = form_of(birth, data={"tanggal_lahir": today.isoformat()})

    message = "Tanggal lahir: tanggal ini belum terjadi. Tulis tanggal hari ini atau sebelumnya."
    assert future.errors["tanggal_lahir"] == [message]
    assert tomorrow.errors["tanggal_lahir"] == [message]
    assert on_the_day.is_valid(), on_the_day.errors
    assert f'max="{today.isoformat()}"' in str(on_the_day["tanggal_lahir"])


def test_a_date_of_a_plan_may_be_in_the_future_but_no_date_is_before_1900():
    wedding = field("tanggal_nikah", label="Rencana tanggal akad nikah", kind="date")
    lost = field("tanggal_hilang", label="Kira-kira kapan hilangnya?", kind="date", past_only=True)

    planned = form_of(wedding, data={"tanggal_nikah": "01/02/2030"})
    typo = form_of(wedding, lost, data={"tanggal_nikah": "01/02/1030", "tanggal_hilang": "1899-12-31"})

    assert planned.is_valid(), planned.errors
    assert 'min="1900-01-01"' in str(planned["tanggal_nikah"])
    assert "max=" not in str(planned["tanggal_nikah"])
    assert typo.errors["tanggal_nikah"] == [
        "Rencana tanggal akad nikah: tanggal sebelum tahun 1900 tidak dapat diterima. Periksa tahunnya."
    ]
    assert typo.errors["tanggal_hilang"] == [
        "“Kira-kira kapan hilangnya?”: tanggal sebelum tahun 1900 tidak dapat diterima. Periksa tahunnya."
    ]


# --- prefill from the applicant's account ---------------------------------------------------------


def account(**values: Any) -> User:
    """An unsaved account with what registration records."""
    return User(phone="+6281200000001", full_name="Siti Aminah", **values)


def prefill_fields() -> list[FormField]:
    return [
        field("nik", kind="nik", label="NIK", prefill="nik"),
        field("nama", label="Nama lengkap", prefill="name"),
        field("tanggal_lahir", kind="date", label="Tanggal lahir", prefill="birth_date"),
        field(
            "jenis_kelamin",
            kind="choice",
            label="Jenis kelamin",
            choices="Laki-laki\nPerempuan",
            prefill="sex",
        ),
        field("nomor_kk", kind="kk", label="Nomor KK", prefill="kk"),
        field("nama_ibu", label="Nama ibu"),
        field("nik_ibu", kind="nik", label="NIK ibu"),
        field("tanggal_lahir_anak", kind="date", label="Tanggal lahir anak"),
    ]


def test_only_fields_marked_for_it_get_the_applicants_own_values():
    applicant = account(nik=NIK, kk="1803021506200003", birth_date=date(1990, 6, 5), sex="P")

    values = account_prefill(prefill_fields(), applicant)

    assert values == {
        "nik": NIK,
        "nama": "Siti Aminah",
        "tanggal_lahir": "1990-06-05",
        "jenis_kelamin": "Perempuan",
        "nomor_kk": "1803021506200003",
    }


def test_an_account_value_that_does_not_fit_the_field_is_left_out():
    applicant = account(sex="L")
    only_women = field(
        "jenis_kelamin", kind="choice", label="Jenis kelamin", choices="Perempuan", prefill="sex"
    )
    wrong_kind = field("nama", kind="textarea", label="Nama", prefill="name")

    assert account_prefill([only_women, wrong_kind], applicant) == {}


def test_a_prefilled_value_starts_the_field_until_an_answer_is_saved():
    definitions = [field("nama", label="Nama lengkap", prefill="name"), field("nama_ibu", label="Nama ibu")]

    first_visit = StepForm(None, definitions=definitions, answers={}, prefill={"nama": "Siti Aminah"})
    after_saving = StepForm(
        None, definitions=definitions, answers={"nama": "Siti A."}, prefill={"nama": "Siti Aminah"}
    )

    assert first_visit["nama"].value() == "Siti Aminah"
    assert "Sudah diisi dari data akun pemohon" in str(first_visit["nama"].help_text)
    assert first_visit["nama_ibu"].value() is None
    assert after_saving["nama"].value() == "Siti A."
    assert "Sudah diisi" not in str(after_saving["nama"].help_text)


def test_an_answer_not_offered_is_refused_naming_the_question_even_with_a_percent_sign():
    form = form_of(
        field("bagi", label="Bagi hasil (%)", kind="choice", choices="10\n20"), data={"bagi": "99"}
    )

    assert not form.is_valid()
    assert form.errors["bagi"] == ["Bagi hasil (%): pilih salah satu jawaban yang tersedia."]
