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

from layanan.accounts import otp, ratelimit, services, totp
from layanan.accounts.forms import (
    CodeForm,
    CodeRequestForm,
    EmailChangeForm,
    PhoneChangeForm,
    ProvePhoneForm,
    RegisterForm,
    ResetCodeForm,
    SecondFactorForm,
    SetupSecondFactorForm,
    SignInForm,
)
from layanan.accounts.models import OneTimeCode, User
from layanan.accounts.phone import mask_phone, normalize_phone


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
        subject = services.throttle_subject(form.cleaned_data["identifier"])
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
                if not user.phone_is_proven:
                    messages.warning(
                        request,
                        _(
                            "Nomor HP akun Anda belum terbukti: laporan dan pertanyaan yang Anda kirim "
                            "lewat SMS/WhatsApp belum masuk ke akun ini. Buktikan nomor Anda dengan kode "
                            "di halaman Profil (Buktikan nomor HP)."
                        ),
                    )
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
        "code_url": _keeping_next("accounts:sign_in_code", _given_next(request)),
        "reset_url": _keeping_next("accounts:password_reset", _given_next(request)),
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
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # The phone forgets what it kept for this person: cached pages, the outbox, the service worker
    # (docs/offline.md). Chromium honours it on HTTPS and on localhost.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


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
                issued = services.registration_begin(
                    full_name=data["full_name"],
                    phone=data["phone"],
                    email=data["email"] or None,
                    password=data["password1"],
                    nik=data.get("nik") or None,
                    home_region=data["home_region"],
                    channel=data["channel"],
                    request=request,
                )
            except otp.CodeRefused as refused:
                form.add_error(None, _code_wait_message(refused.wait_seconds))
            else:
                for warning in form.identity_warnings:
                    messages.info(request, warning)
                return _to_code_step(request, flow="register", issued=issued, next_url=next_url)
        else:
            ratelimit.REGISTER_PER_ADDRESS.fail(address)
    context = {"form": form, "next": next_url, "login_url": _keeping_next("accounts:login", next_url)}
    return render(request, "accounts/register.html", context)


# --- one-time codes: ask, enter, and what each flow does with a code that matched ---------------------

_PENDING = "accounts.otp"
# flow → (purposes its code may have, needs a signed-in user, the page to ask again)
_FLOWS: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "register": ((otp.Purpose.REGISTER,), False, "accounts:register"),
    "sign_in": ((otp.Purpose.SIGN_IN,), False, "accounts:sign_in_code"),
    "reset": ((otp.Purpose.RESET,), False, "accounts:password_reset"),
    "prove_phone": ((otp.Purpose.PROVE_PHONE,), True, "accounts:prove_phone"),
    "phone_change": ((otp.Purpose.PHONE_CHANGE,), True, "accounts:phone_change"),
    "email_change": ((otp.Purpose.EMAIL_CHANGE,), True, "accounts:email_change"),
}


def _code_wait_message(seconds: int) -> str:
    minutes = ratelimit.minutes_text(seconds)
    return ngettext(
        "Kode baru belum bisa dikirim. Coba lagi dalam %(minutes)d menit.",
        "Kode baru belum bisa dikirim. Coba lagi dalam %(minutes)d menit.",
        minutes,
    ) % {"minutes": minutes}


def _to_code_step(request: HttpRequest, *, flow: str, issued: otp.Issued, next_url: str) -> HttpResponse:
    request.session[_PENDING] = {
        "flow": flow,
        "token": issued.token,
        "masked": issued.masked,
        "next": next_url,
    }
    if issued.shown_code:
        messages.info(
            request,
            _("Mode pengembangan, tanpa gateway pesan: kodenya %(code)s.") % {"code": issued.shown_code},
        )
    return redirect("accounts:code")


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def code(request: HttpRequest) -> HttpResponse:
    """Type the code we sent (and, to reset, the new password); or ask for a new one."""
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict) or pending.get("flow") not in _FLOWS:
        return redirect("accounts:login")
    flow = str(pending["flow"])
    purposes, needs_user, ask_again = _FLOWS[flow]
    if needs_user and not isinstance(request.user, User):
        return redirect("accounts:login")
    resend = request.method == "POST" and "resend" in request.POST
    form: CodeForm
    if flow == "reset":
        owner = OneTimeCode.objects.filter(token=str(pending["token"])).select_related("user").first()
        form = ResetCodeForm(request.POST or None, resend=resend, user=owner.user if owner else None)
    else:
        form = CodeForm(request.POST or None, resend=resend)
    if request.method == "POST" and form.is_valid():
        if resend:
            try:
                issued = otp.code_reissue(token=str(pending["token"]), request=request)
            except otp.CodeRefused as refused:
                form.add_error(None, _code_wait_message(refused.wait_seconds))
            else:
                if issued is None:
                    return redirect(ask_again)
                messages.success(request, _("Kode baru sudah dikirim. Kode sebelumnya tidak berlaku lagi."))
                return _to_code_step(request, flow=flow, issued=issued, next_url=str(pending.get("next", "")))
        else:
            response = _check_code(request, form=form, flow=flow, pending=pending, purposes=purposes)
            if response is not None:
                return response
    context = {
        "form": form,
        "flow": flow,
        "masked": pending.get("masked", ""),
        "ask_again_url": resolve_url(ask_again),
    }
    return render(request, "accounts/code.html", context)


def _check_code(
    request: HttpRequest, *, form: CodeForm, flow: str, pending: dict[str, str], purposes: tuple[str, ...]
) -> HttpResponse | None:
    address = ratelimit.client_address(request)
    wait = ratelimit.OTP_CHECK_PER_ADDRESS.wait_seconds(address)
    if wait:
        form.add_error("code", _wait_message(wait))
        return None
    checked = otp.code_check(token=str(pending["token"]), code=form.cleaned_data["code"], purposes=purposes)
    if not checked.ok or checked.code is None:
        ratelimit.OTP_CHECK_PER_ADDRESS.fail(address)
        if checked.reason == "wrong" and checked.code is not None:
            services.code_check_fail(request=request, code=checked.code)
        if checked.reason in ("exhausted", "used"):
            form.add_error("code", _("Kode ini tidak bisa dipakai lagi. Minta kode baru."))
        else:
            form.add_error(
                "code", _("Kode salah atau sudah kedaluwarsa. Periksa lagi, atau minta kode baru.")
            )
        return None
    request.session.pop(_PENDING, None)
    next_url = str(pending.get("next") or "")
    row = checked.code
    try:
        return _complete(request, flow=flow, row=row, form=form, next_url=next_url)
    except (services.RegistrationRefused, PermissionDenied):
        form.add_error("code", _wrong_code())
        return None


def _wrong_code() -> str:
    return _("Kode salah atau sudah kedaluwarsa. Periksa lagi, atau minta kode baru.")


def _complete(
    request: HttpRequest, *, flow: str, row: OneTimeCode, form: CodeForm, next_url: str
) -> HttpResponse:
    if flow == "register":
        done = services.registration_complete(code=row, request=request)
        services.user_sign_in(request=request, user=done.user)
        messages.success(
            request, _("Akun Anda sudah dibuat. Selamat datang, %(name)s.") % {"name": done.user.full_name}
        )
        if done.email_dropped:
            messages.info(
                request,
                _(
                    "Email belum kami pasang di akun Anda. Anda bisa menambahkannya dari profil, "
                    "dengan kode yang kami kirim ke email itu."
                ),
            )
        if done.nik_held:
            messages.info(
                request,
                _(
                    "NIK belum terpasang di akun Anda: petugas Disdukcapil akan memeriksanya. "
                    "Bawa KTP-el bila Anda diminta datang."
                ),
            )
        return HttpResponseRedirect(next_url or resolve_url("accounts:profile"))
    if flow in ("sign_in", "reset"):
        user = row.user
        if user is None or not user.is_active:
            raise PermissionDenied
        if flow == "reset":
            services.password_reset_complete(
                code=row, password=form.cleaned_data["password1"], request=request
            )
            messages.success(
                request, _("Kata sandi baru sudah disimpan. Sesi di perangkat lain sudah diakhiri.")
            )
        else:
            services.user_sign_in(request=request, user=user)
        ratelimit.SIGN_IN_PER_ACCOUNT.reset(f"user:{user.pk}")
        target = next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
        if user.needs_second_factor:
            step = "accounts:verify" if services.has_confirmed_second_factor(user) else "accounts:setup_2fa"
            return HttpResponseRedirect(_with_next(step, target))
        return HttpResponseRedirect(target)
    user = _current_user(request)
    if flow == "prove_phone":
        services.phone_prove_complete(user=user, code=row, request=request)
        messages.success(request, _("Nomor HP Anda sudah terbukti."))
    elif flow == "phone_change":
        services.phone_change_complete(user=user, code=row, request=request)
        messages.success(request, _("Nomor HP Anda sudah diganti."))
    else:
        services.email_change_complete(user=user, code=row, request=request)
        messages.success(request, _("Email Anda sudah diganti."))
    return redirect("accounts:profile")


def _account_code(request: HttpRequest, *, flow: str, purpose: str, template: str) -> HttpResponse:
    next_url = _given_next(request)
    form = CodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.account_code_begin(
                purpose=purpose,
                identifier=form.cleaned_data["identifier"],
                channel=form.cleaned_data["channel"],
                request=request,
            )
        except otp.CodeRefused as refused:
            form.add_error(None, _code_wait_message(refused.wait_seconds))
        else:
            return _to_code_step(request, flow=flow, issued=issued, next_url=next_url)
    context = {"form": form, "next": next_url, "login_url": _keeping_next("accounts:login", next_url)}
    return render(request, template, context)


@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Sign in with a code sent to a proven phone (or the email of an account with one)."""
    return _account_code(
        request, flow="sign_in", purpose=otp.Purpose.SIGN_IN, template="accounts/sign_in_code.html"
    )


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """Set a new password with a code sent to a proven phone (or the email of an account with one)."""
    return _account_code(
        request, flow="reset", purpose=otp.Purpose.RESET, template="accounts/password_reset.html"
    )


@never_cache
@login_required
def prove_phone(request: HttpRequest) -> HttpResponse:
    """An account registered before phones were proven proves its own number."""
    user = _current_user(request)
    if user.phone_is_proven:
        messages.info(request, _("Nomor HP Anda sudah terbukti."))
        return redirect("accounts:profile")
    if user.phone.startswith(services.RELEASED_PHONE_PREFIX):
        return redirect("accounts:phone_change")
    form = ProvePhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.destination_change_begin(
                user=user,
                purpose=otp.Purpose.PROVE_PHONE,
                destination=user.phone,
                channel=form.cleaned_data["channel"],
                request=request,
            )
        except otp.CodeRefused as refused:
            form.add_error(None, _code_wait_message(refused.wait_seconds))
        else:
            return _to_code_step(request, flow="prove_phone", issued=issued, next_url="")
    context = {"form": form, "masked_phone": mask_phone(user.phone)}
    return render(request, "accounts/prove_phone.html", context)


@never_cache
@login_required
def phone_change(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = PhoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if phone == user.phone and user.phone_is_proven:
            form.add_error("phone", _("Ini sudah nomor HP Anda."))
        else:
            try:
                issued = services.destination_change_begin(
                    user=user,
                    purpose=otp.Purpose.PHONE_CHANGE,
                    destination=phone,
                    channel=form.cleaned_data["channel"],
                    request=request,
                )
            except otp.CodeRefused as refused:
                form.add_error(None, _code_wait_message(refused.wait_seconds))
            else:
                return _to_code_step(request, flow="phone_change", issued=issued, next_url="")
    return render(request, "accounts/phone_change.html", {"form": form})


@never_cache
@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if user.email and email == user.email.lower():
            form.add_error("email", _("Ini sudah email Anda."))
        else:
            try:
                issued = services.destination_change_begin(
                    user=user,
                    purpose=otp.Purpose.EMAIL_CHANGE,
                    destination=email,
                    channel="email",
                    request=request,
                )
            except otp.CodeRefused as refused:
                form.add_error(None, _code_wait_message(refused.wait_seconds))
            else:
                return _to_code_step(request, flow="email_change", issued=issued, next_url="")
    return render(request, "accounts/email_change.html", {"form": form})
