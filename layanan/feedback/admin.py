"""The admin of the feedback tags and the platform changes; every change is audited through the services.

Feedback rows are read-only here (a visitor's words are never edited); administrators tag them on
the product page. The tag list and the changes may be edited here as well as on the product page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from layanan.accounts.models import User
from layanan.core.views import signed_in
from layanan.feedback import services
from layanan.feedback.models import PageFeedback, PlatformChange, Tag


def _actor(request: HttpRequest) -> User:
    return signed_in(request, User)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "name_en", "slug", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.tag_audit(
                tag=obj, actor=_actor(request), action="update" if change else "create", request=request
            )

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        with transaction.atomic():
            services.tag_audit(tag=obj, actor=_actor(request), action="delete", request=request)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        with transaction.atomic():
            for tag in queryset:
                services.tag_audit(tag=tag, actor=_actor(request), action="delete", request=request)
            super().delete_queryset(request, queryset)


@admin.register(PlatformChange)
class PlatformChangeAdmin(admin.ModelAdmin[PlatformChange]):
    list_display = ["date", "title", "pages"]
    search_fields = ["title", "title_en", "pages"]
    filter_horizontal = ["tags"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: PlatformChange, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.platform_change_audit(
                change=obj,
                actor=_actor(request),
                action="update" if change else "create",
                fields=form.changed_data,
                request=request,
            )

    def delete_model(self, request: HttpRequest, obj: PlatformChange) -> None:
        with transaction.atomic():
            services.platform_change_audit(
                change=obj, actor=_actor(request), action="delete", request=request
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PlatformChange]) -> None:
        with transaction.atomic():
            for change in queryset:
                services.platform_change_audit(
                    change=change, actor=_actor(request), action="delete", request=request
                )
            super().delete_queryset(request, queryset)


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin[PageFeedback]):
    list_display = ["page", "helpful", "created_at", "language"]
    list_filter = ["helpful", "language", "tags"]
    search_fields = ["page"]
    date_hierarchy = "created_at"
    readonly_fields = ["page", "helpful", "trying", "problem", "language", "created_at", "tags"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PageFeedback | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PageFeedback | None = None) -> bool:
        return False
