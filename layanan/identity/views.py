"""Staff pages of NIK claims: counter staff verify a claim against the KTP-el; the Disdukcapil
office and administrators settle disputes. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from layanan.accounts.models import User
from layanan.accounts.phone import mask_phone
from layanan.identity import selectors, services
from layanan.identity.access import may_look_up_by_nik, may_resolve_disputes, may_set_identity
from layanan.identity.forms import NikLookupForm
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


def _counter_actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not may_look_up_by_nik(user):
        raise PermissionDenied
    return user


@sensitive_post_parameters("nik")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def claim_lookup(request: HttpRequest) -> HttpResponse:
    """Find the claims to a NIK (POST: a NIK never travels in an address) to verify one at the counter."""
    actor = _counter_actor(request)
    form = NikLookupForm(request.POST or None)
    entries: list[dict[str, object]] | None = None
    if request.method == "POST" and form.is_valid():
        claims = selectors.claims_for_nik(actor=actor, nik=form.cleaned_data["nik"])
        services.nik_claims_looked_up(actor=actor, found=len(claims), request=request)
        entries = [
            {
                "claim": claim,
                "phone": mask_phone(claim.user.phone),
                "may_verify": claim.status == NikClaim.Status.CLAIMED
                and claim.user_id != actor.pk
                and may_set_identity(actor=actor, user=claim.user),
            }
            for claim in claims
        ]
    return render(request, "identity/claim_lookup.html", {"form": form, "entries": entries})


@never_cache
@login_required
@require_POST
def claim_verify(request: HttpRequest, claim_id: int) -> HttpResponse:
    actor = _counter_actor(request)
    claim = NikClaim.objects.select_related("user").filter(pk=claim_id, status__in=NikClaim.OPEN).first()
    if claim is None:
        raise Http404
    try:
        services.nik_claim_verify(claim=claim, actor=actor, request=request)
    except services.ClaimError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("NIK %(name)s sudah diverifikasi dengan KTP-el.") % {"name": claim.user.full_name}
        )
    return redirect("identity:claims")
