"""The admin for routing: categories with their per-region rules, and the learned model's accuracy.

Imported by ``layanan/complaints/admin.py`` (Django's admin autodiscovery
only reads ``admin.py``). Categories and rules are policy an administrator
keeps here; every save and delete is audited. Routing models are read-only:
they are made by the daily ``complaints_routing_train`` task, and the list
shows how often the latest one was right on reports it had not seen.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms import BaseModelForm
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from layanan.audit.services import audit_record
from layanan.complaints.models import Category, RoutingModel, RoutingRule


def accuracy_text(accuracy: float | None) -> str:
    """``0.8846`` as ``88,5 %`` (in the active language's number format)."""
    return "—" if accuracy is None else f"{number_format(round(accuracy * 100, 1), 1)} %"


def latest_model_note() -> str:
    """One sentence on the latest routing model, for the top of the admin lists."""
    model = RoutingModel.objects.order_by("-trained_at", "-id").first()
    if model is None:
        return gettext(
            "Belum ada model saran penerusan: model dilatih setiap hari setelah ada cukup laporan "
            "yang sudah diteruskan."
        )
    return gettext(
        "Model saran penerusan terbaru (%(date)s): ketepatan %(accuracy)s pada %(held_out)d laporan "
        "uji yang tidak ikut dilatih, dari %(samples)d laporan."
    ) % {
        "date": f"{model.trained_at:%d-%m-%Y %H:%M}",
        "accuracy": accuracy_text(model.accuracy),
        "held_out": model.held_out,
        "samples": model.samples,
    }


class RoutingRuleInline(admin.TabularInline[RoutingRule, Category]):
    model = RoutingRule
    extra = 0
    fields = ("region", "office", "priority")
    autocomplete_fields = ()
    raw_id_fields = ("region",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name", "slug", "default_office", "is_platform_feedback", "order", "is_active")
    list_filter = ("is_active", "is_platform_feedback")
    search_fields = ("name", "slug")
    inlines = (RoutingRuleInline,)

    def save_model(
        self, request: HttpRequest, obj: Category, form: BaseModelForm[Category], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="complaints.category_change" if change else "complaints.category_add",
            obj=obj,
            request=request,
            details={"changed": sorted(form.changed_data)},
        )

    def save_formset(
        self, request: HttpRequest, form: BaseModelForm[Category], formset: BaseFormSet[Any], change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        changed = [
            {"rule": rule.pk, "region": rule.region_id, "office": rule.office_id, "priority": rule.priority}
            for rule in getattr(formset, "new_objects", [])
            + [pair[0] for pair in getattr(formset, "changed_objects", [])]
        ]
        deleted = [rule.pk for rule in getattr(formset, "deleted_objects", [])]
        if changed or deleted:
            audit_record(
                actor=request.user,
                action="complaints.routing_rules_change",
                obj=form.instance,
                request=request,
                details={"saved": changed, "deleted": deleted},
            )

    def delete_model(self, request: HttpRequest, obj: Category) -> None:
        audit_record(
            actor=request.user,
            action="complaints.category_delete",
            obj=obj,
            request=request,
            details={"slug": obj.slug},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Category]) -> None:
        audit_record(
            actor=request.user,
            action="complaints.category_delete",
            request=request,
            details={"slugs": sorted(queryset.values_list("slug", flat=True))},
        )
        super().delete_queryset(request, queryset)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            messages.info(request, latest_model_note())
        return super().changelist_view(request, extra_context)


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin[RoutingModel]):
    list_display = ("trained_at", "samples", "held_out", "accuracy_percent", "classes")
    fields = ("trained_at", "samples", "held_out", "accuracy_percent", "classes")
    readonly_fields = fields
    date_hierarchy = None

    @admin.display(description=_("ketepatan pada data uji"))
    def accuracy_percent(self, obj: RoutingModel) -> str:
        return accuracy_text(obj.accuracy)

    @admin.display(description=_("jumlah instansi"))
    def classes(self, obj: RoutingModel) -> int:
        return len(obj.parameters.get("classes", {}))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        messages.info(request, latest_model_note())
        return super().changelist_view(request, extra_context)
