"""The Django admin for people: by role and office, searched by name and phone, NIK never in clear.

The admin site itself is opened only to those ``can(actor, "admin.site")``
allows (administrators with ``is_staff``), its sign-in page is the platform's
own (rate-limited, with the second factor, which the middleware enforces for
every admin page).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layanan.accounts import services
from layanan.accounts.models import User
from layanan.accounts.permissions import can
from layanan.accounts.phone import mask_phone, normalize_phone
from layanan.identity.selectors import mask_nik


def _admin_has_permission(request: HttpRequest) -> bool:
    return can(request.user, "admin.site")


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """Send sign-in to the platform's page; a signed-in user without the right is refused."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": next_url}))


# Patched on the default site (rather than a custom AdminSite in settings) so
# every app's ``@admin.register`` keeps working unchanged.
admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]
admin.site.login = _admin_login  # type: ignore[method-assign]


class _PhoneCleaning(forms.ModelForm):
    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationError as error:
            raise ValidationError(error.messages, code="invalid_phone") from error


class UserCreateForm(_PhoneCleaning, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("phone", "full_name", "email", "role", "office")


class UserEditForm(_PhoneCleaning, UserChangeForm):
    class Meta:
        model = User
        fields = (
            "phone",
            "email",
            "full_name",
            "role",
            "office",
            "position",
            "nip",
            "home_region",
            "preferred_language",
            "is_active",
            "is_staff",
            "is_superuser",
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    list_display = ("full_name", "masked_phone", "role", "office", "masked_nik", "is_active")
    list_filter = ("role", "is_active", ("office", admin.RelatedOnlyFieldListFilter))
    search_fields = ("full_name", "phone", "email")
    ordering = ("full_name",)
    list_select_related = ("office",)
    autocomplete_fields = ()
    raw_id_fields = ("office", "home_region")
    readonly_fields = ("masked_nik", "second_factor_status", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (
            _("Data diri"),
            {"fields": ("full_name", "email", "masked_nik", "home_region", "preferred_language")},
        ),
        (_("Peran dan kantor"), {"fields": ("role", "office", "position", "nip")}),
        (
            _("Akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "second_factor_status")},
        ),
        (_("Waktu"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "full_name", "email", "role", "office", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ()
    actions = ("reset_second_factor",)

    @admin.display(description=_("nomor HP"), ordering="phone")
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: User) -> str:
        return mask_nik(obj.nik) if obj.nik else "—"

    @admin.display(description=_("langkah kedua"))
    def second_factor_status(self, obj: User) -> str:
        if obj.pk and services.has_confirmed_second_factor(obj):
            return str(
                _("aktif, %(count)d kode pemulihan tersisa") % {"count": services.recovery_codes_left(obj)}
            )
        return str(_("belum diatur"))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(phone=phone), may_have_duplicates

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm[User], change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.user_record_admin_change(
            actor=request.user,
            user=obj,
            created=not change,
            changed_fields=[name for name in form.changed_data if "password" not in name],
            request=request,
        )

    @admin.action(description=_("Atur ulang langkah kedua (pengguna mengatur lagi saat masuk)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        for user in queryset:
            services.second_factor_reset(actor=actor, user=user, request=request)
        self.message_user(request, _("Langkah kedua diatur ulang."), messages.SUCCESS)
