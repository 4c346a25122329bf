from django.contrib import admin

from layanan.assisted.models import Visit


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin[Visit]):
    """Read-only: visits change only through the services (audited). No NIK, no scan shown here."""

    list_display = ("public_id", "office", "operator", "consent", "consent_at", "created_at")
    list_filter = ("consent", "office")
    fields = (
        "public_id",
        "office",
        "operator",
        "citizen",
        "registered_here",
        "consent",
        "consent_at",
        "application",
    )
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
