"""Public verification of issued documents (no sign-in).

* ``/v/`` — type a code (a GET form that leads to ``/v/<code>/``) or drop a PDF.
* ``/v/<code>/`` — the document's state (valid, replaced, revoked) and what is
  printed on it, with the holder's name masked; drop the PDF to compare it.
  The QR code on every letter links here (its payload rides in the fragment,
  which never reaches the server).
* ``/v/kunci-publik/`` — the platform's public QR key, for offline checks.

Every check is logged (:func:`~layanan.documents.verification.verification_record`)
and limited per address.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from layanan.accounts import ratelimit
from layanan.core.uploads import size_words
from layanan.documents import qr, selectors, verification
from layanan.documents.models import Verification

PDF_MAX_BYTES = 10 * 1024 * 1024


class CodeForm(forms.Form):
    kode = forms.CharField(
        label=gettext_lazy("Kode dokumen"),
        max_length=40,
        help_text=gettext_lazy("Tertulis di bawah kode QR, misalnya K7QM 2XPA …"),
    )


class PdfForm(forms.Form):
    berkas = forms.FileField(
        label=gettext_lazy("Berkas PDF dokumen"),
        help_text=gettext_lazy("Berkas PDF yang Anda terima, paling besar 10 MB. Berkas tidak disimpan."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_berkas(self) -> bytes:
        upload = self.cleaned_data["berkas"]
        if upload.size is None or upload.size > PDF_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimum %(limit)s).") % {"limit": size_words(PDF_MAX_BYTES)}
            )
        upload.seek(0)
        data: bytes = upload.read(PDF_MAX_BYTES + 1)
        if len(data) > PDF_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimum %(limit)s).") % {"limit": size_words(PDF_MAX_BYTES)}
            )
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("Berkas ini bukan PDF."))
        return data


def _limited(request: HttpRequest) -> HttpResponse | None:
    """The friendly 429 page when this address has checked too often; else count this check."""
    address = ratelimit.client_address(request)
    wait = verification.VERIFY_PER_ADDRESS.wait_seconds(address)
    if wait:
        response = render(
            request,
            "documents/verify_limited.html",
            {"minutes": ratelimit.minutes_text(wait)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    verification.VERIFY_PER_ADDRESS.fail(address)
    return None


def _pdf_result(request: HttpRequest, form: PdfForm, code: str = "") -> verification.PdfCheck:
    outcome = verification.pdf_check(pdf=form.cleaned_data["berkas"], code=code)
    verification.verification_record(
        document=outcome.found.document if outcome.found else None,
        method=verification.Method.PDF,
        result=outcome.result,
        address=ratelimit.client_address(request),
    )
    return outcome


@never_cache
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    code_form = CodeForm(request.GET if "kode" in request.GET else None)
    pdf_form = PdfForm(request.POST, request.FILES) if request.method == "POST" else PdfForm()
    outcome: verification.PdfCheck | None = None
    if code_form.is_bound and code_form.is_valid():
        code = selectors.public_code_normalize(code_form.cleaned_data["kode"])
        if code:
            return redirect("documents:check", code=code)
        code_form.add_error(
            "kode", _("Kode dokumen terdiri dari huruf dan angka, seperti yang tertulis di bawah QR.")
        )
    if request.method == "POST":
        if (limited := _limited(request)) is not None:
            return limited
        if pdf_form.is_valid():
            outcome = _pdf_result(request, pdf_form)
    return render(
        request,
        "documents/verify_index.html",
        {"code_form": code_form, "pdf_form": pdf_form, "outcome": outcome, "Result": Verification.Result},
        status=400 if pdf_form.errors or code_form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, code: str) -> HttpResponse:
    normalized = selectors.public_code_normalize(code)
    if normalized and normalized != code:
        return redirect("documents:check", code=normalized)
    if (limited := _limited(request)) is not None:
        return limited
    found = selectors.document_public_by_code(code=normalized) if normalized else None
    address = ratelimit.client_address(request)
    if found is None:
        verification.verification_record(
            document=None,
            method=verification.Method.CODE,
            result=Verification.Result.UNKNOWN,
            address=address,
        )
        return render(request, "documents/verify_unknown.html", {"code_form": CodeForm()}, status=404)
    outcome: verification.PdfCheck | None = None
    pdf_form = PdfForm()
    if request.method == "POST":
        pdf_form = PdfForm(request.POST, request.FILES)
        if pdf_form.is_valid():
            outcome = _pdf_result(request, pdf_form, code=normalized)
    else:
        verification.verification_record(
            document=found.document,
            method=verification.Method.CODE,
            result=verification.result_of(found.document),
            address=address,
        )
    context: dict[str, Any] = {
        "found": found,
        "pdf_form": pdf_form,
        "outcome": outcome,
        "Result": Verification.Result,
        "State": type(found.document).State,
    }
    return render(request, "documents/verify_document.html", context, status=400 if pdf_form.errors else 200)


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The platform's Ed25519 public key (PEM) that signs the text in every QR code."""
    response = HttpResponse(qr.public_key_pem(), content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = 'inline; filename="layanan-qr-publik.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


__all__ = ["check", "index", "public_key"]
