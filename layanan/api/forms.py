from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layanan.api.models import Scope

LIVES = ((30, _("30 hari")), (90, _("90 hari")), (365, _("1 tahun")))


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=80,
        help_text=_("Untuk Anda kenali nanti, misalnya nama aplikasi atau sistem yang memakainya."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Izin"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih paling sedikit satu izin.")},
    )
    days = forms.TypedChoiceField(label=_("Berlaku selama"), choices=LIVES, coerce=int, initial=90)

    def __init__(self, *args: Any, allowed: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scopes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(scope.value, scope.label) for scope in Scope if scope.value in allowed]
