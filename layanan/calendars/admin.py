from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from layanan.calendars.models import Holiday
from layanan.calendars.services import holiday_delete, holiday_save


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    list_display = ["date", "name", "kind", "basis"]
    list_filter = ["kind", "date"]
    search_fields = ["name", "basis"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        holiday_save(actor=request.user, holiday=obj, request=request)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        holiday_delete(actor=request.user, holiday=obj, request=request)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        for holiday in queryset:
            holiday_delete(actor=request.user, holiday=holiday, request=request)  # type: ignore[arg-type]
