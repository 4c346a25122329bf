from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from layanan.agencies.models import Office


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
    fields = ("code", "name", "short_name", "kind", "region", "address", "phone", "email", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Office | None = None) -> tuple[str, ...]:
        # An existing office keeps its code, kind and region: users and work are tied to them.
        return ("code", "kind", "region") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
