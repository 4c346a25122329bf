"""The admin of the survey: invitations, read-only, never naming who was invited.

Who was invited is the respondent's own business: an invitation names its case by tracking number
only (a report's number beside its reporter's name would undo the report's privacy, see
``layanan/complaints/disclosure.py``), and answers are never linked to an invitation at all.
"""

from django.contrib import admin

from layanan.survey.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only: which case was invited and when, never who (answers are never linked to a person)."""

    list_display = ["tracking_number", "subject", "office", "period", "sent_at", "answered_at"]
    list_filter = ["subject", "period"]
    search_fields = ["=tracking_number"]
    fields = ("subject", "tracking_number", "service", "office", "period", "created_at", "expires_at")
    readonly_fields = fields
    list_select_related = ["office"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
