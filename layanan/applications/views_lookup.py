"""The public status lookup: a tracking number and the last four digits of the phone, nothing more.

Rate-limited per address and per tracking number (only failed lookups count), so
guessing numbers or digits is slow; a found application shows its status only.

One page for both kinds of number: an application's (``P-...``) is looked up here; a
report's (``A-...``) is handed, request and all, to the complaints app's own lookup view,
found by its URL name (the two apps sit on one layer and do not import each other). That
view counts failures in the same buckets.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from layanan.accounts import ratelimit
from layanan.applications import selectors
from layanan.applications.forms import LookupForm
from layanan.tracking.codes import TrackingKind, tracking_number_normalize

LOOKUP_PER_ADDRESS = ratelimit.Limit("lookup-address", attempts=20, window_seconds=15 * 60)
LOOKUP_PER_NUMBER = ratelimit.Limit("lookup-number", attempts=10, window_seconds=60 * 60)

# The page serves both kinds of number; the words are the complaints side's form's too.
NUMBER_HINT = gettext_lazy(
    "Tertulis di pesan yang Anda terima: P-7K94M-9XH3C untuk permohonan, A-4MX7K-2P9RH untuk laporan."
)
PHONE_LABEL = gettext_lazy("4 angka terakhir nomor HP Anda")
PHONE_HINT = gettext_lazy(
    "Nomor HP yang dipakai saat mengajukan permohonan atau mengirim laporan. "
    "Misalnya 7890 untuk 0812 3456 7890."
)


def _form(data: QueryDict | None = None) -> LookupForm:
    form = LookupForm(data)
    form.fields["tracking_number"].help_text = NUMBER_HINT
    form.fields["phone_last4"].label = PHONE_LABEL
    form.fields["phone_last4"].help_text = PHONE_HINT
    return form


def _is_report_number(typed: str) -> bool:
    number = tracking_number_normalize(typed)
    return number is not None and number.startswith(TrackingKind.ADUAN + "-")


@sensitive_post_parameters("phone_last4")
@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = _form(request.POST if request.method == "POST" else None)
    found: selectors.PublicStatus | None = None
    not_found = False
    if request.method == "POST" and _is_report_number(request.POST.get("tracking_number", "")):
        return resolve(reverse("complaints:track")).func(request)
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
                form = _form()  # the digits are not shown again on the page
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
