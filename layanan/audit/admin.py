from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.audit.models import AuditEvent, AuditSeal
from layanan.audit.selectors import ShownActor, audit_events_shown


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit tables are append-only: the admin may look, never add, change or delete."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _shown(event: AuditEvent) -> ShownActor:
    shown = getattr(event, "shown", None)
    if not isinstance(shown, ShownActor):
        shown = audit_events_shown([event])[0].shown  # type: ignore[attr-defined]
    assert isinstance(shown, ShownActor)
    return shown


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The actor as the audit pages show it (``audit_events_shown``): never a report's reporter."""

    list_display = ["id", "occurred_at", "shown_actor", "action", "object_type", "object_id", "sequence"]
    search_fields = ["=action", "=object_id"]
    date_hierarchy = None
    raw_id_fields = ["seal"]
    fields = (
        "occurred_at",
        "shown_actor",
        "shown_role",
        "action",
        "object_type",
        "object_id",
        "shown_source_address",
        "shown_user_agent",
        "details",
        "seal",
        "sequence",
        "hash",
    )
    readonly_fields = fields

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        changelist.result_list = audit_events_shown(changelist.result_list)
        return changelist

    @admin.display(description=_("pelaku"))
    def shown_actor(self, obj: AuditEvent) -> str:
        return _shown(obj).label or "—"

    @admin.display(description=_("peran pelaku"))
    def shown_role(self, obj: AuditEvent) -> str:
        return _shown(obj).role or "—"

    @admin.display(description=_("alamat sumber"))
    def shown_source_address(self, obj: AuditEvent) -> str:
        return _shown(obj).source_address or "—"

    @admin.display(description=_("peramban"))
    def shown_user_agent(self, obj: AuditEvent) -> str:
        return _shown(obj).user_agent or "—"


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["number", "first_sequence", "last_sequence", "count", "root", "sealed_at"]
