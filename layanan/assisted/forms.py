"""The operator's forms: search by NIK, register a walk-in, the consent code, the paper scan, the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import User
from layanan.accounts.permissions import scope
from layanan.accounts.phone import normalize_phone
from layanan.catalogue.models import Service
from layanan.core.forms import input_attrs, whitespace_normalize
from layanan.identity.forms import NikField
from layanan.regions.models import Region

_NUMBER = {"class": "input", "inputmode": "numeric", "autocomplete": "off"}


class SearchForm(forms.Form):
    """The NIK on the KTP-el in front of the operator (sent by POST: never in an address)."""

    nik = NikField(
        label=_("NIK di KTP-el warga"),
        help_text=_("16 angka. Periksa dulu bahwa foto dan nama di KTP-el cocok dengan orang di depan Anda."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nik"].widget.attrs.update(_NUMBER)


class VillageChoiceField(forms.ModelChoiceField[Region]):
    """A desa/kelurahan, named by its name alone."""

    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class RegisterForm(forms.Form):
    """A walk-in citizen with no account yet."""

    full_name = forms.CharField(
        label=_("Nama lengkap warga"),
        help_text=_("Sesuai KTP-el."),
        max_length=160,
        error_messages={"required": _("Masukkan nama lengkap warga.")},
        widget=forms.TextInput(attrs=input_attrs(autocomplete="off")),
    )
    nik = NikField(label=_("NIK warga"))
    phone = forms.CharField(
        label=_("Nomor HP warga (tidak wajib)"),
        help_text=_("Kosongkan bila warga tidak punya HP: persetujuannya lewat formulir kertas."),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs=input_attrs(autocomplete="off", inputmode="tel", type="tel")),
    )
    home_region = VillageChoiceField(
        label=_("Desa/kelurahan tempat tinggal"),
        queryset=Region.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Pilih desa/kelurahan tempat tinggal warga."),
            "invalid_choice": _("Pilih desa/kelurahan di wilayah kantor Anda."),
        },
        widget=forms.Select(attrs={"class": "input"}),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nik"].widget.attrs.update(_NUMBER)
        villages: QuerySet[Region] = scope(
            actor, Region.objects.filter(level=Region.Level.VILLAGE), via_region=""
        ).order_by("name")
        field = self.fields["home_region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = villages

    def clean_full_name(self) -> str:
        name = whitespace_normalize(self.cleaned_data["full_name"])
        if not name:
            raise ValidationError(_("Masukkan nama lengkap warga."), code="required")
        return name

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        return normalize_phone(raw) if raw else ""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode dari HP warga"),
        help_text=_("Minta warga membacakan angka di SMS yang baru diterimanya."),
        max_length=12,
        error_messages={"required": _("Masukkan kode yang dibacakan warga.")},
        widget=forms.TextInput(
            attrs={**_NUMBER, "autocomplete": "one-time-code", "class": "input input--short"}
        ),
    )


class PaperForm(forms.Form):
    scan = forms.FileField(
        label=_("Pindaian formulir persetujuan bertanda tangan"),
        help_text=_(
            "Foto (JPEG/PNG) atau PDF dari formulir yang sudah ditandatangani atau dicap jempol warga."
        ),
        error_messages={"required": _("Pilih berkas pindaian formulir persetujuan.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class ServiceForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Layanan yang diminta warga"),
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        empty_label=None,
        error_messages={"invalid_choice": _("Pilih layanan dari daftar.")},
        widget=forms.RadioSelect,
    )
