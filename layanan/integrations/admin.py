"""The admin of the adapters: the hand-offs (read-only, with a retry), the OpenSID instances.

No page here shows a reporter's or an applicant's identity: a forward names its report by
tracking number only (an anonymous reporter stays anonymous), a hand-off its application.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from layanan.accounts.models import User
from layanan.integrations.models import LaporForward, SiakHandoff
from layanan.integrations.services import lapor, siak


class _ReadOnly(admin.ModelAdmin[Any]):
    """Rows written by the adapters only: shown, never added, edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(LaporForward)
class LaporForwardAdmin(_ReadOnly):
    list_display = [
        "tracking_number",
        "delivery",
        "attempts",
        "last_error",
        "lapor_id",
        "lapor_status",
        "sent_at",
    ]
    list_filter = ["delivery"]
    search_fields = ["lapor_id", "report__tracking_number"]
    fields = readonly_fields = (
        "tracking_number",
        "delivery",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "lapor_id",
        "lapor_status",
        "status_checked_at",
    )
    list_select_related = ["report"]
    actions = ["retry"]

    @admin.display(description=_("laporan"), ordering="report__tracking_number")
    def tracking_number(self, obj: LaporForward) -> str:
        return obj.report.tracking_number

    @admin.action(description=_("Kirim ulang yang gagal ke LAPOR!"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[LaporForward]) -> None:
        assert isinstance(request.user, User)
        count = sum(lapor.lapor_forward_retry(forward=forward, actor=request.user) for forward in queryset)
        self.message_user(
            request,
            ngettext("%(count)d penerusan dikirim ulang.", "%(count)d penerusan dikirim ulang.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SiakHandoff)
class SiakHandoffAdmin(_ReadOnly):
    list_display = [
        "tracking_number",
        "delivery",
        "attempts",
        "last_error",
        "siak_ref",
        "result",
        "result_at",
    ]
    list_filter = ["delivery", "result"]
    search_fields = ["siak_ref", "application__tracking_number"]
    fields = readonly_fields = (
        "tracking_number",
        "delivery",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "siak_ref",
        "result",
        "document_number",
        "result_at",
    )
    list_select_related = ["application"]
    actions = ["retry"]

    @admin.display(description=_("permohonan"), ordering="application__tracking_number")
    def tracking_number(self, obj: SiakHandoff) -> str:
        return obj.application.tracking_number or ""

    @admin.action(description=_("Serahkan ulang yang gagal ke SIAK"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[SiakHandoff]) -> None:
        assert isinstance(request.user, User)
        count = sum(siak.siak_handoff_retry(handoff=handoff, actor=request.user) for handoff in queryset)
        self.message_user(
            request,
            ngettext("%(count)d penyerahan dikirim ulang.", "%(count)d penyerahan dikirim ulang.", count)
            % {"count": count},
            messages.SUCCESS,
        )
