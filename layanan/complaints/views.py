"""The reporter's pages and the public list of reports. Thin: parse, call, render.

The reporter's path: ``new`` (one short page) → when similar open reports
exist, the same POST shows them first ("Laporan serupa": support one of them,
or send anyway with ``confirm=1``) → ``done`` (the tracking number). The
submit key travels with the form, so a double submit gives one report.
Photos cannot travel in hidden fields: when the similar reports are shown,
the page says so and asks for them again.

``mine`` lists one's own and supported reports; ``detail`` shows one's own
report with its public timeline, the answer, and the rating, confirm and
reopen actions. ``public_list``/``public_detail`` show non-confidential
reports to anyone, never with the reporter's identity, and photos only when
an officer published them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from layanan.accounts import ratelimit
from layanan.accounts.models import User
from layanan.complaints import panels, presentation, selectors, services, workflow
from layanan.complaints.forms import PublicFilterForm, RateForm, ReopenForm, ReportForm
from layanan.complaints.models import Report, Status
from layanan.complaints.photos import photo_response
from layanan.core.practice import practice_on
from layanan.core.tags import tags_by_status
from layanan.core.views import signed_in

NEW_REPORTS_PER_USER = ratelimit.Limit("report-new", attempts=10, window_seconds=24 * 60 * 60)
PUBLIC_PAGE_SIZE = 20

STATUS_TAGS = tags_by_status(
    grey=(Status.CLOSED, Status.NOT_AUTHORITY, Status.ARCHIVED),
    yellow=(Status.POSTPONED,),
    green=(Status.ANSWERED,),
)
OPEN_STATUSES = workflow.OPEN_STATUSES
PUBLIC_STATUSES = selectors.PUBLIC_STATUSES


# --- helpers ---------------------------------------------------------------------------------------------


def _own(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Report]:
    """The report, for its reporter only (officers work on it on their own pages).

    Anyone else gets the same 404 as for a report that does not exist ("not yours" is "missing").
    """
    user = signed_in(request, User)
    try:
        report = selectors.report_get(actor=user, public_id=public_id)
    except PermissionDenied:
        raise Http404 from None
    if report.reporter_id != user.pk:
        raise Http404
    return user, report


def _tag(report: Report) -> str:
    return STATUS_TAGS.get(Status(report.status), "")


def _breached(report: Report) -> bool:
    """A deadline has passed while the report is still open (the "terlambat" marker)."""
    return bool(getattr(report, "breached", False)) or selectors.is_breached(report)


def _sent_before(user: User, raw_key: str) -> Report | None:
    """The report this user already sent with this submit key (a double submit), if any."""
    try:
        key = uuid.UUID(raw_key)
    except ValueError:
        return None
    return selectors.report_sent_before(actor=user, submit_key=key)


# --- filing a report --------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    if request.method != "POST":
        return render(request, "complaints/citizen/new.html", {"form": ReportForm()})
    earlier = _sent_before(user, request.POST.get("submit_key", ""))
    if earlier is not None:
        return redirect("complaints:done", public_id=earlier.public_id)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "complaints/citizen/new.html", {"form": form})
    data = form.cleaned_data
    # A voice note cannot travel in a hidden field either, and one who spoke rather than wrote is not
    # asked to record again: with a voice note, the similar reports are not shown first.
    if request.POST.get("confirm") != "1" and data.get("voice") is None:
        similar = selectors.similar_open_reports(
            category=data["category"],
            region=data["region"],
            text=data["text"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        if similar:
            carried = request.POST.copy()
            if form.photo_location_used:  # the photo's point travels; the photos must be chosen again
                carried["latitude"], carried["longitude"] = str(data["latitude"]), str(data["longitude"])
            context = {
                "form": form,
                "carry": ReportForm(carried),
                "similar": similar,
                "had_photos": bool(data.get("photos")),
                "photo_location_used": form.photo_location_used,
            }
            return render(request, "complaints/citizen/similar.html", context)
    wait = NEW_REPORTS_PER_USER.wait_seconds(str(user.pk))
    if wait:
        form.add_error(
            None,
            _("Anda sudah mengirim banyak laporan hari ini. Coba lagi dalam %(minutes)s menit.")
            % {"minutes": ratelimit.minutes_text(wait)},
        )
        return render(request, "complaints/citizen/new.html", {"form": form}, status=429)
    try:
        report = services.report_submit(
            reporter=user,
            kind=data["kind"],
            category=data["category"],
            text=data["text"],
            region=data["region"],
            channel="web",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            address_text=data.get("address_text") or "",
            occurred_on=data.get("occurred_on"),
            anonymous=bool(data.get("anonymous")),
            confidential=bool(data.get("confidential")),
            photos=data.get("photos") or [],
            voice=data.get("voice"),
            submit_key=data["submit_key"],
            practice=practice_on(request),
        )
    except services.ReportError as refused:
        form.add_error(None, str(refused))
        return render(request, "complaints/citizen/new.html", {"form": form})
    NEW_REPORTS_PER_USER.fail(str(user.pk))
    return redirect("complaints:done", public_id=report.public_id)


@never_cache
@login_required
def done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _viewer, report = _own(request, public_id)
    return render(request, "complaints/citizen/done.html", {"report": report})


@never_cache
@login_required
@require_POST
def support(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """ "Saya juga mengalami ini": follow and support someone else's open report."""
    user = signed_in(request, User)
    report = selectors.report_to_support(public_id=public_id)
    if report.reporter_id == user.pk:
        messages.info(request, _("Ini laporan Anda sendiri."))
        return redirect("complaints:detail", public_id=report.public_id)
    if practice_on(request):  # a real report: a trainee's support would count and be told
        messages.info(
            request,
            _("Dalam mode latihan, dukungan tidak dicatat. Laporan warga itu tetap seperti semula."),
        )
        return redirect("complaints:mine")
    try:
        services.report_support(report=report, user=user)
    except services.ReportError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Terima kasih. Anda ikut mendukung laporan %(number)s dan akan dikabari perkembangannya.")
            % {"number": report.tracking_number},
        )
    return redirect("complaints:mine")


# --- following one's reports -------------------------------------------------------------------------------


@never_cache
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    own = list(selectors.reports_of_reporter(actor=user))
    supported = selectors.reports_supported_by(actor=user)
    context = {
        "own": [(r, _tag(r), _breached(r)) for r in own],
        "supported": [(r, _tag(r), _breached(r)) for r in supported],
    }
    return render(request, "complaints/citizen/mine.html", context)


@never_cache
@login_required
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, report = _own(request, public_id)
    return _render_detail(request, user, report)


def _render_detail(
    request: HttpRequest,
    user: User,
    report: Report,
    *,
    rate_form: RateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    answered = report.status in (Status.ANSWERED, Status.CLOSED)
    context = {
        "report": report,
        "tag_class": _tag(report),
        "breached": _breached(report),
        "history": presentation.history(selectors.report_timeline(actor=user, report=report)),
        "point": presentation.point_of(report),
        "evidence": list(report.photos.filter(is_evidence=True).order_by("uploaded_at", "pk")),
        "can_confirm": report.status == Status.ANSWERED,
        "can_rate": answered and report.satisfied is None,
        "can_reopen": answered and report.reopened_count == 0,
        "rate_form": rate_form or RateForm(),
        "own_photos": list(report.photos.filter(is_evidence=False).order_by("uploaded_at", "pk")),
        "voice": selectors.report_voice(report),
        "panels": panels.report_panels(report=report, actor=user, audience="reporter"),
    }
    return render(request, "complaints/citizen/detail.html", context, status=status)


def _reporter_act(
    request: HttpRequest, report: Report, action: Callable[[], object], success: str
) -> HttpResponse:
    """Take the reporter's ``action`` and say how it went, on the report's page."""
    try:
        action()
    except services.ReportError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect("complaints:detail", public_id=report.public_id)


@never_cache
@login_required
@require_POST
def rate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, report = _own(request, public_id)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, user, report, rate_form=form, status=400)
    action = partial(
        services.report_rate,
        report=report,
        actor=user,
        satisfied=form.cleaned_data["satisfied"],
        comment=form.cleaned_data["comment"],
    )
    return _reporter_act(request, report, action, _("Terima kasih atas penilaian Anda."))


@never_cache
@login_required
@require_POST
def confirm(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, report = _own(request, public_id)
    action = partial(services.report_confirm, report=report, actor=user)
    return _reporter_act(request, report, action, _("Laporan sudah Anda nyatakan selesai. Terima kasih."))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, report = _own(request, public_id)
    if report.reopened_count > 0 or report.status not in (Status.ANSWERED, Status.CLOSED):
        messages.error(request, _("Laporan ini tidak dapat dibuka lagi."))
        return redirect("complaints:detail", public_id=report.public_id)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        action = partial(services.report_reopen, report=report, actor=user, reason=reason)
        return _reporter_act(
            request, report, action, _("Laporan dibuka lagi dan diteruskan kembali kepada petugas.")
        )
    return render(request, "complaints/citizen/reopen.html", {"report": report, "form": form})


# --- the public list -------------------------------------------------------------------------------------


def _public(form: PublicFilterForm) -> QuerySet[Report]:
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "kecamatan_code": form.cleaned_data.get("kecamatan") or None,
            "category": form.cleaned_data.get("category"),
            "status": form.cleaned_data.get("status") or None,
        }
    return selectors.public_reports(**filters)


@require_http_methods(["GET"])
def public_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    paginator = Paginator(_public(form), PUBLIC_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(r, _tag(r)) for r in page.object_list],
        "query": query.urlencode(),
    }
    return render(request, "complaints/public/list.html", context)


@require_http_methods(["GET"])
def public_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = _public(PublicFilterForm()).filter(public_id=public_id).first()
    if report is None:
        raise Http404
    photos = list(report.photos.filter(published=True).order_by("uploaded_at", "id"))
    context = {
        "report": report,
        "tag_class": _tag(report),
        "evidence": [photo for photo in photos if photo.is_evidence],
        "reporter_photos": [photo for photo in photos if not photo.is_evidence],
        "can_support": report.status in OPEN_STATUSES,
    }
    return render(request, "complaints/public/detail.html", context)


@require_http_methods(["GET"])
def public_photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """A photo an officer published, of a report on the public list; nothing else."""
    photo = selectors.public_photo_get(photo_id=photo_id)
    return photo_response(request, photo, private=False)
