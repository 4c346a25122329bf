"""The catalogue's rules for the field options prefill, past_only and letters_only."""

from __future__ import annotations

from layanan.catalogue.validation import FieldSpec, field_errors, spec_of


def test_a_prefill_must_fit_the_kind_of_field():
    assert field_errors(FieldSpec(name="nik", kind="nik", prefill="nik")) == {}
    assert field_errors(FieldSpec(name="nama", kind="text", prefill="name")) == {}
    assert field_errors(FieldSpec(name="nama", kind="text", prefill="nik")) == {
        "prefill": ["Isi dari akun ini hanya untuk isian berjenis NIK."]
    }
    assert field_errors(FieldSpec(name="x", kind="text", prefill="ibu")) == {
        "prefill": ["Pilihan isi dari akun ini tidak dikenal."]
    }


def test_past_only_is_for_dates_and_letters_only_for_short_text():
    assert field_errors(FieldSpec(name="lahir", kind="date", past_only=True)) == {}
    assert field_errors(FieldSpec(name="nama", kind="text", letters_only=True)) == {}
    assert field_errors(FieldSpec(name="n", kind="number", past_only=True, letters_only=True)) == {
        "past_only": ["Hanya tanggal yang sudah lewat berlaku untuk isian berjenis tanggal."],
        "letters_only": ["Hanya huruf berlaku untuk isian berjenis teks pendek."],
    }


def test_a_spec_reads_the_options_from_a_form_or_the_seed_file():
    spec = spec_of({"name": "lahir", "kind": "date", "past_only": True, "prefill": "birth_date"})

    assert spec.past_only is True
    assert spec.prefill == "birth_date"
    assert spec.letters_only is False
