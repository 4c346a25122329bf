"""The letterhead form: what an office's own staff may change about how its letters look."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from layanan.agencies.letterhead import LINES_MAX
from layanan.agencies.models import Office
from layanan.agencies.services import LETTERHEAD_FIELDS

LINE_MAX = 80
PHONE = re.compile(r"^[0-9()+\-. ]{5,40}$")


class LetterheadForm(forms.ModelForm[Office]):
    """Letterhead lines, address, phone, email, the head's title and the letter code of one office."""

    class Meta:
        model = Office
        fields = LETTERHEAD_FIELDS
        widgets = {
            "letterhead_lines": forms.Textarea(attrs={"rows": 4}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean_letterhead_lines(self) -> str:
        text: str = self.cleaned_data.get("letterhead_lines") or ""
        lines = [" ".join(line.split()) for line in text.splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > LINES_MAX:
            raise forms.ValidationError(
                _("Kop surat paling banyak %(max)d baris; Anda menulis %(count)d.")
                % {"max": LINES_MAX, "count": len(lines)}
            )
        if any(len(line) > LINE_MAX for line in lines):
            raise forms.ValidationError(
                _("Setiap baris kop surat paling banyak %(max)d huruf.") % {"max": LINE_MAX}
            )
        return "\n".join(lines)

    def clean_address(self) -> str:
        return " ".join((self.cleaned_data.get("address") or "").split())

    def clean_phone(self) -> str:
        phone = " ".join((self.cleaned_data.get("phone") or "").split())
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Tulis nomor telepon kantor dengan angka, misalnya (0724) 21000."))
        return phone

    def clean_head_title(self) -> str:
        return " ".join((self.cleaned_data.get("head_title") or "").split())

    def clean_letter_code(self) -> str:
        code = (self.cleaned_data.get("letter_code") or "").strip().upper()
        if code and not re.fullmatch(r"[A-Z0-9]+(?:[.-][A-Z0-9]+)*", code):
            raise forms.ValidationError(
                _(
                    "Tulis kode surat dengan huruf dan angka, boleh dipisah titik atau tanda hubung, "
                    "misalnya TJR."
                )
            )
        return code
