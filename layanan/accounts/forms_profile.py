"""Forms of the profile page: the name, the password (GOV.UK: a label, a hint, one error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from layanan.accounts.forms import _input
from layanan.accounts.models import User


class FullNameForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nama lengkap"),
        help_text=_("Sesuai KTP-el."),
        max_length=160,
        error_messages={"required": _("Masukkan nama lengkap Anda.")},
        widget=forms.TextInput(attrs=_input(autocomplete="name")),
    )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Masukkan nama lengkap Anda."), code="required")
        return name


class PasswordChangeForm(forms.Form):
    """The current password, then the new one twice; checked against the account itself."""

    current_password = forms.CharField(
        label=_("Kata sandi sekarang"),
        strip=False,
        max_length=256,
        error_messages={"required": _("Masukkan kata sandi Anda sekarang.")},
        widget=forms.PasswordInput(attrs=_input(autocomplete="current-password")),
    )
    new_password1 = forms.CharField(
        label=_("Kata sandi baru"),
        help_text=_("Paling sedikit 10 karakter. Jangan memakai nomor HP atau tanggal lahir."),
        strip=False,
        max_length=256,
        error_messages={"required": _("Buat kata sandi baru.")},
        widget=forms.PasswordInput(attrs=_input(autocomplete="new-password")),
    )
    new_password2 = forms.CharField(
        label=_("Ulangi kata sandi baru"),
        strip=False,
        max_length=256,
        error_messages={"required": _("Ketik kata sandi baru sekali lagi.")},
        widget=forms.PasswordInput(attrs=_input(autocomplete="new-password")),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        value: str = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise ValidationError(
                _("Kata sandi sekarang salah. Periksa lagi, lalu coba kembali."), code="wrong_password"
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2", ValidationError(_("Kedua kata sandi baru tidak sama."), code="mismatch")
            )
        elif first:
            try:
                validate_password(first, self.user)
            except ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned
