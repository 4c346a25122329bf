"""Handing an issued letter to the people it belongs to: the private PDF download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from layanan.accounts.permissions import can
from layanan.documents.models import Document


@login_required
@require_GET
def download(request: HttpRequest, code: str) -> FileResponse:
    """The signed PDF, as an attachment: its owner (and their agent), and staff of the issuing office."""
    document = Document.objects.select_related("office", "service").filter(public_code=code).first()
    if document is None:
        raise Http404
    if not can(request.user, "document.download", document):
        raise PermissionDenied("document.download")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    filename = f"surat-{document.number.replace('/', '-')}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
