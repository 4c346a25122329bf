"""The admin of the Musrenbang cycle.

Administrators set the dates of each year's Musrenbang (:class:`MusrenbangRound`, audited). Usulan
are shown read-only, without the proposer: their steps go through the operator's pages (and the
services, audited, with the notices); a person's identity is never on an admin page here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from layanan.accounts.models import User
from layanan.aspirations import services
from layanan.aspirations.models import MusrenbangRound, Usulan
from layanan.core.views import signed_in


@admin.register(MusrenbangRound)
class MusrenbangRoundAdmin(admin.ModelAdmin[MusrenbangRound]):
    list_display = ["year", "level", "starts_on", "ends_on", "note"]
    list_filter = ["level"]
    ordering = ["-year", "level"]

    def save_model(self, request: HttpRequest, obj: MusrenbangRound, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.musrenbang_round_audit(
                round_=obj,
                actor=signed_in(request, User),
                action="update" if change else "create",
                request=request,
            )

    def delete_model(self, request: HttpRequest, obj: MusrenbangRound) -> None:
        with transaction.atomic():
            services.musrenbang_round_audit(
                round_=obj, actor=signed_in(request, User), action="delete", request=request
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[MusrenbangRound]) -> None:
        with transaction.atomic():
            for round_ in queryset:
                services.musrenbang_round_audit(
                    round_=round_, actor=signed_in(request, User), action="delete", request=request
                )
            super().delete_queryset(request, queryset)


@admin.register(Usulan)
class UsulanAdmin(admin.ModelAdmin[Usulan]):
    """Read-only, and never the proposer (nor the supporters)."""

    list_display = ["title", "region", "topic", "status", "year", "plan", "plan_year", "created_at"]
    list_filter = ["status", "topic", "year", "plan"]
    search_fields = ["title", "region__name", "region__code"]
    list_select_related = ["region"]
    fields = (
        "region",
        "topic",
        "title",
        "description",
        "address_text",
        "latitude",
        "longitude",
        "year",
        "status",
        "plan",
        "plan_year",
        "reason",
        "built_on",
        "built_note",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Usulan | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Usulan | None = None) -> bool:
        return False
