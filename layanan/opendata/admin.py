"""The published copies, read-only: they are rewritten by the periodic refresh, never by hand."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from layanan.opendata.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin[Snapshot]):
    list_display = ("slug", "row_count", "period_start", "period_end", "min_count", "updated_at")
    fields = ("slug", "row_count", "period_start", "period_end", "min_count", "digest", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Snapshot | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Snapshot | None = None) -> bool:
        return False
