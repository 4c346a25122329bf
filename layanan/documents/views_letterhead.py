"""An office's letterhead (kop surat), edited by its own staff at ``/petugas/kantor/<code>/kop-surat/``.

Who may open it is ``office.letterhead.write``: the office's operator or signing
official, or an administrator; everyone else gets 403 (the office is named in
the URL, so a refusal is the answer, not a 404). The page shows what the letters
print now, with the defaults for what the office has not set, and saves through
:func:`layanan.agencies.services.office_letterhead_update` (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.agencies.forms import LetterheadForm
from layanan.agencies.letterhead import office_letterhead
from layanan.agencies.models import Office
from layanan.agencies.services import office_letterhead_update
from layanan.documents.models import OfficeNumbering
from layanan.documents.numbering import number_format
from layanan.documents.rendering import verify_url_short

__all__ = ["edit"]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    office = get_object_or_404(Office.objects.select_related("region__parent"), code=code)
    actor = request.user
    require(actor, "office.letterhead.write", office)
    assert isinstance(actor, User)  # require() refuses anyone else
    form = LetterheadForm(request.POST if request.method == "POST" else None, instance=office)
    if request.method == "POST" and form.is_valid():
        changed = office_letterhead_update(
            office=office, actor=actor, changes=form.cleaned_data, request=request
        )
        if changed:
            messages.success(request, _("Kop surat disimpan. Surat berikutnya memakai data ini."))
        else:
            messages.info(request, _("Tidak ada yang berubah."))
        return redirect("letterhead:edit", code=office.code)
    if request.method == "POST":
        office.refresh_from_db()  # the preview shows what is saved, not the refused input
    letterhead = office_letterhead(office)
    numbering = OfficeNumbering.objects.filter(office=office).first()
    pattern = numbering.pattern if numbering else str(OfficeNumbering._meta.get_field("pattern").default)
    example = number_format(
        pattern=pattern, classification="470", seq=1, office_code=letterhead.letter_code, when=timezone.now()
    )
    return render(
        request,
        "documents/letterhead.html",
        {
            "office": office,
            "form": form,
            "letterhead": letterhead,
            "example_number": example,
            "verify_url": verify_url_short(),
        },
        status=400 if form.errors else 200,
    )
