"""The staff page of disputed NIK claims: the Disdukcapil office and administrators settle them. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from layanan.accounts.models import User
from layanan.accounts.phone import mask_phone
from layanan.identity import selectors, services
from layanan.identity.access import may_resolve_disputes
from layanan.identity.models import NikClaim


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not may_resolve_disputes(user):
        raise PermissionDenied
    return user


@never_cache
@login_required
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rows = selectors.disputes_open(actor=actor)
    entries = [
        {"row": row, "claims": [(claim, mask_phone(claim.user.phone)) for claim in row.claims]}
        for row in rows
    ]
    return render(request, "identity/dispute_list.html", {"entries": entries})


@never_cache
@login_required
@require_POST
def dispute_resolve(request: HttpRequest, dispute_id: int) -> HttpResponse:
    actor = _actor(request)
    dispute = selectors.dispute_get(actor=actor, dispute_id=dispute_id)
    if dispute is None:
        raise Http404
    choice = request.POST.get("winner", "")
    winner: NikClaim | None = None
    if choice != "none":
        winner = NikClaim.objects.filter(dispute=dispute, pk=int(choice) if choice.isdigit() else -1).first()
        if winner is None:
            messages.error(request, _("Pilih akun pemilik NIK, atau nyatakan tidak ada yang terbukti."))
            return redirect("identity:disputes")
    try:
        services.nik_dispute_resolve(dispute=dispute, winner=winner, actor=actor, request=request)
    except services.ClaimError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Sengketa NIK sudah diselesaikan."))
    return redirect("identity:disputes")
