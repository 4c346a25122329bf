"""The rules a service definition must follow, shared by the admin forms and the seed file.

Each check returns a list of messages in plain Indonesian (empty when the value
is fine), so the admin can attach them to the right input and the seeder can
refuse a bad file with the same words.

Form-field conventions the application pages rely on:

- ``choices``: one option per line; the line is both the stored value and
  the label the citizen sees;
- ``shown_when``: empty (always shown) or ``name=value``: the field is shown
  only when the field ``name`` of the same service has the answer ``value``;
  when ``name`` is a choice field, ``value`` must be one of its lines;
- ``pattern``: a Python regular expression the whole answer must match;
- ``prefill``: which value of the applicant's own account fills the field in
  before they type (their NIK, KK, name, birth date, sex or home desa). Only
  for a field about the applicant themself, never one about a child, a parent
  or a witness; the kind must fit the value (:data:`PREFILL_KINDS`);
- ``past_only``: a date that has already happened (a birth, a death, a loss):
  a date after today is refused. Every date is refused before
  :data:`~layanan.core.forms.EARLIEST_DATE`;
- ``letters_only``: a name of a person or a place, in letters the letterhead
  font prints (Latin letters with or without accents, spaces, ``'``, ``.``,
  ``-`` and ``,``). Any other text answer is refused only for emoji, control
  characters and other signs the letter cannot print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from layanan.catalogue.models import FormField, Requirement, Service

# The kind of field each account value may fill in.
PREFILL_KINDS: dict[str, str] = {
    FormField.Prefill.NIK: FormField.Kind.NIK,
    FormField.Prefill.KK: FormField.Kind.KK,
    FormField.Prefill.NAME: FormField.Kind.TEXT,
    FormField.Prefill.BIRTH_DATE: FormField.Kind.DATE,
    FormField.Prefill.SEX: FormField.Kind.CHOICE,
    FormField.Prefill.VILLAGE: FormField.Kind.VILLAGE,
}

_SHOWN_WHEN = re.compile(r"^\s*(?P<name>[-a-zA-Z0-9_]+)\s*=\s*(?P<value>\S(?:.*\S)?)\s*$")


@dataclass(frozen=True)
class FieldSpec:
    """What the rules need to know of one form field (from a form, a model or the seed file)."""

    name: str
    kind: str
    choices: str = ""
    pattern: str = ""
    shown_when: str = ""
    min_value: int | None = None
    max_value: int | None = None
    prefill: str = ""
    past_only: bool = False
    letters_only: bool = False

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def shown_when_parse(value: str) -> tuple[str, str] | None:
    """``"lahir_di=Di rumah"`` → ``("lahir_di", "Di rumah")``; empty → ``None``.

    Raises ``ValueError`` when the value is not ``name=value``.
    """
    if not value.strip():
        return None
    match = _SHOWN_WHEN.match(value)
    if match is None:
        raise ValueError(value)
    return match["name"], match["value"]


def service_errors(*, handler: str, has_office: bool) -> dict[str, list[str]]:
    """Errors of the service itself, by field name."""
    if handler == Service.Handler.FIXED_OFFICE and not has_office:
        return {
            "office": [
                _("Pilih kantor yang menangani: layanan dengan penanganan kantor tetap wajib punya kantor.")
            ]
        }
    return {}


def field_errors(field: FieldSpec) -> dict[str, list[str]]:
    """Errors of one form field taken alone, by attribute name."""
    errors: dict[str, list[str]] = {}
    if field.kind == FormField.Kind.CHOICE and not field.choice_list():
        errors.setdefault("choices", []).append(
            _("Isian berjenis pilihan wajib punya pilihan: tulis satu pilihan per baris.")
        )
    elif field.kind != FormField.Kind.CHOICE and field.choices.strip():
        errors.setdefault("choices", []).append(
            _(
                "Pilihan hanya dipakai untuk isian berjenis pilihan. "
                "Kosongkan, atau ubah jenisnya menjadi pilihan."
            )
        )
    if field.pattern:
        try:
            re.compile(field.pattern)
        except re.error as exc:
            errors.setdefault("pattern", []).append(
                _("Pola (regex) tidak dapat dipakai: %(reason)s. Periksa tanda kurung dan garis miring.")
                % {"reason": exc.msg}
            )
    if field.min_value is not None and field.max_value is not None and field.min_value > field.max_value:
        errors.setdefault("max_value", []).append(
            _("Nilai maksimum harus sama atau lebih besar dari minimum.")
        )
    errors.update(_option_errors(field))
    try:
        condition = shown_when_parse(field.shown_when)
    except ValueError:
        errors.setdefault("shown_when", []).append(
            _("Tulis syarat tampil sebagai nama_isian=nilai, misalnya tempat_lahir=Di rumah.")
        )
    else:
        if condition is not None and condition[0] == field.name:
            errors.setdefault("shown_when", []).append(
                _("Sebuah isian tidak bisa bergantung pada dirinya sendiri.")
            )
    return errors


def _option_errors(field: FieldSpec) -> dict[str, list[str]]:
    """``prefill``, ``past_only`` and ``letters_only`` only on the kinds they fit."""
    errors: dict[str, list[str]] = {}
    if field.prefill:
        kind = PREFILL_KINDS.get(field.prefill)
        if kind is None:
            errors["prefill"] = [_("Pilihan isi dari akun ini tidak dikenal.")]
        elif kind != field.kind:
            errors["prefill"] = [
                _("Isi dari akun ini hanya untuk isian berjenis %(kind)s.")
                % {"kind": FormField.Kind(kind).label}
            ]
    if field.past_only and field.kind != FormField.Kind.DATE:
        errors["past_only"] = [_("Hanya tanggal yang sudah lewat berlaku untuk isian berjenis tanggal.")]
    if field.letters_only and field.kind != FormField.Kind.TEXT:
        errors["letters_only"] = [_("Hanya huruf berlaku untuk isian berjenis teks pendek.")]
    return errors


def fields_errors(fields: Iterable[FieldSpec]) -> dict[str, dict[str, list[str]]]:
    """Errors across the fields of one service, by field name then attribute.

    Each field alone (:func:`field_errors`), names used once, and the
    references between fields (:func:`field_reference_errors`).
    """
    specs = list(fields)
    errors: dict[str, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            errors.setdefault(spec.name, {}).setdefault("name", []).append(
                _("Nama teknis %(name)s dipakai lebih dari sekali dalam layanan ini.") % {"name": spec.name}
            )
        seen.add(spec.name)
        for attribute, messages in field_errors(spec).items():
            errors.setdefault(spec.name, {}).setdefault(attribute, []).extend(messages)
    for name, messages in field_reference_errors(specs).items():
        errors.setdefault(name, {}).setdefault("shown_when", []).extend(messages)
    return errors


def field_reference_errors(specs: Iterable[FieldSpec]) -> dict[str, list[str]]:
    """``shown_when`` errors by field name: it must name another field of the same service
    and, when that field is a choice, one of its choices. Malformed values are left to
    :func:`field_errors`."""
    specs = list(specs)
    by_name = {spec.name: spec for spec in specs}
    errors: dict[str, list[str]] = {}
    for spec in specs:
        try:
            condition = shown_when_parse(spec.shown_when)
        except ValueError:
            continue
        if condition is None or condition[0] == spec.name:
            continue
        name, value = condition
        target = by_name.get(name)
        if target is None:
            errors.setdefault(spec.name, []).append(
                _("Syarat tampil merujuk isian %(name)s yang tidak ada di layanan ini.") % {"name": name}
            )
        elif (
            target.kind == FormField.Kind.CHOICE
            and target.choice_list()
            and value not in target.choice_list()
        ):
            errors.setdefault(spec.name, []).append(
                _("Nilai %(value)s bukan salah satu pilihan isian %(name)s.") % {"value": value, "name": name}
            )
    return errors


def requirement_errors(*, kind: str, field_name: str, field_names: Iterable[str]) -> dict[str, list[str]]:
    """Errors of one requirement: a 'field' requirement names a field of the same service."""
    if kind == Requirement.Kind.FIELD:
        if not field_name:
            return {"field_name": [_("Persyaratan berjenis isian formulir wajib menyebut nama isiannya.")]}
        if field_name not in set(field_names):
            return {
                "field_name": [_("Isian %(name)s tidak ada di formulir layanan ini.") % {"name": field_name}]
            }
    return {}


def spec_of(values: Mapping[str, object]) -> FieldSpec:
    """A :class:`FieldSpec` from a form's cleaned data or a seed-file entry."""

    def text(key: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) else ""

    def flag(key: str) -> bool:
        return values.get(key) is True

    def number(key: str) -> int | None:
        value = values.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return FieldSpec(
        name=text("name"),
        kind=text("kind") or FormField.Kind.TEXT,
        choices=text("choices"),
        pattern=text("pattern"),
        shown_when=text("shown_when"),
        min_value=number("min_value"),
        max_value=number("max_value"),
        prefill=text("prefill"),
        past_only=flag("past_only"),
        letters_only=flag("letters_only"),
    )
