"""The account's API tokens: list, create (the token shown once), revoke (docs/api.md, "Tokens")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from layanan.accounts.models import User
from layanan.api import tokens
from layanan.api.forms import TokenForm
from layanan.api.models import ApiToken


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenForm(request.POST or None, allowed=tokens.scopes_allowed(user))
    shown: tokens.Issued | None = None
    if request.method == "POST" and form.is_valid():
        try:
            shown = tokens.token_create(
                user=user,
                actor=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            form = TokenForm(allowed=tokens.scopes_allowed(user))
    # never_cache: the page that shows a new token is kept nowhere (no-store).
    return render(
        request, "api/tokens.html", {"form": form, "shown": shown, "rows": tokens.tokens_of(user=user)}
    )


@never_cache
@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _user(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404
    tokens.token_revoke(token=token, actor=user)
    messages.success(request, _("Token itu sudah dicabut. Aplikasi yang memakainya tidak bisa masuk lagi."))
    return redirect("api-pages:tokens")
