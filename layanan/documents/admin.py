"""Documents in the Django admin.

- Letter templates: edited here, with a "Pratinjau" (preview) button that
  renders the letter with sample answers (one per form field of the service)
  and shows typst's error on the page when the template does not compile.
- Numbering formats per office: edited here.
- Issued documents: read-only; revoking and replacing go through
  :mod:`layanan.documents.services` (with their audit events), from two small
  forms on the document's page.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.catalogue.models import FormField, Service
from layanan.documents import services
from layanan.documents.models import Document, LetterTemplate, OfficeNumbering
from layanan.documents.rendering import TemplateProblem, render_letter

SAMPLES: dict[str, str] = {
    FormField.Kind.DATE: "5 Januari 2026",  # as letters.letter_data writes a date
    "nik": "1803011201900001",
    "kk": "1803010101200001",
    FormField.Kind.VILLAGE: "Tanjung Raja",
}


def sample_data(service: Service) -> dict[str, str]:
    """One sample answer per form field of ``service``: "<label>", or a typical value for its kind."""
    data = {"pemohon": "Siti Aminah", "nomor_pelacakan": "LL-CONTOH"}
    for field in service.fields.all():
        data[field.name] = SAMPLES.get(str(field.kind), f"<{field.label}>")
    return data


def _sample_office(service: Service) -> Office:
    if service.office is not None:
        return service.office
    return Office(name=_("Kantor Desa Contoh"), address=_("Alamat kantor"), phone="(0724) 000000")


def preview_pdf(template: LetterTemplate) -> bytes:
    """The letter with sample data; raises :class:`TemplateProblem`."""
    signer = User(full_name=_("Nama Pejabat"), position=_("Kepala Desa"), nip="198001012006041001")
    out = io.BytesIO()
    segno.make("PRATINJAU", error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=1, border=2, svgclass=None, lineclass=None
    )
    svg = out.getvalue().decode("ascii")
    return render_letter(
        template=template,
        data=sample_data(template.service),
        office=_sample_office(template.service),
        number=f"{template.classification_code}/001/CONTOH/I/{timezone.now().year}",
        issued_at=timezone.now(),
        signer=signer,
        qr_svg=svg,
    )


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin[LetterTemplate]):
    list_display = ("title", "service", "classification_code", "updated_at")
    search_fields = ("title", "service__name", "service__slug")
    change_form_template = "admin/documents/lettertemplate/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/pratinjau/",
                self.admin_site.admin_view(self.preview_view),
                name="documents_lettertemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        template = get_object_or_404(LetterTemplate.objects.select_related("service"), pk=pk)
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        try:
            pdf = preview_pdf(template)
        except TemplateProblem as problem:
            messages.error(request, _("Templat tidak dapat dipakai: %(problem)s") % {"problem": problem})
            return HttpResponseRedirect(reverse("admin:documents_lettertemplate_change", args=[pk]))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="pratinjau.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(OfficeNumbering)
class OfficeNumberingAdmin(admin.ModelAdmin[OfficeNumbering]):
    list_display = ("office", "pattern")
    search_fields = ("office__name", "office__letter_code")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    """Read-only; revoke and replace go through the services (forms on the change page)."""

    list_display = ("number", "service", "office", "issued_at", "state", "holder_name_masked")
    list_filter = ("state", "office")
    search_fields = ("number", "public_code", "reference")
    change_form_template = "admin/documents/document/change_form.html"
    fields = (
        "public_code",
        "number",
        "service",
        "office",
        "kind",
        "reference",
        "issued_at",
        "signer_name",
        "signer_position",
        "signer_nip",
        "holder_name_masked",
        "signature_backend",
        "sha256",
        "state",
        "replaced_by",
        "revoked_reason",
        "changed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/cabut/",
                self.admin_site.admin_view(require_POST(self.revoke_view)),
                name="documents_document_revoke",
            ),
            path(
                "<int:pk>/ganti/",
                self.admin_site.admin_view(require_POST(self.replace_view)),
                name="documents_document_replace",
            ),
            *super().get_urls(),
        ]

    def _act(self, request: HttpRequest, pk: int, *, replace: bool) -> HttpResponseRedirect:
        document = get_object_or_404(Document, pk=pk)
        actor = request.user
        assert isinstance(actor, User)
        reason = request.POST.get("reason", "")
        try:
            if replace:
                new = services.document_replace(document=document, actor=actor, reason=reason)
                messages.success(
                    request, _("Dokumen diganti dengan nomor %(number)s.") % {"number": new.number}
                )
            else:
                services.document_revoke(document=document, actor=actor, reason=reason)
                messages.success(request, _("Dokumen dicabut."))
        except PermissionDenied:
            messages.error(
                request,
                _("Hanya pejabat penandatangan kantor penerbit yang dapat mengganti dokumen ini.")
                if replace
                else _("Anda tidak berwenang mencabut dokumen ini."),
            )
        except (services.DocumentError, TemplateProblem) as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(reverse("admin:documents_document_change", args=[pk]))

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        return self._act(request, pk, replace=False)

    def replace_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        return self._act(request, pk, replace=True)
