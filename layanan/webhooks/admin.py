"""The admin of webhooks: subscriptions (secret shown once, rotation, resume), events, deliveries.

Every change goes through :mod:`layanan.webhooks.services` (audited). A new or rotated secret is
shown once, on the page that answers the save or the rotation, and never stored in clear, in
the session or in a flash message. Deliveries are read-only, with their attempts and a replay
action. Nothing here shows a payload's case beyond its tracking number and status.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import User
from layanan.webhooks import services
from layanan.webhooks.events import event_choices
from layanan.webhooks.models import Delivery, DeliveryAttempt, Event, Subscription


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Peristiwa"), choices=event_choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ("description", "owner", "url", "events", "is_active")

    def clean_url(self) -> str:
        return services.url_clean(self.cleaned_data["url"])

    def clean_events(self) -> list[str]:
        return services.events_clean(self.cleaned_data["events"])


def _secret_page(request: HttpRequest, rows: list[tuple[Subscription, str]]) -> TemplateResponse:
    """The one page that shows new secrets (not cached, not stored)."""
    response = TemplateResponse(
        request,
        "webhooks/admin/secret.html",
        {
            **admin.site.each_context(request),
            "title": _("Rahasia webhook"),
            "rows": rows,
            "opts": Subscription._meta,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    form = SubscriptionForm
    list_display = ("description", "owner", "host", "is_active", "paused_at", "consecutive_failures")
    list_filter = ("is_active", ("paused_at", admin.EmptyFieldListFilter))
    search_fields = ("description",)
    raw_id_fields = ("owner",)
    readonly_fields = ("paused_at", "consecutive_failures", "previous_secret_until", "created_at")
    actions = ("rotate_secret", "resume")

    @admin.display(description=_("Host penerima"))
    def host(self, obj: Subscription) -> str:
        return urlsplit(obj.url).hostname or ""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not settings.WEBHOOKS_ENABLED:
            self.message_user(
                request,
                _("Webhook tidak aktif di server ini (WEBHOOKS_ENABLED=false): tidak ada yang dikirim."),
                messages.WARNING,
            )
        paused = Subscription.objects.filter(paused_at__isnull=False, is_active=True).count()
        if paused:
            self.message_user(
                request,
                _("%(count)d langganan dijeda karena pengirimannya terus gagal. Periksa, lalu lanjutkan.")
                % {"count": paused},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.subscription_change(
                actor=_actor(request),
                subscription=obj,
                owner=data["owner"],
                description=data["description"],
                url=data["url"],
                events=data["events"],
                is_active=data["is_active"],
            )
            return
        created, secret = services.subscription_create(
            actor=_actor(request),
            owner=data["owner"],
            description=data["description"],
            url=data["url"],
            events=data["events"],
        )
        obj.pk = created.pk
        obj._state.adding = False
        request._webhook_secret = secret  # type: ignore[attr-defined]  # for response_add, this request only

    def response_add(
        self, request: HttpRequest, obj: Subscription, post_url_continue: str | None = None
    ) -> HttpResponse:
        secret = getattr(request, "_webhook_secret", "")
        if secret:
            return _secret_page(request, [(obj, secret)])
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request: HttpRequest, obj: Subscription) -> None:
        raise PermissionDenied  # switch it off instead: its deliveries stay in the log

    def has_delete_permission(self, request: HttpRequest, obj: Subscription | None = None) -> bool:
        return False

    @admin.action(description=_("Ganti rahasia (yang lama berlaku sementara)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> HttpResponse:
        rows = [
            (
                subscription,
                services.subscription_secret_rotate(actor=_actor(request), subscription=subscription),
            )
            for subscription in queryset
        ]
        return _secret_page(request, rows)

    @admin.action(description=_("Lanjutkan pengiriman (langganan yang dijeda)"))
    def resume(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            services.subscription_resume(actor=_actor(request), subscription=subscription)
        self.message_user(
            request, _("%(count)d langganan dilanjutkan.") % {"count": len(queryset)}, messages.SUCCESS
        )


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(_ReadOnly, admin.ModelAdmin[Event]):
    list_display = ("occurred_at", "type", "tracking_number", "status", "dispatched_at")
    list_filter = ("type",)
    search_fields = ("tracking_number",)
    fields = ("id", "type", "occurred_at", "kind", "tracking_number", "status", "dispatched_at", "payload")
    readonly_fields = fields


class DeliveryAttemptInline(_ReadOnly, admin.TabularInline[DeliveryAttempt, Delivery]):
    model = DeliveryAttempt
    fields = ("number", "at", "outcome", "status_code", "duration_ms", "error")
    readonly_fields = fields
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly, admin.ModelAdmin[Delivery]):
    list_display = (
        "created_at",
        "event_type",
        "tracking_number",
        "subscription",
        "replay",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
    )
    list_filter = ("status", "subscription")
    search_fields = ("event__tracking_number",)
    list_select_related = ("event", "subscription")
    fields = (
        "id",
        "event",
        "subscription",
        "replay",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "failed_at",
    )
    readonly_fields = fields
    inlines = (DeliveryAttemptInline,)
    actions = ("replay_deliveries",)

    @admin.display(description=_("Peristiwa"))
    def event_type(self, obj: Delivery) -> str:
        return obj.event.type

    @admin.display(description=_("Nomor lacak"))
    def tracking_number(self, obj: Delivery) -> str:
        return obj.event.tracking_number

    @admin.action(description=_("Kirim ulang (tercatat di log audit)"))
    def replay_deliveries(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = 0
        for delivery in queryset:
            try:
                services.delivery_replay(actor=_actor(request), delivery=delivery)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("Pemilik langganan tidak lagi boleh membaca kasus ini; tidak dikirim ulang."),
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request, _("%(count)d pengiriman dijadwalkan ulang.") % {"count": done}, messages.SUCCESS
            )
