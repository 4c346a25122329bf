"""The admin of the adapters: the hand-offs (read-only, with a retry), the OpenSID instances.

No page here shows a reporter's or an applicant's identity: a forward names its report by
tracking number only (an anonymous reporter stays anonymous), a hand-off its application.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from layanan.accounts.models import User
from layanan.integrations.models import LaporForward, OpensidInstance, OpensidRequest, SiakHandoff
from layanan.integrations.services import lapor, opensid, siak


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


class OpensidInstanceForm(forms.ModelForm[OpensidInstance]):
    """The shared secret is written, never shown again (blank on a change keeps the old one)."""

    secret = forms.CharField(
        label=_("kunci bersama"),
        required=False,
        min_length=32,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Paling sedikit 32 karakter acak; isikan yang sama di OpenSID. Kosongkan untuk tetap."),
    )

    class Meta:
        model = OpensidInstance
        fields = ("region", "base_url", "secret", "is_active")

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data.get("secret", "")
        if not secret and self.instance.pk is None:
            raise forms.ValidationError(_("Isikan kunci bersama untuk instalasi baru."))
        return secret or self.instance.secret

    def clean_region(self) -> Any:
        region = self.cleaned_data["region"]
        if region is not None and region.level != "desa":
            raise forms.ValidationError(_("Pilih sebuah desa/kelurahan."))
        return region


@admin.register(OpensidInstance)
class OpensidInstanceAdmin(admin.ModelAdmin[OpensidInstance]):
    form = OpensidInstanceForm
    list_display = ["region", "base_url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["region__name", "region__code"]
    raw_id_fields = ["region"]

    def save_model(self, request: HttpRequest, obj: OpensidInstance, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        opensid.opensid_instance_save(instance=obj, actor=request.user, created=not change)


@admin.register(OpensidRequest)
class OpensidRequestAdmin(_ReadOnly):
    list_display = [
        "instance",
        "request_id",
        "tracking_number",
        "delivery",
        "attempts",
        "last_error",
        "sent_at",
    ]
    list_filter = ["delivery"]
    search_fields = ["request_id", "application__tracking_number"]
    fields = readonly_fields = (
        "instance",
        "request_id",
        "tracking_number",
        "delivery",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    list_select_related = ["application", "instance__region"]
    actions = ["retry"]

    @admin.display(description=_("permohonan"), ordering="application__tracking_number")
    def tracking_number(self, obj: OpensidRequest) -> str:
        return obj.application.tracking_number or ""

    @admin.action(description=_("Kirim ulang surat yang gagal ke OpenSID"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OpensidRequest]) -> None:
        assert isinstance(request.user, User)
        count = sum(opensid.opensid_push_retry(row=row, actor=request.user) for row in queryset)
        self.message_user(
            request,
            ngettext("%(count)d surat dikirim ulang.", "%(count)d surat dikirim ulang.", count)
            % {"count": count},
            messages.SUCCESS,
        )
