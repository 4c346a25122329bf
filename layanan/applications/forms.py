"""Forms of the citizen's pages: one step of a service's form, built from its FormField rows.

A step's form is made from the service's :class:`~layanan.catalogue.models.FormField`
rows of that step (see ``layanan.catalogue.validation`` for the conventions):

- each kind becomes a Django field: NIK and KK through ``layanan.identity``,
  a village as a select of the regency's desa grouped by kecamatan, a date
  as ``<input type=date>`` that also accepts ``17/08/1990``, a choice as
  radios (five options or fewer) or a select;
- ``shown_when`` (``name=value``) is decided on the server: against the
  answers of earlier steps, and against the posted value when the
  controlling field is on the same page. A field that is not shown is not
  required and its answer is cleared.

Answers are stored as JSON-ready strings: dates as ``YYYY-MM-DD``, numbers
as integers, a village as its Kemendagri code, a phone number as ``+62…``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.phone import normalize_phone
from layanan.catalogue.models import FormField
from layanan.catalogue.validation import shown_when_parse
from layanan.core.forms import FlexibleDateField, input_attrs
from layanan.identity.forms import KkField, NikField
from layanan.regions.forms import village_choices

MAX_RADIOS = 5


def shown_when_of(field: FormField) -> tuple[str, str] | None:
    """The (field name, value) condition of ``field``, or None when it is always shown."""
    try:
        return shown_when_parse(field.shown_when)
    except ValueError:
        return None  # a malformed rule (the admin refuses these) must not hide a question


def field_is_shown(field: FormField, answers: Mapping[str, Any]) -> bool:
    """Whether ``field`` applies, given the answers known so far."""
    condition = shown_when_of(field)
    if condition is None:
        return True
    name, value = condition
    return str(answers.get(name) or "") == value


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value: Any) -> str:
        cleaned = super().clean(value)
        return normalize_phone(cleaned) if cleaned else ""


def _lower_first(label: str) -> str:
    """``Jenis kelamin`` → ``jenis kelamin`` but ``NIK ayah`` stays (an acronym keeps its capitals)."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def required_message(label: str, kind: str) -> str:
    if kind in (FormField.Kind.CHOICE, FormField.Kind.VILLAGE):
        return _("Pilih %(label)s.") % {"label": _lower_first(label)}
    return _("%(label)s wajib diisi.") % {"label": label}


def _invalid_message(label: str, kind: str) -> str:
    if kind == FormField.Kind.DATE:
        return _("Tanggal tidak dikenali. Tulis seperti 17/08/1990.")
    if kind == FormField.Kind.NUMBER:
        return _("%(label)s harus berupa angka.") % {"label": label}
    return _("Isian ini tidak sesuai. Periksa lagi.")


def _messages(label: str, kind: str) -> dict[str, str]:
    """Error messages naming the question; ``%(limit_value)s`` is left for Django to fill."""
    named = label.replace("%", "%%")

    def with_label(message: str) -> str:
        return message.replace("%(label)s", named)

    return {
        "required": required_message(label, kind),
        "invalid": _invalid_message(label, kind),
        "invalid_choice": _("Pilih salah satu pilihan yang tersedia."),
        "max_length": with_label(_("%(label)s paling banyak %(limit_value)d huruf.")),
        "min_length": with_label(_("%(label)s paling sedikit %(limit_value)d huruf.")),
        "max_value": with_label(_("%(label)s paling besar %(limit_value)s.")),
        "min_value": with_label(_("%(label)s paling kecil %(limit_value)s.")),
    }


def make_field(definition: FormField) -> forms.Field:
    """The Django form field for one FormField row."""
    kind = definition.kind
    common: dict[str, Any] = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.required,
    }
    errors = _messages(definition.label, kind)
    field: forms.Field
    if kind == FormField.Kind.NIK:
        field = NikField(**common, widget=forms.TextInput(attrs=input_attrs()))
        field.error_messages["required"] = errors["required"]
    elif kind == FormField.Kind.KK:
        field = KkField(**common, widget=forms.TextInput(attrs=input_attrs()))
        field.error_messages["required"] = errors["required"]
    elif kind == FormField.Kind.PHONE:
        field = PhoneField(**common, error_messages=errors, widget=forms.TextInput(attrs=input_attrs()))
    elif kind == FormField.Kind.DATE:
        field = FlexibleDateField(**common, error_messages=errors)
        field.widget.attrs.setdefault("class", "input input--short")
    elif kind == FormField.Kind.NUMBER:
        field = forms.IntegerField(
            **common,
            min_value=definition.min_value,
            max_value=definition.max_value,
            error_messages=errors,
            widget=forms.NumberInput(attrs=input_attrs(inputmode="numeric")),
        )
    elif kind == FormField.Kind.CHOICE:
        options = [(choice, choice) for choice in definition.choice_list()]
        if len(options) <= MAX_RADIOS:
            field = forms.ChoiceField(
                **common, choices=options, error_messages=errors, widget=forms.RadioSelect
            )
        else:
            field = forms.ChoiceField(
                **common,
                choices=[("", _("Pilih salah satu")), *options],
                error_messages=errors,
                widget=forms.Select(attrs=input_attrs()),
            )
    elif kind == FormField.Kind.VILLAGE:
        field = forms.ChoiceField(
            **common,
            choices=village_choices(),
            error_messages=errors,
            widget=forms.Select(attrs=input_attrs()),
        )
    else:
        multiline = kind == FormField.Kind.TEXTAREA
        field = forms.CharField(
            **common,
            max_length=definition.max_value or (2000 if multiline else 200),
            min_length=definition.min_value,
            error_messages=errors,
            widget=forms.Textarea(attrs=input_attrs(rows="5"))
            if multiline
            else forms.TextInput(attrs=input_attrs()),
        )
    if definition.pattern and kind in (FormField.Kind.TEXT, FormField.Kind.TEXTAREA, FormField.Kind.PHONE):
        field.validators.append(
            RegexValidator(
                re.compile(rf"(?:{definition.pattern})\Z"),
                message=definition.pattern_message or _("Isian ini tidak sesuai dengan yang diminta."),
                code="pattern",
            )
        )
    return field


def answer_value(value: Any) -> Any:
    """A cleaned value in the JSON form the answers keep."""
    if isinstance(value, date):
        return value.isoformat()
    return value


class StepForm(forms.Form):
    """One step of a service's form. ``definitions`` are the FormField rows of the step.

    ``answers`` are what is stored so far (earlier steps decide ``shown_when``,
    this step's give the initial values).
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        definitions: Sequence[FormField],
        answers: Mapping[str, Any],
        **kwargs: Any,
    ) -> None:
        initial = {d.name: answers[d.name] for d in definitions if answers.get(d.name) not in (None, "")}
        super().__init__(data, initial=initial, **kwargs)
        self.answers = dict(answers)
        own_names = {d.name for d in definitions}
        self.definitions: list[FormField] = []
        self.conditional: dict[str, tuple[str, str]] = {}
        for definition in definitions:
            condition = shown_when_of(definition)
            if condition is not None and condition[0] not in own_names:
                if not field_is_shown(definition, answers):
                    continue  # decided by an earlier step: this question does not apply
                condition = None
            self.definitions.append(definition)
            self.fields[definition.name] = make_field(definition)
            if condition is not None:
                self.conditional[definition.name] = condition
                controller = next(d for d in definitions if d.name == condition[0])
                field = self.fields[definition.name]
                when = _("Isi hanya bila %(question)s: %(answer)s.") % {
                    "question": controller.label,
                    "answer": condition[1],
                }
                field.help_text = f"{when} {field.help_text}".strip()
                field.required = False  # decided in clean(), against the posted controller

    def _posted(self, name: str) -> str:
        if self.data is None:
            return str(self.answers.get(name) or "")
        return str(self.data.get(self.add_prefix(name)) or "")

    def is_hidden(self, name: str) -> bool:
        condition = self.conditional.get(name)
        return condition is not None and self._posted(condition[0]) != condition[1]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, _condition in self.conditional.items():
            definition = next(d for d in self.definitions if d.name == name)
            if self.is_hidden(name):
                cleaned[name] = None
                self.errors.pop(name, None)
            elif definition.required and cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, required_message(definition.label, definition.kind))
        return cleaned

    def step_answers(self, all_definitions: Iterable[FormField]) -> dict[str, Any]:
        """The answers of this step for the service: shown fields cleaned, the rest cleared (None)."""
        result: dict[str, Any] = {}
        for definition in all_definitions:
            if definition.name in self.fields and not self.is_hidden(definition.name):
                result[definition.name] = answer_value(self.cleaned_data.get(definition.name))
            else:
                result[definition.name] = None
        return result


class OperatorStartForm(forms.Form):
    """An operator starts an application for a walk-in citizen, with the citizen's consent recorded."""

    phone = forms.CharField(
        label=gettext_lazy("Nomor HP warga"),
        help_text=gettext_lazy("Nomor yang dipakai warga saat mendaftar, seperti 0812 3456 7890."),
        max_length=20,
        error_messages={"required": gettext_lazy("Masukkan nomor HP warga.")},
        widget=forms.TextInput(attrs=input_attrs(inputmode="tel", autocomplete="off")),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Warga sudah menyetujui bahwa saya mengajukan permohonan ini atas namanya, "
            "dan persetujuan itu sudah dicatat."
        ),
        error_messages={
            "required": gettext_lazy("Permohonan atas nama warga hanya boleh diajukan dengan persetujuannya.")
        },
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class LookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=gettext_lazy("Nomor pelacakan"),
        help_text=gettext_lazy("Tertulis di pesan yang Anda terima, seperti P-7K94M-9XH3C."),
        max_length=30,
        error_messages={"required": gettext_lazy("Masukkan nomor pelacakan.")},
        widget=forms.TextInput(
            attrs=input_attrs(autocomplete="off", spellcheck="false", autocapitalize="characters")
        ),
    )
    phone_last4 = forms.CharField(
        label=gettext_lazy("4 angka terakhir nomor HP pemohon"),
        help_text=gettext_lazy("Nomor HP yang dipakai saat mengajukan. Misalnya 7890 untuk 0812 3456 7890."),
        max_length=4,
        min_length=4,
        error_messages={
            "required": gettext_lazy("Masukkan 4 angka terakhir nomor HP."),
            "min_length": gettext_lazy("Masukkan tepat 4 angka."),
            "max_length": gettext_lazy("Masukkan tepat 4 angka."),
        },
        widget=forms.TextInput(
            attrs={
                "class": "input input--short",
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]{4}",
            }
        ),
    )

    def clean_phone_last4(self) -> str:
        value = self.cleaned_data["phone_last4"].strip()
        if not value.isdigit():
            raise ValidationError(_("Masukkan tepat 4 angka."), code="digits")
        return value


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
