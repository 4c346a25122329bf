from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layanan.privacy.models import Purpose, RequestKind

DATA_ITEMS = (
    ("name", _("Nama")),
    ("phone", _("Nomor HP")),
    ("email", _("Email")),
    ("identity", _("NIK atau nomor KK")),
    ("birth", _("Tanggal lahir atau jenis kelamin")),
    ("region", _("Desa/kelurahan tempat tinggal")),
    ("application", _("Isi permohonan")),
    ("report", _("Isi laporan")),
    ("other", _("Lainnya")),
)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Apa yang Anda minta?"),
        choices=[
            (RequestKind.CORRECTION, RequestKind.CORRECTION.label),
            (RequestKind.DELETION, RequestKind.DELETION.label),
        ],
        widget=forms.RadioSelect,
    )
    items = forms.MultipleChoiceField(
        label=_("Data yang dimaksud"), choices=DATA_ITEMS, required=False, widget=forms.CheckboxSelectMultiple
    )
    details = forms.CharField(
        label=_("Keterangan"),
        help_text=_("Untuk perbaikan: tuliskan data yang salah dan yang benar. Jangan menulis NIK lengkap."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    understood = forms.BooleanField(
        label=_("Saya mengerti bahwa penghapusan tidak dapat dibatalkan dan akun saya akan ditutup."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == RequestKind.CORRECTION and not (data.get("details") or "").strip():
            self.add_error("details", _("Tuliskan data mana yang salah dan apa yang benar."))
        if kind == RequestKind.DELETION and not data.get("understood"):
            self.add_error("understood", _("Centang tanda ini untuk meminta penghapusan."))
        return data


class ConsentForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for purpose in Purpose:
            self.fields[purpose.value] = forms.BooleanField(
                label=purpose.label, required=False, initial=current.get(purpose.value, True)
            )


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            ("start", _("Mulai tangani")),
            ("complete", _("Selesai")),
            ("refuse", _("Tolak")),
            ("erase", _("Hapus dan anonimkan data")),
        ]
    )
    answer = forms.CharField(
        label=_("Jawaban untuk warga"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
