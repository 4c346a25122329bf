"""Form fields for NIK and Nomor KK that refuse errors and keep warnings for the page.

A warning (NIK first registered outside the kabupaten, a birth date that
differs from the NIK) must never block a citizen, so the fields raise
``ValidationError`` only for errors and keep the check on the bound field::

    form = CitizenIdentityForm(request.POST)
    if form.is_valid():
        check = citizen_identity_set(user=..., actor=..., **form.service_kwargs())
        messages.info(...) for each warning in form.identity_warnings

``identity_warnings(form)`` collects the warnings of every NIK/KK field of
any form; ``CitizenIdentityForm`` also compares the NIK with the declared
birth date and sex.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import User
from layanan.identity.nik import (
    IdentityCheck,
    NikCheck,
    normalize_number,
    validate_kk,
    validate_nik,
)


class _IdentityNumberField(forms.CharField):
    def __init__(
        self,
        *,
        home_regency_code: str | None = None,
        known_district_codes: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_length", 32)  # room for spaces between groups of four
        super().__init__(**kwargs)
        self.home_regency_code = home_regency_code
        self.known_district_codes = None if known_district_codes is None else tuple(known_district_codes)
        self.check: IdentityCheck | None = None
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "pattern": r"[0-9 ]*", "spellcheck": "false"}
        )

    @property
    def warnings(self) -> list[str]:
        return list(self.check.warnings) if self.check else []

    def to_python(self, value: Any) -> str:
        return normalize_number(super().to_python(value))

    def run_check(self, value: str) -> IdentityCheck:
        raise NotImplementedError

    def validate(self, value: Any) -> None:
        super().validate(value)
        self.check = None
        if value in self.empty_values:
            return
        check = self.run_check(value)
        if check.errors:
            raise ValidationError(
                [
                    ValidationError(message, code=code)
                    for code, message in zip(check.error_codes, check.errors, strict=True)
                ]
            )
        self.check = check


class NikField(_IdentityNumberField):
    """Cleans to the 16-digit NIK; ``.check`` holds the :class:`NikCheck` after cleaning."""

    default_error_messages = {"required": _("NIK wajib diisi.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("NIK"))
        kwargs.setdefault("help_text", _("16 angka, tertera di KTP-el atau Kartu Keluarga."))
        super().__init__(**kwargs)

    def run_check(self, value: str) -> NikCheck:
        return validate_nik(
            value,
            home_regency_code=self.home_regency_code,
            known_district_codes=self.known_district_codes,
        )


class KkField(_IdentityNumberField):
    """Cleans to the 16-digit Nomor KK; ``.check`` holds the :class:`KkCheck` after cleaning."""

    default_error_messages = {"required": _("Nomor KK wajib diisi.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Nomor KK"))
        kwargs.setdefault("help_text", _("16 angka di bagian atas Kartu Keluarga."))
        super().__init__(**kwargs)

    def run_check(self, value: str) -> IdentityCheck:
        return validate_kk(
            value,
            home_regency_code=self.home_regency_code,
            known_district_codes=self.known_district_codes,
        )


def identity_warnings(form: forms.BaseForm) -> list[str]:
    """The warnings of every NIK/KK field of ``form`` that cleaned, in field order."""
    found: list[str] = []
    for field in form.fields.values():
        if isinstance(field, _IdentityNumberField):
            found.extend(field.warnings)
    return found


class CitizenIdentityForm(forms.Form):
    """NIK, Nomor KK, birth date and sex, as a citizen or a counter officer types them.

    After ``is_valid()``, ``identity_warnings`` lists what to show without
    refusing; the NIK is also compared with the declared birth date and sex.
    """

    nik = NikField()
    kk = KkField(required=False)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Kosongkan untuk memakai tanggal lahir dalam NIK."),
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        choices=[("", _("Sesuai NIK")), *User.Sex.choices[1:]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identity_warnings: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        nik = cleaned.get("nik")
        if nik:
            nik_field = self.fields["nik"]
            assert isinstance(nik_field, NikField)
            # The same checks again, now with what the person declared.
            nik_field.check = validate_nik(
                nik,
                declared_birth_date=cleaned.get("birth_date"),
                declared_sex=cleaned.get("sex") or None,
                home_regency_code=nik_field.home_regency_code,
                known_district_codes=nik_field.known_district_codes,
            )
        self.identity_warnings = identity_warnings(self)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`layanan.identity.services.citizen_identity_set`."""
        birth_date: date | None = self.cleaned_data.get("birth_date")
        return {
            "nik": self.cleaned_data["nik"],
            "kk": self.cleaned_data.get("kk") or None,
            "birth_date": birth_date,
            "sex": self.cleaned_data.get("sex") or None,
        }


class NikLookupForm(forms.Form):
    """The counter's search: the NIK on the KTP-el in front of the officer."""

    nik = NikField(
        label=_("NIK di KTP-el"),
        help_text=_("16 angka. Periksa dulu bahwa foto dan nama di KTP-el cocok dengan orang di depan Anda."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attrs = {"class": "input", "inputmode": "numeric", "autocomplete": "off"}
        self.fields["nik"].widget.attrs.update(attrs)
