"""The admin for the service catalogue: a service with its form fields and requirements inline.

Only administrators reach the admin (``can(actor, "admin.site")``, see
``layanan/accounts/admin.py``). Every save is checked with the catalogue's own
rules (:mod:`layanan.catalogue.validation`) and audited through
:func:`layanan.catalogue.services.service_record_admin_change`, inside the
admin's transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from layanan.catalogue import services, validation
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.standards import DELIVERY, MANAGEMENT, NAMES
from layanan.core.content import english_field_names

FORM_FIELD_FIELDS = (
    "step",
    "step_title",
    "order",
    "name",
    "label",
    "help_text",
    "kind",
    "required",
    "choices",
    "pattern",
    "pattern_message",
    "min_value",
    "max_value",
    "shown_when",
    "prefill",
    "past_only",
    "letters_only",
    "step_title_en",
    "label_en",
    "help_text_en",
    "pattern_message_en",
)


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = (
            "name",
            "slug",
            "summary",
            "category",
            "keywords",
            "order",
            "is_active",
            "handler",
            "office",
            "sla_working_days",
            "sla_to_confirm",
            "fee_rupiah",
            "output",
            "verify_role",
            "decide_role",
            "sign_role",
            *NAMES,
            *english_field_names(Service),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = validation.service_errors(
            handler=cleaned.get("handler") or "", has_office=cleaned.get("office") is not None
        )
        for field_name, messages in errors.items():
            for message in messages:
                self.add_error(field_name, message)
        return cleaned


class FormFieldForm(forms.ModelForm[FormField]):
    class Meta:
        model = FormField
        fields = FORM_FIELD_FIELDS
        widgets = {
            "choices": forms.Textarea(attrs={"rows": 3, "cols": 24}),
            "help_text": forms.Textarea(attrs={"rows": 2, "cols": 24}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for attribute, messages in validation.field_errors(validation.spec_of(cleaned)).items():
            for message in messages:
                self.add_error(attribute, message)
        return cleaned


def _live_forms(formset: BaseInlineFormSet[Any, Any, Any]) -> list[forms.ModelForm[Any]]:
    """The forms of ``formset`` that will be saved (filled in, not marked for deletion)."""
    live = []
    for form in formset.forms:
        cleaned = getattr(form, "cleaned_data", None)
        if not cleaned or cleaned.get("DELETE"):
            continue
        live.append(form)
    return live


class FormFieldFormSet(BaseInlineFormSet[FormField, Service, forms.ModelForm[FormField]]):
    def clean(self) -> None:
        super().clean()
        forms_by_name = {
            form.cleaned_data["name"]: form for form in _live_forms(self) if form.cleaned_data.get("name")
        }
        specs = [validation.spec_of(form.cleaned_data) for form in forms_by_name.values()]
        for name, messages in validation.field_reference_errors(specs).items():
            for message in messages:
                forms_by_name[name].add_error("shown_when", message)

    def live_names(self) -> list[str]:
        self.is_valid()  # makes sure every form has been cleaned
        return [form.cleaned_data["name"] for form in _live_forms(self) if form.cleaned_data.get("name")]


class RequirementFormSet(BaseInlineFormSet[Requirement, Service, forms.ModelForm[Requirement]]):
    fields_formset: FormFieldFormSet | None = None  # set by ServiceAdmin, to check field_name

    def clean(self) -> None:
        super().clean()
        if self.fields_formset is not None:
            names = self.fields_formset.live_names()
        elif self.instance.pk:
            names = list(self.instance.fields.values_list("name", flat=True))
        else:
            names = []
        for form in _live_forms(self):
            errors = validation.requirement_errors(
                kind=form.cleaned_data.get("kind") or "",
                field_name=form.cleaned_data.get("field_name") or "",
                field_names=names,
            )
            for attribute, messages in errors.items():
                for message in messages:
                    form.add_error(attribute, message)


class FormFieldInline(admin.TabularInline[FormField, Service]):
    model = FormField
    form = FormFieldForm
    formset = FormFieldFormSet
    extra = 0
    fields = FORM_FIELD_FIELDS
    ordering = ("step", "order", "id")


class RequirementInline(admin.TabularInline[Requirement, Service]):
    model = Requirement
    formset = RequirementFormSet
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "description",
        "kind",
        "required",
        "field_name",
        "name_en",
        "description_en",
    )
    ordering = ("order", "id")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    form = ServiceForm
    inlines = (FormFieldInline, RequirementInline)
    list_display = (
        "name",
        "category",
        "handler",
        "office",
        "sla_working_days",
        "sla_to_confirm",
        "fee_rupiah",
        "output",
        "is_active",
    )
    list_filter = ("category", "handler", "output", "sla_to_confirm", "is_active")
    search_fields = ("name", "slug", "summary", "keywords")
    list_select_related = ("office",)
    ordering = ("order", "name")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "category", "keywords", "order", "is_active")}),
        (
            _("Penanganan"),
            {
                "fields": (
                    "handler",
                    "office",
                    ("sla_working_days", "sla_to_confirm"),
                    "fee_rupiah",
                    "output",
                    ("verify_role", "decide_role", "sign_role"),
                )
            },
        ),
        (
            _("Standar pelayanan: penyampaian pelayanan"),
            {"fields": DELIVERY},
        ),
        (
            _("Standar pelayanan: pengelolaan pelayanan"),
            {
                "classes": ("collapse",),
                "fields": MANAGEMENT,
            },
        ),
        (
            _("Teks bahasa Inggris"),
            {
                "classes": ("collapse",),
                "description": _(
                    "Tidak wajib. Pembaca berbahasa Inggris melihat teks ini; bila kosong, mereka "
                    "melihat teks bahasa Indonesia."
                ),
                "fields": english_field_names(Service),
            },
        ),
    )

    def _create_formsets(
        self, request: HttpRequest, obj: Service, change: bool
    ) -> tuple[list[Any], list[Any]]:
        # Django's own (undocumented) step that builds the inline formsets; the stubs omit it.
        formsets, inline_instances = super()._create_formsets(request, obj, change)  # type: ignore[misc]
        field_formsets = [formset for formset in formsets if isinstance(formset, FormFieldFormSet)]
        for formset in formsets:
            if isinstance(formset, RequirementFormSet) and field_formsets:
                formset.fields_formset = field_formsets[0]
        return formsets, inline_instances

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Service],
        formsets: list[Any],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        changed = list(form.changed_data)
        for formset in formsets:
            key = "name" if formset.model is FormField else "code"
            changed.extend(
                f"{formset.prefix}.{getattr(row, key)}"
                for row in [*formset.new_objects, *formset.deleted_objects]
            )
            changed.extend(
                f"{formset.prefix}.{getattr(row, key)}" for row, _fields in formset.changed_objects
            )
        services.service_record_admin_change(
            actor=request.user, service=form.instance, created=not change, changed=changed, request=request
        )

    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        services.service_record_admin_delete(actor=request.user, service=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        with transaction.atomic():
            for service in queryset:
                services.service_record_admin_delete(actor=request.user, service=service, request=request)
            super().delete_queryset(request, queryset)
