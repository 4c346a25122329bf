"""Where to get help: the public list of service points and announcements, a citizen's
subscriptions, and the staff's pages that keep them current. Thin: parse, ask, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from layanan.accounts.models import User
from layanan.accounts.permissions import can, require
from layanan.agencies.models import Office
from layanan.core.views import missing_when_refused, signed_in
from layanan.servicepoints import selectors, services
from layanan.servicepoints.forms import AnnouncementForm, PointFilterForm, PointStaffForm, SubscribeForm
from layanan.servicepoints.models import Announcement, ServicePoint

PAGE_SIZE = 20


# --- public ----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def point_list(request: HttpRequest) -> HttpResponse:
    form = PointFilterForm(request.GET or None)
    kecamatan, desa = form.place()
    text = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    paginator = Paginator(selectors.point_list(kecamatan=kecamatan, desa=desa, text=text), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "kecamatan": kecamatan,
        "desa": desa,
        "filtered": bool(kecamatan or desa or text),
    }
    return render(request, "servicepoints/list.html", context)


@require_http_methods(["GET"])
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.point_public_get(pk)
    if point is None:
        raise Http404
    announcements = []
    if point.office_id is not None:
        announcements = list(selectors.announcements_current().filter(office_id=point.office_id)[:5])
    context = {
        "point": point,
        "catalogue": [service for service in point.services.all() if service.is_active],
        "announcements": announcements,
        "can_manage": can(request.user, "servicepoint.manage", point),
    }
    return render(request, "servicepoints/detail.html", context)


@require_http_methods(["GET"])
def announcement_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.announcements_current(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("halaman"))
    return render(request, "servicepoints/announcements.html", {"page": page})


@require_http_methods(["GET"])
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = selectors.announcement_public_get(pk)
    if announcement is None:
        raise Http404
    return render(request, "servicepoints/announcement.html", {"announcement": announcement})


# --- a citizen's subscriptions ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "announcement.subscribe")
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        region = form.region()
        _subscription, created = services.subscription_add(user=user, region=region)
        if created:
            messages.success(
                request, _("Anda akan dikabari pengumuman untuk %(place)s.") % {"place": region.name}
            )
        else:
            messages.info(
                request, _("Anda sudah berlangganan pengumuman untuk %(place)s.") % {"place": region.name}
            )
        return redirect("servicepoints:subscriptions")
    context = {"form": form, "subscriptions": list(selectors.subscriptions_of(user))}
    return render(request, "servicepoints/subscriptions.html", context)


@login_required
@require_POST
def unsubscribe(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "announcement.subscribe")
    if services.subscription_remove(user=user, subscription_id=pk):
        messages.success(request, _("Langganan dihentikan. Anda tidak akan dikabari lagi untuk wilayah itu."))
    return redirect("servicepoints:subscriptions")


# --- staff -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def staff_announcements(request: HttpRequest) -> HttpResponse:
    require(request.user, "announcement.write")
    rows = [
        (announcement, can(request.user, "announcement.write", announcement))
        for announcement in selectors.announcements_for_staff(actor=request.user)[:100]
    ]
    return render(request, "servicepoints/staff_announcements.html", {"rows": rows})


def _office_choices(user: User) -> list[Office]:
    if user.office is not None:
        return [user.office]
    return list(Office.objects.filter(is_active=True).order_by("kind", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def staff_announcement_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "announcement.write")
    offices = _office_choices(user)
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    office_error = ""
    if request.method == "POST":
        office = _posted_office(request, offices)
        if office is None:
            office_error = _("Pilih kantor yang mengumumkan.")
        if form.is_valid() and office is not None:
            require(user, "announcement.write", office)
            publish = request.POST.get("terbitkan") == "1"
            announcement = services.announcement_create(
                office=office,
                actor=user,
                submit_key=form.cleaned_data["submit_key"],
                fields=form.fields_for_service(),
                publish=publish,
                request=request,
            )
            messages.success(
                request,
                _("Pengumuman diterbitkan.")
                if announcement.published
                else _("Pengumuman disimpan sebagai draf."),
            )
            return redirect("servicepoints:staff_announcement_edit", pk=announcement.pk)
    context = {"form": form, "offices": offices if len(offices) > 1 else [], "office_error": office_error}
    return render(request, "servicepoints/staff_announcement_form.html", context)


def _posted_office(request: HttpRequest, offices: list[Office]) -> Office | None:
    if len(offices) == 1:
        return offices[0]
    wanted = request.POST.get("office", "")
    return next((office for office in offices if str(office.pk) == wanted), None)


@login_required
@missing_when_refused
@require_http_methods(["GET", "POST"])
def staff_announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request, User)
    announcement = get_object_or_404(Announcement.objects.select_related("office"), pk=pk)
    require(user, "announcement.write", announcement)
    action = request.POST.get("tindakan", "") if request.method == "POST" else ""
    if action == "terbitkan":
        if services.announcement_publish(announcement=announcement, actor=user, request=request):
            messages.success(request, _("Pengumuman diterbitkan. Pelanggan akan dikabari."))
        return redirect("servicepoints:staff_announcement_edit", pk=pk)
    if action == "tarik":
        if services.announcement_withdraw(announcement=announcement, actor=user, request=request):
            messages.success(request, _("Pengumuman ditarik dan tidak tampil lagi."))
        return redirect("servicepoints:staff_announcement_edit", pk=pk)
    form = AnnouncementForm(
        request.POST if action == "simpan" else None,
        initial={**AnnouncementForm.initial_of(announcement), "submit_key": announcement.submit_key or ""},
    )
    form.fields["submit_key"].required = False
    if action == "simpan" and form.is_valid():
        try:
            services.announcement_update(
                announcement=announcement, actor=user, fields=form.fields_for_service(), request=request
            )
        except services.ServicePointError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("servicepoints:staff_announcement_edit", pk=pk)
    context: dict[str, Any] = {"form": form, "announcement": announcement}
    return render(request, "servicepoints/staff_announcement_edit.html", context)


@login_required
@require_http_methods(["GET"])
def staff_points(request: HttpRequest) -> HttpResponse:
    require(request.user, "servicepoint.manage")
    points = [
        p
        for p in selectors.points_for_staff(actor=request.user)[:500]
        if can(request.user, "servicepoint.manage", p)
    ]
    paginator = Paginator(points, 50)
    page = paginator.get_page(request.GET.get("halaman"))
    return render(request, "servicepoints/staff_points.html", {"page": page})


@login_required
@missing_when_refused
@require_http_methods(["GET", "POST"])
def staff_point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request, User)
    point = get_object_or_404(ServicePoint.objects.select_related("office", "region"), pk=pk)
    require(user, "servicepoint.manage", point)
    form = PointStaffForm(request.POST if request.method == "POST" else None, instance=point)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.STAFF_FIELDS}
        changed = services.service_point_update(point=point, actor=user, changes=changes, request=request)
        messages.success(
            request, _("Data tempat layanan disimpan.") if changed else _("Tidak ada yang berubah.")
        )
        return redirect("servicepoints:staff_point_edit", pk=pk)
    return render(request, "servicepoints/staff_point_edit.html", {"form": form, "point": point})
