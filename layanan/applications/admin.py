"""Applications in the Django admin: to look, never to change.

Workflow state changes only through :mod:`layanan.applications.services` (with
their timeline and audit events), so every page here is read-only: no add,
change or delete, no bulk actions. The sealed answers and the uploaded files
are not shown: the officer's pages are the place for them, with their checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from layanan.applications.models import Application, Attachment, RequirementCheck, TimelineEvent


class _ReadOnly:
    """No add, change or delete; the admin shows what is there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequirementCheckInline(_ReadOnly, admin.TabularInline[RequirementCheck, Application]):
    model = RequirementCheck
    extra = 0
    fields = ("requirement", "provision", "verdict", "reason", "checked_by", "checked_at")
    readonly_fields = fields


class AttachmentInline(_ReadOnly, admin.TabularInline[Attachment, Application]):
    model = Attachment
    extra = 0
    fields = ("requirement", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "is_current")
    readonly_fields = fields


class TimelineEventInline(_ReadOnly, admin.TabularInline[TimelineEvent, Application]):
    model = TimelineEvent
    extra = 0
    fields = ("occurred_at", "actor", "action", "from_status", "to_status", "internal", "message")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(_ReadOnly, admin.ModelAdmin[Application]):
    list_display = ("__str__", "service", "status", "office", "assigned_to", "submitted_at", "due_at")
    list_filter = ("status", "office__kind")
    search_fields = ("=tracking_number",)
    list_select_related = ("service", "office", "assigned_to")
    show_full_result_count = False
    actions = None
    fields = (
        "tracking_number",
        "public_id",
        "service",
        "status",
        "version",
        "office",
        "applicant",
        "submitted_by",
        "assisted_consent",
        "assigned_to",
        "created_at",
        "submitted_at",
        "due_at",
        "paused_at",
        "decided_at",
        "breach_notified_at",
        "decision_reason",
    )
    readonly_fields = fields
    inlines = (RequirementCheckInline, AttachmentInline, TimelineEventInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return super().get_queryset(request).select_related("service", "office", "assigned_to")
