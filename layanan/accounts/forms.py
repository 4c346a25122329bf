"""Forms of the sign-in, second-factor and registration pages (GOV.UK: a label, a hint, one error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from layanan.accounts import totp
from layanan.accounts.models import User
from layanan.accounts.phone import normalize_phone
from layanan.identity.forms import NikField, identity_warnings
from layanan.regions.forms import village_choices
from layanan.regions.models import Region
from layanan.regions.selectors import region_get


def _input(**attrs: str) -> dict[str, str]:
    return {"class": "input", **attrs}


class SignInForm(forms.Form):
    identifier = forms.CharField(
        label=_("Nomor HP atau email"),
        help_text=_("Nomor HP seperti 0812 3456 7890, atau alamat email yang Anda daftarkan."),
        max_length=254,
        error_messages={"required": _("Masukkan nomor HP atau email Anda.")},
        widget=forms.TextInput(
            attrs=_input(autocomplete="username", spellcheck="false", autocapitalize="none")
        ),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        max_length=256,
        error_messages={"required": _("Masukkan kata sandi Anda.")},
        widget=forms.PasswordInput(attrs=_input(autocomplete="current-password")),
    )

    @property
    def via(self) -> str:
        return "email" if "@" in self.cleaned_data.get("identifier", "") else "phone"


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Kode keamanan"),
        help_text=_(
            "6 angka dari aplikasi autentikator di ponsel Anda. Jika ponsel Anda hilang, "
            "masukkan salah satu kode pemulihan."
        ),
        max_length=32,
        error_messages={"required": _("Masukkan kode keamanan.")},
        widget=forms.TextInput(
            attrs=_input(autocomplete="one-time-code", spellcheck="false", autocapitalize="none")
        ),
    )

    def clean_code(self) -> str:
        code = totp.normalize_code(self.cleaned_data["code"])
        if not (totp.is_totp_shaped(code) or totp.is_recovery_shaped(code)):
            raise ValidationError(
                _("Masukkan 6 angka dari aplikasi autentikator, atau kode pemulihan seperti abcde-fghjk."),
                code="shape",
            )
        return code


class SetupSecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Kode dari aplikasi"),
        help_text=_("6 angka yang sekarang tampil di aplikasi autentikator."),
        max_length=16,
        error_messages={"required": _("Masukkan 6 angka dari aplikasi autentikator.")},
        widget=forms.TextInput(
            attrs=_input(autocomplete="one-time-code", inputmode="numeric", spellcheck="false")
        ),
    )

    def clean_code(self) -> str:
        code = totp.normalize_code(self.cleaned_data["code"])
        if not totp.is_totp_shaped(code):
            raise ValidationError(_("Kode terdiri dari 6 angka, misalnya 123456."), code="shape")
        return code


def _attrs_html(attrs: dict[str, Any]) -> SafeString:
    """Django's ``attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class GroupedSelect(forms.Select):
    """Django's Select, written in Python instead of one template include per option.

    The same HTML, character for character (a test compares them), for a select of some 250
    desa/kelurahan: Django's templates cost about 55 ms of the sign-up page's 70 here.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>\n',
                ((str(o["value"]), _attrs_html(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                html = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, html)
            groups.append((html,))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attrs_html(widget["attrs"]),
            format_html_join("", "{}", groups),
        )


class HomeRegionField(forms.ChoiceField):
    """The desa/kelurahan a person lives in: the regency's villages grouped by kecamatan.

    Cleans to the :class:`Region`. The leaders' counts per kecamatan are made of it.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Desa/kelurahan tempat tinggal"))
        kwargs.setdefault(
            "help_text",
            _("Tempat Anda tinggal sekarang. Pilih kecamatan dulu, lalu desa/kelurahannya."),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Pilih desa/kelurahan tempat tinggal Anda."),
                "invalid_choice": _("Pilih desa/kelurahan dari daftar."),
            },
        )
        super().__init__(choices=village_choices, widget=GroupedSelect(attrs=_input()), **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> HomeRegionField:
        """Each form's copy reads the villages once: with the callable, rendering the select read
        them twice (the options, and the first option for ``required``), and a POST once more."""
        field = super().__deepcopy__(memo)
        field.choices = village_choices()
        return field

    def clean(self, value: Any) -> Region | None:
        code = super().clean(value)
        if not code:
            return None
        region = region_get(code)
        if region is None or region.level != Region.Level.VILLAGE:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region


class HomeRegionForm(forms.Form):
    """The profile's one editable answer: where the person lives."""

    home_region = HomeRegionField()


def _phone_channels() -> list[tuple[str, str]]:
    names = {"sms": _("SMS"), "whatsapp": _("WhatsApp")}
    configured = [c for c in ("sms", "whatsapp") if c in settings.NOTIFY_CHANNELS]
    return [(c, str(names[c])) for c in configured or ["sms"]]


class ChannelField(forms.ChoiceField):
    """SMS or WhatsApp: how the person wants the code (SMS when not given)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Kirim kode lewat"))
        kwargs.setdefault("required", False)
        super().__init__(choices=_phone_channels, widget=forms.RadioSelect, initial="sms", **kwargs)

    def clean(self, value: Any) -> str:
        return super().clean(value) or "sms"


class CodeRequestForm(forms.Form):
    """Who asks for a code: a phone number or an email, and the channel for a phone."""

    identifier = forms.CharField(
        label=_("Nomor HP atau email"),
        help_text=_("Nomor HP seperti 0812 3456 7890, atau alamat email akun Anda."),
        max_length=254,
        error_messages={"required": _("Masukkan nomor HP atau email Anda.")},
        widget=forms.TextInput(
            attrs=_input(autocomplete="username", spellcheck="false", autocapitalize="none")
        ),
    )
    channel = ChannelField()

    def clean_identifier(self) -> str:
        raw: str = self.cleaned_data["identifier"].strip()
        if "@" in raw:
            try:
                forms.EmailField().clean(raw)
            except ValidationError:
                raise ValidationError(
                    _("Tulis alamat email seperti nama@contoh.id."), code="invalid_email"
                ) from None
            return raw.lower()
        return normalize_phone(raw)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode"),
        help_text=_("Angka dari pesan yang kami kirim. Berlaku 10 menit."),
        max_length=16,
        required=False,
        widget=forms.TextInput(
            attrs=_input(autocomplete="one-time-code", inputmode="numeric", spellcheck="false")
        ),
    )

    def __init__(self, *args: Any, resend: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resend = resend

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data.get("code", "") if ch.isdigit())
        if self.resend:
            return code
        if not code:
            raise ValidationError(_("Masukkan kode dari pesan yang kami kirim."), code="required")
        if len(code) != settings.OTP_DIGITS:
            raise ValidationError(
                _("Kode terdiri dari %(digits)d angka.") % {"digits": settings.OTP_DIGITS}, code="shape"
            )
        return code


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Kata sandi baru"),
        help_text=_("Paling sedikit 10 karakter. Jangan memakai nomor HP atau tanggal lahir."),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs=_input(autocomplete="new-password")),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi baru"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs=_input(autocomplete="new-password")),
    )


class ResetCodeForm(CodeForm, NewPasswordMixin):
    """The code and the new password in one step."""

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.resend:
            return cleaned
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if not first:
            self.add_error("password1", ValidationError(_("Buat kata sandi baru."), code="required"))
        elif first != second:
            self.add_error("password2", ValidationError(_("Kedua kata sandi tidak sama."), code="mismatch"))
        else:
            try:
                validate_password(first, self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PhoneChangeForm(forms.Form):
    phone = forms.CharField(
        label=_("Nomor HP baru"),
        help_text=_("Kami mengirim kode ke nomor ini. Contoh: 0812 3456 7890."),
        max_length=32,
        error_messages={"required": _("Masukkan nomor HP baru Anda.")},
        widget=forms.TextInput(attrs=_input(autocomplete="tel", inputmode="tel", type="tel")),
    )
    channel = ChannelField()

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class ProvePhoneForm(forms.Form):
    channel = ChannelField()


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Email baru"),
        help_text=_("Kami mengirim kode ke alamat ini."),
        error_messages={
            "required": _("Masukkan alamat email baru Anda."),
            "invalid": _("Tulis alamat email seperti nama@contoh.id."),
        },
        widget=forms.EmailInput(attrs=_input(autocomplete="email", spellcheck="false")),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        return email


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nama lengkap"),
        help_text=_("Sesuai KTP-el."),
        max_length=160,
        error_messages={"required": _("Masukkan nama lengkap Anda.")},
        widget=forms.TextInput(attrs=_input(autocomplete="name")),
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        help_text=_("Untuk masuk dan menerima kabar layanan. Contoh: 0812 3456 7890."),
        max_length=32,
        error_messages={"required": _("Masukkan nomor HP Anda.")},
        widget=forms.TextInput(attrs=_input(autocomplete="tel", inputmode="tel", type="tel")),
    )
    email = forms.EmailField(
        label=_("Email (tidak wajib)"),
        required=False,
        error_messages={"invalid": _("Tulis alamat email seperti nama@contoh.id.")},
        widget=forms.EmailInput(attrs=_input(autocomplete="email", spellcheck="false")),
    )
    home_region = HomeRegionField()
    nik = NikField(
        required=False,
        label=_("NIK (tidak wajib)"),
        help_text=_("16 angka di KTP-el atau Kartu Keluarga. Bisa diisi nanti."),
    )
    password1 = forms.CharField(
        label=_("Kata sandi"),
        help_text=_("Paling sedikit 10 karakter. Jangan memakai nomor HP atau tanggal lahir."),
        strip=False,
        error_messages={"required": _("Buat kata sandi.")},
        widget=forms.PasswordInput(attrs=_input(autocomplete="new-password")),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        error_messages={"required": _("Ketik kata sandi sekali lagi.")},
        widget=forms.PasswordInput(attrs=_input(autocomplete="new-password")),
    )
    channel = ChannelField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nik"].widget.attrs.update(_input())
        self.identity_warnings: list[str] = []

    # Whether a number or an email is registered is never said here: the code goes to the
    # number, and its owner is the one who learns it (accounts/services.registration_begin).
    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email", "").strip().lower()
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(_("Kedua kata sandi tidak sama."), code="mismatch"))
        elif first:
            candidate = User(
                full_name=cleaned.get("full_name", ""),
                phone=cleaned.get("phone", ""),
                email=cleaned.get("email"),
            )
            try:
                validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        self.identity_warnings = identity_warnings(self)
        return cleaned
