"""Sign-in, sign-out, the second factor and registration (the profile: views_profile). Thin."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from layanan.accounts import ratelimit, services, totp
from layanan.accounts.forms import (
    RegisterForm,
    SecondFactorForm,
    SetupSecondFactorForm,
    SignInForm,
)
from layanan.accounts.models import User
from layanan.accounts.phone import normalize_phone


def _given_next(request: HttpRequest) -> str:
    """The ``next`` the request carries when it is a safe, local address; else ``""``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request: HttpRequest) -> str:
    return _given_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _keeping_next(url_name: str, next_url: str) -> str:
    """``url_name``'s address, carrying ``next_url`` along when there is one."""
    return _with_next(url_name, next_url) if next_url else resolve_url(url_name)


def _with_next(url_name: str, next_url: str) -> str:
    return resolve_url(url_name) + "?" + urlencode({"next": next_url})


def _wait_message(seconds: int) -> str:
    minutes = ratelimit.minutes_text(seconds)
    return ngettext(
        "Terlalu banyak percobaan yang salah. Demi keamanan, coba lagi dalam %(minutes)d menit.",
        "Terlalu banyak percobaan yang salah. Demi keamanan, coba lagi dalam %(minutes)d menit.",
        minutes,
    ) % {"minutes": minutes}


def _current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = ratelimit.client_address(request)
        subject = form.account_subject()
        wait = max(
            ratelimit.SIGN_IN_PER_ADDRESS.wait_seconds(address),
            ratelimit.SIGN_IN_PER_ACCOUNT.wait_seconds(subject),
        )
        if wait:
            services.user_sign_in_fail(request=request, user=None, reason="rate_limited", via=form.via)
            form.add_error(None, _wait_message(wait))
        else:
            user = authenticate(
                request, username=form.cleaned_data["identifier"], password=form.cleaned_data["password"]
            )
            if isinstance(user, User):
                ratelimit.SIGN_IN_PER_ACCOUNT.reset(subject)
                services.user_sign_in(request=request, user=user)
                if user.needs_second_factor:
                    target = (
                        "accounts:verify"
                        if services.has_confirmed_second_factor(user)
                        else "accounts:setup_2fa"
                    )
                    return HttpResponseRedirect(_with_next(target, next_url))
                return HttpResponseRedirect(next_url)
            ratelimit.SIGN_IN_PER_ADDRESS.fail(address)
            ratelimit.SIGN_IN_PER_ACCOUNT.fail(subject)
            services.user_sign_in_fail(
                request=request,
                user=_named_account(form.cleaned_data["identifier"]),
                reason="invalid_credentials",
                via=form.via,
            )
            form.add_error(
                None,
                _("Nomor HP/email atau kata sandi salah. Periksa lagi, lalu coba kembali."),
            )
    context = {
        "form": form,
        "next": next_url,
        "register_url": _keeping_next("accounts:register", _given_next(request)),
    }
    return render(request, "accounts/sign_in.html", context)


def _named_account(identifier: str) -> User | None:
    """The account an identifier names, for the audit log only (never shown)."""
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    try:
        return User.objects.filter(phone=normalize_phone(identifier)).first()
    except ValidationError:
        return None


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.user_sign_out(request=request)
    messages.success(request, _("Anda sudah keluar."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("code")
@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    next_url = _next_url(request)
    if not user.needs_second_factor or request.session.get(services.SECOND_FACTOR_SESSION_KEY):
        return HttpResponseRedirect(next_url)
    if not services.has_confirmed_second_factor(user):
        return HttpResponseRedirect(_with_next("accounts:setup_2fa", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = str(user.pk)
        wait = ratelimit.SECOND_FACTOR_PER_USER.wait_seconds(subject)
        if wait:
            form.add_error("code", _wait_message(wait))
        else:
            result = services.second_factor_verify(request=request, user=user, code=form.cleaned_data["code"])
            if result.outcome.ok:
                ratelimit.SECOND_FACTOR_PER_USER.reset(subject)
                if result.recovery_codes_left is not None:
                    messages.warning(
                        request,
                        ngettext(
                            "Anda memakai kode pemulihan. Tersisa %(count)d kode.",
                            "Anda memakai kode pemulihan. Tersisa %(count)d kode.",
                            result.recovery_codes_left,
                        )
                        % {"count": result.recovery_codes_left},
                    )
                return HttpResponseRedirect(next_url)
            ratelimit.SECOND_FACTOR_PER_USER.fail(subject)
            if result.outcome is services.VerifyOutcome.REUSED:
                message = _(
                    "Kode ini sudah dipakai. Tunggu kode berikutnya muncul di aplikasi, lalu coba lagi."
                )
            else:
                message = _("Kode salah atau sudah kedaluwarsa. Periksa jam ponsel Anda, lalu coba lagi.")
            form.add_error("code", message)
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
@login_required
def setup_second_factor(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    next_url = _next_url(request)
    if not user.needs_second_factor:
        raise PermissionDenied
    verified = bool(request.session.get(services.SECOND_FACTOR_SESSION_KEY))
    if not verified and services.has_confirmed_second_factor(user):
        # Only the password so far: replacing an authenticator needs the current one first.
        return HttpResponseRedirect(_with_next("accounts:verify", next_url))
    factor = services.second_factor_begin_setup(user=user)
    form = SetupSecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = str(user.pk)
        wait = ratelimit.SECOND_FACTOR_PER_USER.wait_seconds(subject)
        if wait:
            form.add_error("code", _wait_message(wait))
        else:
            codes = services.second_factor_confirm_setup(
                request=request, user=user, code=form.cleaned_data["code"]
            )
            if codes is not None:
                ratelimit.SECOND_FACTOR_PER_USER.reset(subject)
                return render(
                    request,
                    "accounts/setup_done.html",
                    {"codes": [totp.format_recovery_code(code) for code in codes], "next": next_url},
                )
            ratelimit.SECOND_FACTOR_PER_USER.fail(subject)
            form.add_error(
                "code",
                _("Kode tidak cocok. Periksa bahwa jam ponsel Anda tepat, lalu masukkan kode terbaru."),
            )
    secret = factor.pending_secret
    uri = totp.provisioning_uri(secret, account="0" + user.phone.removeprefix("+62"))
    context = {
        "form": form,
        "next": next_url,
        "secret_grouped": totp.group_secret(secret),
        "qr_svg": totp.qr_svg(uri, label=_("Kode QR untuk aplikasi autentikator")),
        "replacing": services.has_confirmed_second_factor(user),
    }
    return render(request, "accounts/setup.html", context)


@sensitive_post_parameters("password1", "password2", "nik")
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    next_url = _given_next(request)
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        address = ratelimit.client_address(request)
        wait = ratelimit.REGISTER_PER_ADDRESS.wait_seconds(address)
        if wait:
            form.is_valid()
            form.add_error(None, _wait_message(wait))
        elif form.is_valid():
            ratelimit.REGISTER_PER_ADDRESS.fail(address)
            data = form.cleaned_data
            try:
                user = services.citizen_register(
                    full_name=data["full_name"],
                    phone=data["phone"],
                    email=data["email"] or None,
                    password=data["password1"],
                    nik=data.get("nik") or None,
                    home_region=data["home_region"],
                    request=request,
                )
            except services.DuplicateAccountError as error:
                form.add_error(
                    error.field,
                    _("Nomor HP ini sudah terdaftar. Silakan masuk dengan nomor ini.")
                    if error.field == "phone"
                    else _("Email ini sudah terdaftar. Silakan masuk, atau kosongkan email."),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                services.user_sign_in(request=request, user=user)
                messages.success(
                    request, _("Akun Anda sudah dibuat. Selamat datang, %(name)s.") % {"name": user.full_name}
                )
                for warning in form.identity_warnings:
                    messages.info(request, warning)
                return HttpResponseRedirect(next_url or resolve_url("accounts:profile"))
        else:
            ratelimit.REGISTER_PER_ADDRESS.fail(address)
    context = {"form": form, "next": next_url, "login_url": _keeping_next("accounts:login", next_url)}
    return render(request, "accounts/register.html", context)
