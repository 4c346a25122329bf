from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from layanan.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    """Read-only: regions come from the CSV files through ``manage.py load_regions``."""

    list_display = ("code", "name", "level", "village_type", "parent", "postal_code")
    list_filter = ("level", "village_type")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    ordering = ("code",)
    show_full_result_count = False
    readonly_fields = ("code", "name", "level", "village_type", "parent", "postal_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
