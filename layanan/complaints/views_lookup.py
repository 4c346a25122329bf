"""The report side of the public lookup, ``/lacak/``: a report's number and its reporter's phone's
last four digits show the report's status, nothing more.

``/lacak/`` (the applications app's page) hands a report number to :func:`track` through the
URL resolver, so the two apps need not import each other; ``track`` is complete by itself (a
POST straight to it is rate-limited the same way). Rate-limited per address and per number in
the same buckets as the application side (only failed lookups count).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from layanan.accounts import ratelimit
from layanan.complaints import selectors
from layanan.complaints.forms import ReportLookupForm
from layanan.tracking.codes import tracking_number_normalize

# The very buckets of applications.views_lookup (same names, attempts and windows): a failed
# lookup counts once whichever kind of number was typed.
LOOKUP_PER_ADDRESS = ratelimit.Limit("lookup-address", attempts=20, window_seconds=15 * 60)
LOOKUP_PER_NUMBER = ratelimit.Limit("lookup-number", attempts=10, window_seconds=60 * 60)


@sensitive_post_parameters("phone_last4")
@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = ReportLookupForm(request.POST if request.method == "POST" else None)
    report: selectors.ReportStatus | None = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        address = ratelimit.client_address(request)
        number = tracking_number_normalize(form.cleaned_data["tracking_number"]) or ""
        wait = max(
            LOOKUP_PER_ADDRESS.wait_seconds(address),
            LOOKUP_PER_NUMBER.wait_seconds(number) if number else 0,
        )
        if wait:
            form.add_error(
                None,
                _("Terlalu banyak pencarian yang tidak cocok. Coba lagi dalam %(minutes)d menit.")
                % {"minutes": ratelimit.minutes_text(wait)},
            )
        else:
            report = (
                selectors.report_status_lookup(
                    tracking_number=number, phone_last4=form.cleaned_data["phone_last4"]
                )
                if number
                else None
            )
            if report is not None:
                form = ReportLookupForm()  # the digits are not shown again on the page
            else:
                not_found = True
                LOOKUP_PER_ADDRESS.fail(address)
                if number:
                    LOOKUP_PER_NUMBER.fail(number)
    return render(
        request,
        "applications/citizen/lookup.html",
        {"form": form, "found": None, "report": report, "not_found": not_found},
    )
