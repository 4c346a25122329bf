"""The visitor's vote and problem forms, and the product page's filter, tag and change forms."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from layanan.feedback.models import PAGE_NAME_MAX, PROBLEM_MAX, TRYING_MAX, PlatformChange, Tag
from layanan.feedback.selectors import Filters, page_name_valid, tags_active

VOTE_SALT = "layanan.feedback.vote"
VOTE_TOKEN_SECONDS = 60 * 60  # the thank-you page's problem form joins its vote for an hour


def vote_token(feedback_id: int) -> str:
    """The signed id of a vote, carried by the thank-you page's problem form (not personal)."""
    return signing.dumps(feedback_id, salt=VOTE_SALT)


def vote_from_token(token: str) -> int | None:
    if not token:
        return None
    try:
        value = signing.loads(token, salt=VOTE_SALT, max_age=VOTE_TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


class VoteForm(forms.Form):
    laman = forms.CharField(max_length=PAGE_NAME_MAX)
    membantu = forms.ChoiceField(choices=[("ya", _("Ya")), ("tidak", _("Tidak"))])
    next = forms.CharField(required=False, max_length=2000)

    def clean_laman(self) -> str:
        name: str = self.cleaned_data["laman"]
        if not page_name_valid(name):
            raise forms.ValidationError(_("Halaman ini tidak dikenal."))
        return name

    @property
    def helpful(self) -> bool:
        return self.cleaned_data["membantu"] == "ya"


class ProblemForm(forms.Form):
    trying = forms.CharField(
        label=_("Apa yang ingin Anda lakukan?"),
        required=False,
        max_length=TRYING_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
        error_messages={"max_length": _("Tulis paling banyak %(limit_value)d huruf di sini.")},
    )
    problem = forms.CharField(
        label=_("Apa yang tidak berjalan?"),
        required=False,
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "input"}),
        error_messages={"max_length": _("Tulis paling banyak %(limit_value)d huruf di sini.")},
    )
    laman = forms.CharField(required=False, max_length=PAGE_NAME_MAX, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    suara = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].help_text = _(
            "Jangan tulis NIK, nomor HP, atau alamat email: masukan ini tidak dibalas, dan angka seperti "
            "itu kami samarkan. Untuk mengadukan sebuah layanan, gunakan menu Lapor."
        )

    def clean_laman(self) -> str:
        name: str = self.cleaned_data.get("laman") or ""
        return name if page_name_valid(name) else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not (cleaned.get("trying", "").strip() or cleaned.get("problem", "").strip()):
            raise forms.ValidationError(
                _("Tulis dulu apa yang ingin Anda lakukan atau apa yang tidak berjalan.")
            )
        return cleaned

    @property
    def vote_id(self) -> int | None:
        return vote_from_token(self.cleaned_data.get("suara") or "")


ANSWERS = [
    ("", _("Semua")),
    ("ya", _("Ya (membantu)")),
    ("tidak", _("Tidak (tidak membantu)")),
    ("kosong", _("Laporan masalah tanpa jawaban")),
]


class FilterForm(forms.Form):
    laman = forms.CharField(
        label=_("Halaman (nama)"),
        required=False,
        max_length=PAGE_NAME_MAX,
        widget=forms.TextInput(attrs={"class": "input", "placeholder": "catalogue:detail"}),
    )
    dari = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input input--short"}),
        error_messages={"invalid": _("Tulis tanggal seperti 2026-01-31.")},
    )
    sampai = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input input--short"}),
        error_messages={"invalid": _("Tulis tanggal seperti 2026-01-31.")},
    )
    jawaban = forms.ChoiceField(
        label=_("Jawaban"), required=False, choices=ANSWERS, widget=forms.Select(attrs={"class": "input"})
    )
    label = forms.ModelChoiceField(
        label=_("Label"),
        required=False,
        queryset=Tag.objects.none(),
        to_field_name="slug",
        empty_label=_("— semua label —"),
        widget=forms.Select(attrs={"class": "input"}),
        error_messages={"invalid_choice": _("Label ini tidak dikenal.")},
    )
    teks = forms.BooleanField(label=_("Hanya yang berisi tulisan"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = self.fields["label"]
        assert isinstance(label, forms.ModelChoiceField)
        label.queryset = Tag.objects.all()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("dari"), cleaned.get("sampai")
        if isinstance(since, date) and isinstance(until, date) and since > until:
            self.add_error("sampai", _("Tanggal akhir harus sesudah tanggal awal."))
        return cleaned

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            page=(data.get("laman") or "").strip(),
            since=data.get("dari"),
            until=data.get("sampai"),
            answer=data.get("jawaban") or "",
            tag=data.get("label"),
            with_text=bool(data.get("teks")),
        )


class TagForm(forms.Form):
    label = forms.ModelMultipleChoiceField(
        label=_("Label"),
        required=False,
        queryset=Tag.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Label ini tidak dikenal.")},
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["label"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = tags_active()


class PlatformChangeForm(forms.ModelForm[PlatformChange]):
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = PlatformChange
        fields = ["date", "title", "description", "title_en", "description_en", "pages", "tags"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date", "class": "input input--short"}),
            "title": forms.TextInput(attrs={"class": "input"}),
            "title_en": forms.TextInput(attrs={"class": "input"}),
            "description": forms.Textarea(attrs={"rows": 4, "class": "input"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "class": "input"}),
            "pages": forms.TextInput(attrs={"class": "input"}),
            "tags": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "date": {
                "required": _("Isi tanggal perubahan."),
                "invalid": _("Tulis tanggal seperti 2026-01-31."),
            },
            "title": {
                "required": _("Isi judul perubahan."),
                "max_length": _("Judul paling banyak %(limit_value)d huruf."),
            },
            "description": {
                "required": _("Jelaskan apa yang berubah."),
                "max_length": _("Uraian paling banyak %(limit_value)d huruf."),
            },
            "title_en": {"max_length": _("Judul paling banyak %(limit_value)d huruf.")},
            "description_en": {"max_length": _("Uraian paling banyak %(limit_value)d huruf.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submit_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        tags = self.fields["tags"]
        assert isinstance(tags, forms.ModelMultipleChoiceField)
        tags.queryset = tags_active()
        tags.required = False

    def clean_pages(self) -> str:
        names = [name.strip() for name in (self.cleaned_data.get("pages") or "").split(",") if name.strip()]
        unknown = [name for name in names if not page_name_valid(name)]
        if unknown:
            raise forms.ValidationError(
                _("Nama halaman ini tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return ", ".join(names)
