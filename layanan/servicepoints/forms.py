"""The forms of the service points' pages: the public filter, the staff's point and announcement
forms, and a citizen's subscription. Bad input gets a plain Indonesian message."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.core.forms import REASON_MAX, FlexibleDateField, input_attrs, whitespace_normalize
from layanan.regions.models import Region
from layanan.regions.selectors import district_list, regency_get, village_list
from layanan.servicepoints.models import Announcement, ServicePoint
from layanan.servicepoints.services import STAFF_FIELDS

SEARCH_MAX = 80


class PointFilterForm(forms.Form):
    """GET filters of the public list: a kecamatan, then (once one is chosen) a desa, and words.

    The desa list shows the villages of the chosen kecamatan only, so the page stays light and the
    filter works without JavaScript: choose a kecamatan, press Tampilkan, then choose a desa.
    """

    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False, choices=())
    desa = forms.ChoiceField(label=gettext_lazy("Desa/kelurahan"), required=False, choices=())
    q = forms.CharField(
        label=gettext_lazy("Cari nama, alamat, atau layanan"),
        required=False,
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs=input_attrs(type="search", autocomplete="off")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.districts = {region.code: region for region in district_list()}
        kecamatan = self.fields["kecamatan"]
        assert isinstance(kecamatan, forms.ChoiceField)
        kecamatan.choices = [("", _("Semua kecamatan")), *[(c, r.name) for c, r in self.districts.items()]]
        chosen = self.data.get("kecamatan", "") if self.is_bound else ""
        self.villages = (
            {r.code: r for r in village_list(district_code=chosen)} if chosen in self.districts else {}
        )
        desa = self.fields["desa"]
        assert isinstance(desa, forms.ChoiceField)
        desa.choices = [("", _("Semua desa/kelurahan")), *[(c, r.name) for c, r in self.villages.items()]]
        for name in ("kecamatan", "desa"):
            self.fields[name].widget.attrs["class"] = "input"
        self.fields["desa"].error_messages["invalid_choice"] = _(
            "Pilih desa/kelurahan dari daftar kecamatan yang dipilih."
        )
        self.fields["kecamatan"].error_messages["invalid_choice"] = _("Pilih kecamatan dari daftar.")

    def clean_q(self) -> str:
        return whitespace_normalize(self.cleaned_data.get("q") or "")

    def place(self) -> tuple[Region | None, Region | None]:
        """(kecamatan, desa) chosen, each None when not."""
        if not self.is_valid():
            return None, None
        kecamatan = self.districts.get(self.cleaned_data.get("kecamatan") or "")
        desa = self.villages.get(self.cleaned_data.get("desa") or "")
        return kecamatan, desa


class PointStaffForm(forms.ModelForm[ServicePoint]):
    """What the office's operator keeps current."""

    class Meta:
        model = ServicePoint
        fields = STAFF_FIELDS
        widgets = {
            "address": forms.TextInput(attrs=input_attrs()),
            "hours": forms.Textarea(attrs=input_attrs(rows="4")),
            "services_text": forms.Textarea(attrs=input_attrs(rows="5")),
            "phone": forms.TextInput(attrs=input_attrs(type="tel", autocomplete="off")),
            "latitude": forms.NumberInput(attrs=input_attrs(step="0.000001")),
            "longitude": forms.NumberInput(attrs=input_attrs(step="0.000001")),
        }

    def clean_hours(self) -> str:
        return whitespace_normalize(self.cleaned_data.get("hours") or "", multiline=True)

    def clean_services_text(self) -> str:
        return whitespace_normalize(self.cleaned_data.get("services_text") or "", multiline=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."))
        return data


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AnnouncementForm(forms.Form):
    """An announcement: shown from the start of one day (WIB) to the end of another (optional)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis pengumuman"), choices=Announcement.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=gettext_lazy("Judul"), max_length=120, widget=forms.TextInput(attrs=input_attrs())
    )
    body = forms.CharField(
        label=gettext_lazy("Isi"),
        max_length=REASON_MAX,
        help_text=gettext_lazy(
            "Tulis singkat dan jelas: apa yang berubah, kapan, dan apa yang perlu dilakukan warga."
        ),
        widget=forms.Textarea(attrs=input_attrs(rows="5")),
    )
    starts_on = FlexibleDateField(label=gettext_lazy("Tampil mulai tanggal"))
    ends_on = FlexibleDateField(
        label=gettext_lazy("Tampil sampai tanggal"),
        required=False,
        help_text=gettext_lazy("Termasuk hari itu. Kosongkan bila tidak ada batasnya."),
    )
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submit_key", uuid.uuid4())
        kwargs["initial"].setdefault("starts_on", timezone.localdate())
        kwargs["initial"].setdefault("kind", Announcement.Kind.OTHER)
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Tulis judul pengumuman.")
        self.fields["body"].error_messages["required"] = _("Tulis isi pengumuman.")
        self.fields["starts_on"].error_messages["required"] = _("Isi tanggal mulai tampil.")
        self.fields["kind"].error_messages["required"] = _("Pilih jenis pengumuman.")

    @classmethod
    def initial_of(cls, announcement: Announcement) -> dict[str, Any]:
        ends_on = None
        if announcement.ends_at is not None:
            ends_on = timezone.localdate(announcement.ends_at - timedelta(seconds=1))
        return {
            "kind": announcement.kind,
            "title": announcement.title,
            "body": announcement.body,
            "starts_on": timezone.localdate(announcement.starts_at),
            "ends_on": ends_on,
        }

    def clean_title(self) -> str:
        return whitespace_normalize(self.cleaned_data.get("title") or "")

    def clean_body(self) -> str:
        return whitespace_normalize(self.cleaned_data.get("body") or "", multiline=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Tanggal selesai tampil tidak boleh sebelum tanggal mulai."))
        return data

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        ends_on = data.get("ends_on")
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "starts_at": _day_start(data["starts_on"]),
            "ends_at": _day_start(ends_on + timedelta(days=1)) if ends_on else None,
        }


class SubscribeForm(forms.Form):
    """Which announcements to hear of: those for one kecamatan, or for the whole regency."""

    wilayah = forms.ChoiceField(label=gettext_lazy("Kabari saya tentang pengumuman untuk"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regency = regency_get()
        self.regions = {region.code: region for region in district_list()}
        choices: list[tuple[str, str]] = []
        if regency is not None:
            self.regions[regency.code] = regency
            choices.append((regency.code, _("Seluruh kabupaten (semua kantor)")))
        choices += [
            (code, _("Kecamatan %(name)s") % {"name": r.name})
            for code, r in self.regions.items()
            if r != regency
        ]
        field = self.fields["wilayah"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.widget.attrs["class"] = "input"
        field.error_messages["required"] = _("Pilih wilayah.")
        field.error_messages["invalid_choice"] = _("Pilih wilayah dari daftar.")

    def region(self) -> Region:
        return self.regions[self.cleaned_data["wilayah"]]
