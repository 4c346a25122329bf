from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from layanan.audit.models import AuditEvent, AuditSeal


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit tables are append-only: the admin may look, never add, change or delete."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "actor_label", "action", "object_type", "object_id", "sequence"]
    search_fields = ["=action", "=object_id"]
    date_hierarchy = None
    raw_id_fields = ["actor", "seal"]


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["number", "first_sequence", "last_sequence", "count", "root", "sealed_at"]
