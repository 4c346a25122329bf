"""Forms of notifications: the person's preferences, and the delivery log's search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layanan.notifications.events import EVENTS
from layanan.notifications.models import Channel, MessageStatus

ORDER_CHOICES = [
    ("whatsapp,sms,email", _("WhatsApp, lalu SMS, lalu email")),
    ("sms,whatsapp,email", _("SMS, lalu WhatsApp, lalu email")),
    ("email,whatsapp,sms", _("Email, lalu WhatsApp, lalu SMS")),
    ("email,sms,whatsapp", _("Email, lalu SMS, lalu WhatsApp")),
    ("whatsapp,email,sms", _("WhatsApp, lalu email, lalu SMS")),
    ("sms,email,whatsapp", _("SMS, lalu email, lalu WhatsApp")),
]


class PreferenceForm(forms.Form):
    order = forms.ChoiceField(label=_("Urutan saluran"), choices=ORDER_CHOICES, widget=forms.RadioSelect)
    whatsapp = forms.BooleanField(label=_("WhatsApp"), required=False)
    sms = forms.BooleanField(label=_("SMS"), required=False)
    email = forms.BooleanField(label=_("Email"), required=False)
    optional_messages = forms.BooleanField(
        label=_("Kirimi saya juga survei kepuasan dan pesan tambahan lain"), required=False
    )

    def __init__(self, *args: Any, has_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_email = has_email
        if not has_email:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("Isi alamat email di akun Anda dulu.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.has_email:
            data["email"] = False
        if not (data.get("whatsapp") or data.get("sms") or data.get("email")):
            raise forms.ValidationError(
                _("Pilih paling sedikit satu saluran, agar kabar tentang permohonan dan laporan Anda sampai.")
            )
        return data


class MessageLogForm(forms.Form):
    tracking_number = forms.CharField(label=_("Nomor lacak"), required=False, max_length=40)
    phone = forms.CharField(
        label=_("Nomor HP"),
        required=False,
        max_length=20,
        help_text=_("Pesan tentang laporan tidak ditemukan lewat nomor HP: pelapor tetap terlindungi."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua")), *MessageStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Saluran"), required=False, choices=[("", _("Semua")), *Channel.choices]
    )
    event = forms.ChoiceField(
        label=_("Peristiwa"), required=False, choices=[("", _("Semua"))] + [(k, k) for k in sorted(EVENTS)]
    )
    day_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    day_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "before":
                field.widget.attrs.setdefault("class", "input")
