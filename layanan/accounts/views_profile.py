"""The profile page and what a person changes there: name, desa, password, sessions. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from layanan.accounts import ratelimit, services, services_profile, sessions
from layanan.accounts.forms import HomeRegionForm
from layanan.accounts.forms_profile import FullNameForm, PasswordChangeForm
from layanan.accounts.models import Role, User
from layanan.accounts.phone import mask_phone
from layanan.identity.selectors import nik_status_of

# Guessing the current password on the change page is as slow as at sign-in.
PASSWORD_CHANGE_PER_USER = ratelimit.Limit("password-change", attempts=5, window_seconds=15 * 60)


def _current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """One's own account; a citizen may change the desa/kelurahan they live in here."""
    user = _current_user(request)
    region_form: HomeRegionForm | None = None
    if user.role == Role.CITIZEN:
        region_form = HomeRegionForm(request.POST or None, initial={"home_region": user.home_region_id})
    if request.method == "POST":
        if region_form is None:
            raise PermissionDenied
        if region_form.is_valid():
            changed = services.user_home_region_set(
                user=user, home_region=region_form.cleaned_data["home_region"], actor=user, request=request
            )
            if changed:
                messages.success(request, _("Desa/kelurahan tempat tinggal Anda sudah disimpan."))
            return redirect("accounts:profile")
    return _render_profile(request, user, region_form=region_form)


def _render_profile(
    request: HttpRequest,
    user: User,
    *,
    region_form: HomeRegionForm | None = None,
    name_form: FullNameForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if region_form is None and user.role == Role.CITIZEN:
        region_form = HomeRegionForm(initial={"home_region": user.home_region_id})
    context = {
        "region_form": region_form,
        "name_form": name_form or FullNameForm(initial={"full_name": user.full_name}),
        "profile_user": user,
        "phone_local": "0" + user.phone.removeprefix("+62"),
        "masked_phone": mask_phone(user.phone),
        "nik_status": nik_status_of(user=user),
        "has_second_factor": services.has_confirmed_second_factor(user),
        "recovery_codes_left": services.recovery_codes_left(user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@never_cache
@login_required
@require_POST
def change_name(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = FullNameForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, user, name_form=form)
    if services_profile.user_full_name_set(
        user=user, full_name=form.cleaned_data["full_name"], actor=user, request=request
    ):
        messages.success(request, _("Nama Anda sudah disimpan."))
    return redirect("accounts:profile")


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST":
        subject = str(user.pk)
        wait = PASSWORD_CHANGE_PER_USER.wait_seconds(subject)
        if wait:
            form.is_valid()
            minutes = ratelimit.minutes_text(wait)
            form.add_error(
                None,
                ngettext(
                    "Terlalu banyak percobaan yang salah. Demi keamanan, coba lagi dalam %(minutes)d menit.",
                    "Terlalu banyak percobaan yang salah. Demi keamanan, coba lagi dalam %(minutes)d menit.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        elif form.is_valid():
            PASSWORD_CHANGE_PER_USER.reset(subject)
            ended = services_profile.user_password_change(
                user=user, new_password=form.cleaned_data["new_password1"], request=request
            )
            messages.success(request, _("Kata sandi Anda sudah diganti."))
            if ended:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d sesi di perangkat lain sudah diakhiri.",
                        "%(count)d sesi di perangkat lain sudah diakhiri.",
                        ended,
                    )
                    % {"count": ended},
                )
            return redirect("accounts:profile")
        elif form.has_error("current_password", "wrong_password"):
            PASSWORD_CHANGE_PER_USER.fail(subject)
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET"])
def session_list(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    rows = sessions.sessions_of(actor=user, request=request)
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "others": sum(1 for row in rows if not row.is_current)},
    )


@never_cache
@login_required
@require_POST
def session_end(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _current_user(request)
    try:
        sessions.session_end(actor=user, record_id=record_id, request=request)
    except sessions.SessionNotFound:
        raise Http404 from None
    messages.success(request, _("Sesi itu sudah diakhiri."))
    return redirect("accounts:sessions")


@never_cache
@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    ended = sessions.sessions_end_others(actor=user, request=request)
    messages.success(
        request,
        ngettext(
            "Anda sudah keluar dari %(count)d perangkat lain.",
            "Anda sudah keluar dari %(count)d perangkat lain.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("accounts:sessions")
