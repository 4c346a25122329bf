"""The visitor's vote and problem report, the public changes page, and the administrators' product page.

Thin: parse, call a service or selector, render. A visitor's POSTs are rate-limited per address
(the address only ever hashed into a cache key, as the other public forms do).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from layanan.accounts import ratelimit
from layanan.accounts.models import User
from layanan.accounts.permissions import can, require
from layanan.core.views import harden_file_response, signed_in
from layanan.feedback import export, selectors, services
from layanan.feedback.forms import FilterForm, PlatformChangeForm, ProblemForm, TagForm, VoteForm, vote_token
from layanan.feedback.models import PageFeedback

# Votes and problem reports per address: a page of a busy office's shared connection stays usable,
# a script sending thousands is stopped.
SENDS_PER_ADDRESS = ratelimit.Limit("feedback-address", attempts=60, window_seconds=60 * 60)
TEXTS_PER_PAGE = 20


def _sender(request: HttpRequest) -> str:
    """A random secret of this browser (its CSRF secret), hashed into the double-send mark only."""
    return str(request.META.get("CSRF_COOKIE") or "")


def _back(request: HttpRequest, target: str) -> str:
    """``target`` when it is a path of this site, else the home page (the path is never stored)."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


def _limited(request: HttpRequest) -> HttpResponse | None:
    """The plain 429 page when this address sent too much; else count this send."""
    address = ratelimit.client_address(request)
    wait = SENDS_PER_ADDRESS.wait_seconds(address)
    if wait:
        response = render(
            request, "feedback/limited.html", {"minutes": ratelimit.minutes_text(wait)}, status=429
        )
        response["Retry-After"] = str(wait)
        return response
    SENDS_PER_ADDRESS.fail(address)
    return None


def _language() -> str:
    return translation.get_language() or ""


@never_cache
@require_POST
def vote(request: HttpRequest) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    form = VoteForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/not_understood.html", status=400)
    page = form.cleaned_data["laman"]
    row, _counted = services.feedback_vote(
        page=page, helpful=form.helpful, language=_language(), sender=_sender(request)
    )
    back = _back(request, form.cleaned_data.get("next") or "")
    context: dict[str, Any] = {"back": back, "helpful": form.helpful}
    if not form.helpful:
        context["form"] = ProblemForm(
            initial={"laman": page, "next": back, "suara": vote_token(row.pk) if row is not None else ""}
        )
    return render(request, "feedback/thanks.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def problem(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if (limited := _limited(request)) is not None:
            return limited
        form = ProblemForm(request.POST)
        if form.is_valid():
            services.feedback_problem(
                page=form.cleaned_data["laman"],
                trying=form.cleaned_data.get("trying") or "",
                problem=form.cleaned_data.get("problem") or "",
                language=_language(),
                sender=_sender(request),
                vote_id=form.vote_id,
            )
            back = _back(request, form.cleaned_data.get("next") or "")
            return render(request, "feedback/thanks.html", {"back": back, "reported": True})
        status = 400
    else:
        page = request.GET.get("laman", "")
        form = ProblemForm(initial={"laman": page if selectors.page_name_valid(page) else ""})
        status = 200
    return render(request, "feedback/problem.html", {"form": form}, status=status)


@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.platform_changes(), 20)
    page = paginator.get_page(request.GET.get("halaman"))
    return render(request, "feedback/changes.html", {"page": page})


# --- the product page --------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def product(request: HttpRequest) -> HttpResponse:
    require(request.user, "feedback.read")
    form = FilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors.feedback_list(actor=request.user, filters=filters)
    paginator = Paginator(selectors.texts(rows), TEXTS_PER_PAGE)
    texts = paginator.get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    manage = can(request.user, "feedback.manage")
    context = {
        "form": form,
        "by_page": selectors.tally_by_page(rows)[:30],
        "by_week": selectors.tally_by_week(rows)[:12],
        "unhelpful": selectors.most_unhelpful(rows),
        "texts": texts,
        "all_tags": list(selectors.tags_active()) if manage else [],
        "query": query.urlencode(),
        "manage": manage,
        "platform": selectors.platform_ease(actor=request.user, start=filters.since, end=filters.until),
        "changes": selectors.platform_changes()[:5],
    }
    return render(request, "feedback/product.html", context)


@never_cache
@login_required
@require_GET
def export_download(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "feedback.read")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = FilterForm(request.GET or None)
    rows = selectors.feedback_list(actor=request.user, filters=form.filters()).prefetch_related("tags")
    head, body = export.header(), export.rows(rows)
    if fmt == "csv":
        response = HttpResponse(export.as_csv(head, body), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            export.as_xlsx(head, body),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="masukan-{timezone.localdate():%Y%m%d}.{fmt}"'
    return harden_file_response(response)  # nosniff, sandboxed, never cached


@login_required
@require_POST
def tag(request: HttpRequest, pk: int) -> HttpResponse:
    actor = signed_in(request, User)
    require(actor, "feedback.manage")
    row = get_object_or_404(PageFeedback, pk=pk)
    form = TagForm(request.POST)
    back = (
        _back(request, request.POST.get("next", ""))
        if request.POST.get("next")
        else reverse("feedback:product")
    )
    if not form.is_valid():
        messages.error(request, _("Label ini tidak dikenal."))
        return redirect(back)
    services.feedback_tag(actor=actor, feedback=row, tags=form.cleaned_data["label"], request=request)
    messages.success(request, _("Label disimpan."))
    return redirect(back)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request, User)
    require(actor, "feedback.manage")
    form = PlatformChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.platform_change_record(
            actor=actor,
            day=data["date"],
            title=data["title"],
            description=data["description"],
            title_en=data.get("title_en") or "",
            description_en=data.get("description_en") or "",
            pages=data.get("pages") or "",
            tags=data.get("tags") or [],
            submit_key=data["submit_key"],
            request=request,
        )
        messages.success(request, _("Perubahan dicatat dan tampil di halaman publik."))
        return redirect("feedback:product")
    if request.method == "GET" and "laman" in request.GET:
        page = request.GET["laman"]
        if selectors.page_name_valid(page):
            form.initial["pages"] = page
    return render(request, "feedback/change_form.html", {"form": form}, status=400 if form.errors else 200)
