"""Handing an issued letter to the people it belongs to: the private PDF download.

Only a valid document is handed out. A revoked one is refused with a page that says
so (when, why, what to do), status 410: its PDF still carries an intact signature, so
handing it out at all would let it pass for valid wherever it is shown next. A stamped
copy would break that signature and still look like the letter; refusing is simpler and
leaves nothing to misread. A replaced one leads to its successor (the newest in the
chain) when the person may download that, and otherwise explains the same way.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from layanan.accounts.permissions import can
from layanan.core.views import harden_file_response
from layanan.documents.models import Document

CHAIN_MAX = 20  # a replacement chain longer than this is a data error, not a letter's history


def _successor(document: Document) -> Document | None:
    """The newest document of the replacement chain that starts at ``document`` (None: no successor)."""
    current = document
    for _step in range(CHAIN_MAX):
        if current.replaced_by_id is None:
            return current if current is not document else None
        current = Document.objects.select_related("office", "service").get(pk=current.replaced_by_id)
    return None


@login_required
@require_GET
@never_cache
def download(request: HttpRequest, code: str) -> HttpResponseBase:
    """The signed PDF, as an attachment: its owner (and their agent), and staff of the issuing office.

    Anyone else gets the same 404 as for a code that does not exist. The stored PDF is decrypted
    by the storage (:mod:`layanan.core.filecrypt`) and served sandboxed, never sniffed or cached.
    """
    document = Document.objects.select_related("office", "service").filter(public_code=code).first()
    if document is None or not can(request.user, "document.download", document):
        raise Http404
    if document.state != Document.State.VALID:
        return _not_valid(request, document)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    filename = f"surat-{document.number.replace('/', '-')}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    return harden_file_response(response)


def _not_valid(request: HttpRequest, document: Document) -> HttpResponse:
    successor = _successor(document) if document.state == Document.State.REPLACED else None
    if (
        successor is not None
        and successor.state == Document.State.VALID
        and can(request.user, "document.download", successor)
    ):
        return redirect("documents:download", code=successor.public_code)
    context = {"document": document, "successor": successor}
    return render(request, "documents/download_not_valid.html", context, status=410)
