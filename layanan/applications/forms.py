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
  required and its answer is cleared;
- text is kept to what the letter can print (``letters_only`` names and
  places: letters only; other text: no emoji or control characters), with its
  whitespace normalised; a date is never before 1900, and a ``past_only`` date
  never after today;
- a field marked ``prefill`` starts with the applicant's own value from their
  account (:func:`account_prefill`) until the step is first saved.

Every message names its question, so it reads well in the error summary too:
``Isian “Anak ke berapa dari ibu ini?” wajib diisi.``

Answers are stored as JSON-ready strings: dates as ``YYYY-MM-DD``, numbers
as integers, a village as its Kemendagri code, a phone number as ``+62…``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.models import User
from layanan.accounts.phone import normalize_phone
from layanan.catalogue.form_pages import field_is_shown, shown_when_of
from layanan.catalogue.models import FormField
from layanan.core.forms import (
    EARLIEST_DATE,
    FlexibleDateField,
    input_attrs,
    is_name_text,
    unprintable_chars,
    whitespace_normalize,
)
from layanan.identity.forms import KkField, NikField
from layanan.regions.forms import village_choices

MAX_RADIOS = 5


__all__ = ["StepForm", "account_prefill", "field_is_shown", "make_field", "shown_when_of"]

# Values of the account's sex as the seeded choice fields spell them (their stored values).
SEX_CHOICES: dict[str, str] = {User.Sex.MALE: "Laki-laki", User.Sex.FEMALE: "Perempuan"}
# Invisible characters that come with copied text: dropped, not refused.
_INVISIBLE = frozenset({"Cc", "Cf"})


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value: Any) -> str:
        cleaned = super().clean(value)
        return normalize_phone(cleaned) if cleaned else ""


def field_name_words(label: str) -> str:
    """A label as it starts a message: ``Nama anak`` as is, a question in quotes
    (``“Anak ke berapa dari ibu ini?”``) so the message after it still reads."""
    label = label.strip().rstrip(":")
    return f"“{label}”" if label.endswith("?") else label


def required_message(label: str, kind: str) -> str:
    """The message for a question left empty; it reads well for any label, a question too."""
    if kind in (FormField.Kind.CHOICE, FormField.Kind.VILLAGE):
        return _("%(name)s: pilih salah satu jawaban.") % {"name": field_name_words(label)}
    return _("Isian “%(label)s” wajib diisi.") % {"label": label}


def _invalid_message(label: str, kind: str) -> str:
    if kind == FormField.Kind.DATE:
        return _("%(name)s: tanggal tidak dikenali. Tulis seperti 17/08/1990.") % {
            "name": field_name_words(label)
        }
    if kind == FormField.Kind.NUMBER:
        return _("Isian “%(label)s” harus berupa angka.") % {"label": label}
    return _("Isian “%(label)s” tidak sesuai. Periksa lagi.") % {"label": label}


def _messages(label: str, kind: str) -> dict[str, str]:
    """Error messages naming the question; ``%(limit_value)s`` is left for Django to fill."""
    named = label.replace("%", "%%")

    def with_label(message: str) -> str:
        return message.replace("%(label)s", named)

    return {
        "required": required_message(label, kind),
        "invalid": _invalid_message(label, kind),
        "invalid_choice": _("%(name)s: pilih salah satu jawaban yang tersedia.")
        % {"name": field_name_words(named)},  # Django fills %(value)s in: keep a % of the label
        "max_length": with_label(_("Isian “%(label)s” paling banyak %(limit_value)d huruf.")),
        "min_length": with_label(_("Isian “%(label)s” paling sedikit %(limit_value)d huruf.")),
        "max_value": with_label(_("Isian “%(label)s” paling besar %(limit_value)s.")),
        "min_value": with_label(_("Isian “%(label)s” paling kecil %(limit_value)s.")),
    }


class LetterTextField(forms.CharField):
    """Text that may be printed on a letter: whitespace normalised, invisible characters
    dropped, and refused when the letterhead font cannot print it.

    With ``letters_only`` (a name of a person or a place) only letters and ``' . - ,``.
    """

    def __init__(self, *, multiline: bool = False, letters_only: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        self.letters_only = letters_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        text = "".join(
            char
            for char in text
            if char == "\n" or unicodedata.category(char) not in _INVISIBLE or char in "\t\r"
        )
        return whitespace_normalize(text, multiline=self.multiline)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not value:
            return
        name = field_name_words(str(self.label or ""))
        if self.letters_only:
            if not is_name_text(value):
                raise ValidationError(
                    _("%(name)s: gunakan huruf saja; emoji dan simbol tidak dapat dicetak di surat.")
                    % {"name": name},
                    code="letters_only",
                )
            return
        unprintable = unprintable_chars(value, multiline=self.multiline)
        if unprintable:
            raise ValidationError(
                _("%(name)s: emoji dan tanda khusus tidak dapat dicetak di surat. Hapus %(chars)s.")
                % {"name": name, "chars": " ".join(unprintable)},
                code="unprintable",
            )


class LetterDateField(FlexibleDateField):
    """A date no older than :data:`EARLIEST_DATE`; with ``past_only``, none after today (WIB)."""

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        super().__init__(**kwargs)
        self.widget.attrs["min"] = EARLIEST_DATE.isoformat()

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.past_only:
            attrs["max"] = timezone.localdate().isoformat()  # the day the page is shown, not imported
        return attrs

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not isinstance(value, date):
            return
        name = field_name_words(str(self.label or ""))
        if value < EARLIEST_DATE:
            raise ValidationError(
                _("%(name)s: tanggal sebelum tahun %(year)s tidak dapat diterima. Periksa tahunnya.")
                % {"name": name, "year": EARLIEST_DATE.year},
                code="too_early",
            )
        if self.past_only and value > timezone.localdate():
            raise ValidationError(
                _("%(name)s: tanggal ini belum terjadi. Tulis tanggal hari ini atau sebelumnya.")
                % {"name": name},
                code="future",
            )


def make_field(definition: FormField) -> forms.Field:
    """The Django form field for one FormField row."""
    kind = definition.kind
    common: dict[str, Any] = {
        "label": definition.t.label,
        "help_text": definition.t.help_text,
        "required": definition.required,
    }
    errors = _messages(definition.t.label, kind)
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
        field = LetterDateField(**common, past_only=definition.past_only, error_messages=errors)
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
        field = LetterTextField(
            **common,
            multiline=multiline,
            letters_only=definition.letters_only and not multiline,
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
                message=definition.t.pattern_message or _("Isian ini tidak sesuai dengan yang diminta."),
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
    this step's give the initial values). ``prefill`` (from :func:`account_prefill`)
    starts a question never saved before with the applicant's own value; ``own_account`` says
    the applicant fills in the form (the hint then says "Anda"), not an operator for them.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        definitions: Sequence[FormField],
        answers: Mapping[str, Any],
        prefill: Mapping[str, Any] | None = None,
        own_account: bool = False,
        **kwargs: Any,
    ) -> None:
        initial = {d.name: answers[d.name] for d in definitions if answers.get(d.name) not in (None, "")}
        prefilled = {name: value for name, value in (prefill or {}).items() if name not in answers and value}
        initial.update(prefilled)
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
                    "question": controller.t.label,
                    "answer": condition[1],
                }
                field.help_text = f"{when} {field.help_text}".strip()
                field.required = False  # decided in clean(), against the posted controller
            if definition.name in prefilled:
                field = self.fields[definition.name]
                note = (
                    _("Sudah diisi dari data akun Anda. Ubah bila tidak sesuai.")
                    if own_account
                    else _("Sudah diisi dari data akun pemohon. Ubah bila tidak sesuai.")
                )
                field.help_text = f"{field.help_text} {note}".strip()

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


def account_prefill(definitions: Iterable[FormField], applicant: User) -> dict[str, Any]:
    """The applicant's own values for the fields marked ``prefill``, by field name.

    Only what the account holds, in the form the answers keep; a field whose
    kind does not fit the value (see ``catalogue.validation.PREFILL_KINDS``)
    or a sex not among a choice field's options is left empty.
    """
    values: dict[str, Any] = {}
    for definition in definitions:
        value: Any = None
        match definition.prefill:
            case FormField.Prefill.NIK if definition.kind == FormField.Kind.NIK:
                value = applicant.nik
            case FormField.Prefill.KK if definition.kind == FormField.Kind.KK:
                value = applicant.kk
            case FormField.Prefill.NAME if definition.kind == FormField.Kind.TEXT:
                value = applicant.full_name
            case FormField.Prefill.BIRTH_DATE if definition.kind == FormField.Kind.DATE:
                value = applicant.birth_date.isoformat() if applicant.birth_date else None
            case FormField.Prefill.SEX if definition.kind == FormField.Kind.CHOICE:
                spelled = SEX_CHOICES.get(applicant.sex)
                value = spelled if spelled in definition.choice_list() else None
            case FormField.Prefill.VILLAGE if definition.kind == FormField.Kind.VILLAGE:
                value = applicant.home_region.code if applicant.home_region is not None else None
        if value:
            values[definition.name] = value
    return values


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
