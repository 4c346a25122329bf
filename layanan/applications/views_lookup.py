"""The public status lookup: a tracking number and the last four digits of the phone, nothing more.

Rate-limited per address and per tracking number (only failed lookups count), so
guessing numbers or digits is slow; a found application shows its status only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from layanan.accounts import ratelimit
from layanan.applications import selectors
from layanan.applications.forms import LookupForm
from layanan.tracking.codes import tracking_number_normalize

LOOKUP_PER_ADDRESS = ratelimit.Limit("lookup-address", attempts=20, window_seconds=15 * 60)
LOOKUP_PER_NUMBER = ratelimit.Limit("lookup-number", attempts=10, window_seconds=60 * 60)


@sensitive_post_parameters("phone_last4")
@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST if request.method == "POST" else None)
    found: selectors.PublicStatus | None = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        address = ratelimit.client_address(request)
        number = tracking_number_normalize(form.cleaned_data["tracking_number"]) or ""
        wait = max(
            LOOKUP_PER_ADDRESS.wait_seconds(address),
            LOOKUP_PER_NUMBER.wait_seconds(number) if number else 0,
        )
        if wait:
            minutes = ratelimit.minutes_text(wait)
            form.add_error(
                None,
                _("Terlalu banyak pencarian yang tidak cocok. Coba lagi dalam %(minutes)d menit.")
                % {"minutes": minutes},
            )
        else:
            found = (
                selectors.status_lookup(tracking_number=number, phone_last4=form.cleaned_data["phone_last4"])
                if number
                else None
            )
            if found is not None:
                form = LookupForm()  # the digits are not shown again on the page
            else:
                not_found = True
                LOOKUP_PER_ADDRESS.fail(address)
                if number:
                    LOOKUP_PER_NUMBER.fail(number)
    return render(
        request,
        "applications/citizen/lookup.html",
        {"form": form, "found": found, "not_found": not_found},
    )
