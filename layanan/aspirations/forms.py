"""Forms of the Musrenbang pages: propose, filter the operator's list, and the operator's steps.

Photos are checked here with the same :func:`layanan.core.uploads.clean_upload` the complaints use
(size limit, content type read from the bytes, re-encoding), so a refusal (a 40 MB photo) is shown
next to the field in plain Indonesian; ``services.usulan_submit`` re-encodes them again.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.aspirations.models import Plan, Status, Topic
from layanan.aspirations.services import DESCRIPTION_MAX, PHOTOS_MAX, REASON_MAX, TITLE_MAX, musrenbang_year
from layanan.core.forms import FlexibleDateField, PhotosField, coordinate_field, input_attrs
from layanan.regions.forms import village_choices
from layanan.regions.models import Region
from layanan.regions.selectors import region_get


class UsulanForm(forms.Form):
    region = forms.ChoiceField(
        label=gettext_lazy("Desa/kelurahan"),
        help_text=gettext_lazy("Desa tempat usulan ini akan dibangun atau dilaksanakan."),
        choices=(),
        error_messages={
            "required": gettext_lazy("Pilih desa/kelurahan."),
            "invalid_choice": gettext_lazy("Pilih desa/kelurahan dari daftar."),
        },
        widget=forms.Select(attrs={"class": "input"}),
    )
    topic = forms.ChoiceField(
        label=gettext_lazy("Bidang"),
        choices=[("", gettext_lazy("Pilih bidang")), *Topic.choices],
        error_messages={
            "required": gettext_lazy("Pilih bidang usulan."),
            "invalid_choice": gettext_lazy("Pilih bidang usulan dari daftar."),
        },
        widget=forms.Select(attrs={"class": "input"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Judul usulan"),
        help_text=gettext_lazy("Singkat, misalnya: Perbaikan jalan Dusun II menuju SD Negeri 1."),
        max_length=TITLE_MAX,
        error_messages={"required": gettext_lazy("Tulis judul usulan.")},
        widget=forms.TextInput(attrs=input_attrs(autocomplete="off")),
    )
    description = forms.CharField(
        label=gettext_lazy("Uraian"),
        help_text=gettext_lazy("Apa yang perlu dibangun atau dilakukan, untuk siapa, dan mengapa penting."),
        max_length=DESCRIPTION_MAX,
        error_messages={"required": gettext_lazy("Tulis uraian usulan.")},
        widget=forms.Textarea(attrs={"class": "input", "rows": "6"}),
    )
    address_text = forms.CharField(
        label=gettext_lazy("Lokasi atau patokan (tidak wajib)"),
        help_text=gettext_lazy("Misalnya: RT 03 Dusun II, dekat masjid."),
        max_length=240,
        required=False,
        widget=forms.TextInput(attrs=input_attrs(autocomplete="off")),
    )
    latitude = coordinate_field("latitude")
    longitude = coordinate_field("longitude")
    photos = PhotosField(
        limit=PHOTOS_MAX,
        not_photo=gettext_lazy("Lampiran usulan harus berupa foto (JPG/PNG)."),
        label=gettext_lazy("Foto tempatnya (tidak wajib)"),
        help_text=gettext_lazy("Paling banyak 3 foto. Data tersembunyi di dalam foto kami hapus."),
    )
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, home: Region | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"submit_key": uuid.uuid4()}
        if home is not None and home.level == Region.Level.VILLAGE:
            initial["region"] = home.code
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = village_choices()

    def clean_region(self) -> Region:
        region = region_get(self.cleaned_data["region"])
        if region is None or region.level != Region.Level.VILLAGE:
            raise ValidationError(_("Pilih desa/kelurahan dari daftar."), code="invalid_choice")
        return region

    def clean_description(self) -> str:
        text = (self.cleaned_data.get("description") or "").strip()
        if len(text) < 10:
            raise ValidationError(
                _("Ceritakan usulan Anda sedikit lebih lengkap (paling sedikit %(count)d huruf).")
                % {"count": 10},
                code="short",
            )
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.errors.get("latitude"):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Isi garis lintang dan garis bujur, atau kosongkan keduanya."))
        return cleaned


class StaffFilterForm(forms.Form):
    """The operator's list filters (GET): topic, status, year, desa. Bad values are ignored."""

    topic = forms.ChoiceField(
        label=gettext_lazy("Bidang"),
        choices=[("", gettext_lazy("Semua bidang")), *Topic.choices],
        required=False,
        widget=forms.Select(attrs={"class": "input"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Semua status")), *Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "input"}),
    )
    tahun = forms.TypedChoiceField(
        label=gettext_lazy("Tahun Musrenbang"),
        coerce=int,
        empty_value=None,
        choices=(),
        required=False,
        widget=forms.Select(attrs={"class": "input"}),
    )

    desa = forms.ChoiceField(
        label=gettext_lazy("Desa/kelurahan"),
        choices=(),
        required=False,
        widget=forms.Select(attrs={"class": "input"}),
    )

    def __init__(self, *args: Any, years: list[int], villages: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tahun"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Semua tahun")), *[(str(y), str(y)) for y in years]]
        desa = self.fields["desa"]
        assert isinstance(desa, forms.ChoiceField)
        desa.choices = [("", _("Semua desa")), *[(v.code, v.name) for v in villages]]
        self.many_villages = len(villages) > 1

    def values(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"topic": "", "status": "", "year": None, "desa": ""}
        data = self.cleaned_data
        return {
            "topic": data.get("topic") or "",
            "status": data.get("status") or "",
            "year": data.get("tahun"),
            "desa": data.get("desa") or "",
        }


class AcceptForm(forms.Form):
    plan = forms.ChoiceField(
        label=gettext_lazy("Masuk rencana"),
        choices=Plan.choices,
        initial=Plan.RKPDES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pilih rencana: RKPDes atau RKPD.")},
    )
    plan_year = forms.IntegerField(
        label=gettext_lazy("Tahun rencana"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("Tulis tahun rencana, seperti 2027."),
            "invalid": gettext_lazy("Tulis tahun rencana, seperti 2027."),
        },
        widget=forms.NumberInput(attrs=input_attrs(inputmode="numeric")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"plan": Plan.RKPDES, "plan_year": musrenbang_year() + 1})
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan tidak diterima"),
        help_text=gettext_lazy("Ditampilkan kepada umum dan dikirim kepada pengusul dan pendukung."),
        max_length=REASON_MAX,
        error_messages={
            "required": gettext_lazy("Tulis alasan usulan tidak diterima; warga dapat membacanya.")
        },
        widget=forms.Textarea(attrs={"class": "input", "rows": "3"}),
    )


class BuiltForm(forms.Form):
    built_on = FlexibleDateField(
        label=gettext_lazy("Tanggal selesai dibangun"),
        help_text=gettext_lazy("Misalnya 17/08/2027."),
        error_messages={
            "required": gettext_lazy("Tulis tanggal selesai, seperti 17/08/2027."),
            "invalid": gettext_lazy("Masukkan tanggal yang benar, seperti 17/08/2027."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan (tidak wajib)"),
        help_text=gettext_lazy("Apa yang dibangun dan dengan dana apa, misalnya: Dana Desa 2027."),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"class": "input", "rows": "3"}),
    )
