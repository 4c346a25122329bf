from django.contrib import admin

from layanan.survey.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only: who was invited for which case and when (answers are never linked to a person)."""

    list_display = ["tracking_number", "subject", "office", "period", "sent_at", "answered_at"]
    list_filter = ["subject", "period"]
    search_fields = ["tracking_number"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
    exclude = ["token"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
