from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from layanan.tracking.models import TrackingNumber


@admin.register(TrackingNumber)
class TrackingNumberAdmin(admin.ModelAdmin[TrackingNumber]):
    """Read-only: numbers are handed out only by ``tracking_number_new``."""

    list_display = ["code", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TrackingNumber | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TrackingNumber | None = None) -> bool:
        return False
