"""The privacy admin: retention periods are edited here (audited); requests, consents, runs read-only.

Requests change only through the data-protection officer's page (``petugas/privasi/``), which
goes through :func:`layanan.privacy.services.request_step`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from layanan.audit.services import audit_record
from layanan.privacy.models import Consent, PrivacyRequest, RetentionRule, RetentionRun
from layanan.privacy.retention import RULES


class _ReadOnly[M: Any](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RetentionRuleForm(forms.ModelForm[RetentionRule]):
    key = forms.ChoiceField(choices=[(rule.key, f"{rule.key}: {rule.label}") for rule in RULES])

    class Meta:
        model = RetentionRule
        fields = ("key", "days", "enabled", "note")


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin[RetentionRule]):
    form = RetentionRuleForm
    list_display = ("key", "days", "enabled", "note", "updated_at")

    def save_model(self, request: HttpRequest, obj: RetentionRule, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="privacy.retention.rule_set",
                obj=obj,
                request=request,
                details={"key": obj.key, "days": obj.days, "enabled": obj.enabled},
            )

    def delete_model(self, request: HttpRequest, obj: RetentionRule) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="privacy.retention.rule_reset",
                obj=obj,
                request=request,
                details={"key": obj.key},
            )
            super().delete_model(request, obj)


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(_ReadOnly[PrivacyRequest]):
    list_display = ("reference", "kind", "status", "received_at", "due_at", "escalated_at", "closed_at")
    list_filter = ("kind", "status")
    search_fields = ("reference",)
    exclude = ("details", "answer")


@admin.register(Consent)
class ConsentAdmin(_ReadOnly[Consent]):
    list_display = ("purpose", "given", "recorded_at", "via")
    list_filter = ("purpose", "given", "via")


@admin.register(RetentionRun)
class RetentionRunAdmin(_ReadOnly[RetentionRun]):
    list_display = ("started_at", "finished_at", "total")
