from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Office
from layanan.agencies.services import LETTERHEAD_FIELDS, office_letterhead_update


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    """Contact details and the active flag are edited here; code, kind and region come from seeding."""

    list_display = ("code", "name", "short_name", "kind", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name", "region__code", "region__name")
    list_select_related = ("region",)
    ordering = ("kind", "code")
    show_full_result_count = False
    autocomplete_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "region", "is_active")}),
        (
            _("Kop surat"),
            {
                "fields": LETTERHEAD_FIELDS,
                "description": _(
                    "Tercetak pada surat kantor ini. Staf kantor itu sendiri juga dapat mengubahnya "
                    "di halaman Kop surat kantor. Kolom kosong memakai isi bawaan."
                ),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Office | None = None) -> tuple[str, ...]:
        # An existing office keeps its code, kind and region: users and work are tied to them.
        return ("code", "kind", "region") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Office, form: Any, change: bool) -> None:
        """A changed letterhead goes through the audited service, like the office staff's page."""
        changes = {name: form.cleaned_data[name] for name in LETTERHEAD_FIELDS if name in form.changed_data}
        if not change or not changes:
            super().save_model(request, obj, form, change)
            return
        for name in changes:
            setattr(obj, name, form.initial.get(name, ""))
        super().save_model(request, obj, form, change)
        actor = request.user if isinstance(request.user, AbstractBaseUser) else None
        office_letterhead_update(office=obj, actor=actor, changes=changes, request=request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
