"""Tokens in the admin: who holds which, with what scopes, until when; revoke with the list's action.

A token is never created here (its secret could not be shown safely): the account page creates one
for its own holder, and ``manage.py api_token_create`` one for a system account.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import User
from layanan.api import tokens
from layanan.api.models import ApiToken
from layanan.core.views import signed_in


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    _SHOWN = (
        "name",
        "prefix",
        "user",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_display = _SHOWN
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = _SHOWN
    fields = _SHOWN
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Cabut token yang dipilih"), permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = signed_in(request, User)
        for token in queryset:
            tokens.token_revoke(token=token, actor=actor)
        messages.success(request, _("Token yang dipilih sudah dicabut."))
