"""The admin of service points and announcements; every change is audited through the services.

Announcements are published and withdrawn with the list's actions (through the services, so the
subscribers are told once); the admin form never sets ``published`` by hand. Subscriptions are a
person's own choice: the admin shows how many there are per region, never who.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import User
from layanan.core.views import signed_in
from layanan.servicepoints import services
from layanan.servicepoints.models import Announcement, ServicePoint


def _actor(request: HttpRequest) -> User:
    return signed_in(request, User)


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin[ServicePoint]):
    list_display = ["name", "kind", "region", "office", "phone", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address", "region__name"]
    list_select_related = ["region", "office"]
    autocomplete_fields = ["services"]
    raw_id_fields = ["region", "office"]
    readonly_fields = ["updated_at"]

    def save_model(self, request: HttpRequest, obj: ServicePoint, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.service_point_audit(
                point=obj,
                actor=_actor(request),
                action="update" if change else "create",
                fields=form.changed_data,
                request=request,
            )

    def delete_model(self, request: HttpRequest, obj: ServicePoint) -> None:
        with transaction.atomic():
            services.service_point_audit(point=obj, actor=_actor(request), action="delete", request=request)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ServicePoint]) -> None:
        with transaction.atomic():
            for point in queryset:
                services.service_point_audit(
                    point=point, actor=_actor(request), action="delete", request=request
                )
            super().delete_queryset(request, queryset)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin[Announcement]):
    list_display = ["title", "office", "kind", "starts_at", "ends_at", "published", "notified_at"]
    list_filter = ["published", "kind"]
    search_fields = ["title", "office__name"]
    list_select_related = ["office"]
    raw_id_fields = ["office"]
    fields = [
        "office",
        "kind",
        "title",
        "body",
        "starts_at",
        "ends_at",
        "published",
        "published_at",
        "created_by",
        "notified_at",
    ]
    readonly_fields = ["published", "published_at", "created_by", "notified_at"]
    actions = ["publish", "withdraw"]

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        if change:
            services.announcement_update(
                announcement=obj,
                actor=_actor(request),
                fields={name: form.cleaned_data[name] for name in services.ANNOUNCEMENT_FIELDS},
                request=request,
            )
            return
        created = services.announcement_create(
            office=form.cleaned_data["office"],
            actor=_actor(request),
            submit_key=uuid.uuid4(),
            fields={name: form.cleaned_data[name] for name in services.ANNOUNCEMENT_FIELDS},
            publish=False,
            request=request,
        )
        obj.pk = created.pk

    @admin.action(description=_("Terbitkan (pelanggan dikabari sekali)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Announcement]) -> None:
        done = sum(
            services.announcement_publish(announcement=a, actor=_actor(request), request=request)
            for a in queryset
        )
        self.message_user(request, _("%(count)d pengumuman diterbitkan.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Tarik dari halaman"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Announcement]) -> None:
        done = sum(
            services.announcement_withdraw(announcement=a, actor=_actor(request), request=request)
            for a in queryset
        )
        self.message_user(request, _("%(count)d pengumuman ditarik.") % {"count": done}, messages.SUCCESS)
