from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from layanan.inbound.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    """Read-only, and without the sender's number or the text: messages are written by the webhooks only."""

    list_display = ["received_at", "channel", "outcome", "tracking_number", "reply"]
    list_filter = ["channel", "outcome"]
    search_fields = ["tracking_number"]
    fields = ("received_at", "channel", "gateway_id", "outcome", "tracking_number", "reply")
    readonly_fields = ("received_at", "channel", "gateway_id", "outcome", "tracking_number", "reply")
    list_select_related = ["reply"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InboundMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: InboundMessage | None = None) -> bool:
        return False
