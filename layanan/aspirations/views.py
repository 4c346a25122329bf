"""The Musrenbang pages: the public view per desa, a citizen's usulan and support, the operator's list,
exports and steps. Thin: parse, ask the permission table, call a service or selector, render."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from PIL import Image

from layanan.accounts import ratelimit
from layanan.accounts.models import User
from layanan.accounts.permissions import can, require
from layanan.aspirations import export, selectors, services
from layanan.aspirations.forms import AcceptForm, BuiltForm, RejectForm, StaffFilterForm, UsulanForm
from layanan.aspirations.models import Usulan, UsulanPhoto
from layanan.calendars.selectors import WIB
from layanan.core.views import file_response, harden_file_response, missing_when_refused, signed_in
from layanan.regions.models import Region
from layanan.regions.selectors import region_get

PAGE_SIZE = 30
NEW_USULAN_PER_USER = ratelimit.Limit("usulan-new", attempts=10, window_seconds=24 * 60 * 60)
THUMBNAIL_SIDE = 480
SMALL = "kecil"
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# --- public ----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    context = {"districts": selectors.public_index(), "rounds": selectors.next_rounds()}
    return render(request, "aspirations/index.html", context)


@require_http_methods(["GET"])
def desa(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(code)
    if region is None or region.level != Region.Level.VILLAGE:
        raise Http404
    years = selectors.years_in_use()
    year = _int(request.GET.get("tahun"))
    if year not in years:
        year = None
    context = {
        "desa": region,
        "groups": selectors.desa_usulan(desa=region, year=year),
        "rounds": selectors.next_rounds(),
        "years": years,
        "year": year,
        "may_propose": can(request.user, "aspiration.propose"),
    }
    return render(request, "aspirations/desa.html", context)


@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    usulan = selectors.usulan_public_get(pk)
    if usulan is None:
        raise Http404
    user = request.user
    supported = selectors.has_supported(usulan=usulan, user=user)
    refusal = ""
    if isinstance(user, User) and not supported:
        refusal = services.support_refusal(usulan=usulan, user=user)
    context = {
        "usulan": usulan,
        "supported": supported,
        "refusal": refusal,
        "is_proposer": isinstance(user, User) and usulan.proposer_id == user.pk,
        "photos": list(usulan.photos.all()) if can(user, "aspiration.photo.read", usulan) else [],
        "may_manage": can(user, "aspiration.manage", usulan),
    }
    return render(request, "aspirations/detail.html", context)


@login_required
@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request, User)
    usulan = selectors.usulan_public_get(pk)
    if usulan is None:
        raise Http404
    try:
        _support, created = services.usulan_support(usulan=usulan, user=user, request=request)
    except services.AspirationError as refused:
        return render(
            request,
            "aspirations/refused.html",
            {"usulan": usulan, "message": str(refused)},
            status=403,
        )
    if created:
        messages.success(request, _("Terima kasih, dukungan Anda dicatat."))
    else:
        messages.info(request, _("Anda sudah mendukung usulan ini."))
    return redirect("aspirations:detail", pk=usulan.pk)


def _thumbnail(photo: UsulanPhoto) -> bytes:
    try:
        with photo.file.open("rb") as handle, Image.open(handle) as image:
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            output = io.BytesIO()
            image.convert("RGB").save(output, format="JPEG", quality=70, optimize=True)
    except FileNotFoundError:
        raise Http404 from None
    return output.getvalue()


@login_required
@missing_when_refused
@require_http_methods(["GET"])
def photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    found = (
        UsulanPhoto.objects.select_related("usulan", "usulan__region")
        .filter(pk=photo_id, usulan_id=pk)
        .first()
    )
    if found is None:
        raise Http404
    require(request.user, "aspiration.photo.read", found.usulan)
    filename = f"foto-usulan-{found.pk}.jpg"
    if request.GET.get("ukuran") != SMALL:
        return file_response(found.file, content_type="image/jpeg", filename=filename)
    response = HttpResponse(_thumbnail(found), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="kecil-{filename}"'
    return harden_file_response(response)


# --- a citizen's usulan ------------------------------------------------------------------------------


def _new_page(request: HttpRequest, form: UsulanForm, status: int = 200) -> HttpResponse:
    return render(request, "aspirations/new.html", {"form": form}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "aspiration.propose")
    if request.method != "POST":
        return _new_page(request, UsulanForm(home=user.home_region))
    form = UsulanForm(request.POST, request.FILES, home=user.home_region)
    if not form.is_valid():
        return _new_page(request, form)
    data = form.cleaned_data
    earlier = Usulan.objects.filter(submit_key=data["submit_key"], proposer=user).first()
    if earlier is not None:  # the same form again: the first usulan, nothing more
        return redirect("aspirations:detail", pk=earlier.pk)
    wait = NEW_USULAN_PER_USER.wait_seconds(str(user.pk))
    if wait:
        form.add_error(
            None,
            _("Anda sudah mengirim banyak usulan hari ini. Coba lagi dalam %(minutes)s menit.")
            % {"minutes": ratelimit.minutes_text(wait)},
        )
        return _new_page(request, form, status=429)
    try:
        usulan, created = services.usulan_submit(
            proposer=user,
            region=data["region"],
            topic=data["topic"],
            title=data["title"],
            description=data["description"],
            address_text=data.get("address_text") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=data.get("photos") or [],
            submit_key=data["submit_key"],
            request=request,
        )
    except services.AspirationError as refused:
        form.add_error(None, str(refused))
        return _new_page(request, form)
    if created:
        NEW_USULAN_PER_USER.fail(str(user.pk))
        messages.success(
            request,
            _("Usulan Anda diterima dengan nomor %(number)s. Warga desa Anda dapat mendukungnya.")
            % {"number": usulan.number},
        )
    return redirect("aspirations:detail", pk=usulan.pk)


@login_required
@require_http_methods(["GET"])
def mine(request: HttpRequest) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "aspiration.propose")
    return render(request, "aspirations/mine.html", {"rows": list(selectors.usulan_of(user)[:200])})


# --- the operator's pages ------------------------------------------------------------------------------


def _staff_filters(request: HttpRequest) -> tuple[StaffFilterForm, selectors.StaffFilter]:
    villages = list(selectors.villages_for_staff(actor=request.user))
    form = StaffFilterForm(request.GET or None, years=selectors.years_in_use(), villages=villages)
    values = form.values()
    return form, selectors.StaffFilter(
        topic=values["topic"], status=values["status"], year=values["year"], desa=values["desa"]
    )


@login_required
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "aspiration.manage")
    form, filters = _staff_filters(request)
    paginator = Paginator(selectors.usulan_for_staff(actor=request.user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "rounds": selectors.next_rounds()}
    return render(request, "aspirations/staff_list.html", context)


def _export_title(user: User, filters: selectors.StaffFilter) -> export.PdfTitle:
    office = user.office
    place = office.name if office is not None else _("Seluruh kabupaten")
    parts = [place]
    if filters.year is not None:
        parts.append(_("Musrenbang %(year)d") % {"year": filters.year})
    return export.PdfTitle(title=_("Daftar usulan Musrenbang"), subtitle=" · ".join(parts))


@login_required
@require_http_methods(["GET"])
def staff_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "aspiration.manage")
    if fmt not in EXPORT_TYPES:
        raise Http404
    _form, filters = _staff_filters(request)
    rows = list(selectors.usulan_for_staff(actor=user, filters=filters)[:2000])
    today = timezone.localtime(timezone.now(), WIB).date()
    if fmt == "csv":
        content = export.usulan_csv(rows)
    elif fmt == "xlsx":
        content = export.usulan_xlsx(rows)
    else:
        content = export.usulan_pdf(rows, title=_export_title(user, filters), today=today)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    place = user.office.region_id if user.office is not None else "semua"
    response["Content-Disposition"] = f'attachment; filename="usulan-musrenbang-{place}-{today:%Y%m%d}.{fmt}"'
    return harden_file_response(response)


def _staff_page(
    request: HttpRequest, usulan: Usulan, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "usulan": usulan,
        "photos": list(usulan.photos.all()),
        "accept_form": forms.get("accept") or AcceptForm(),
        "reject_form": forms.get("reject") or RejectForm(),
        "built_form": forms.get("built") or BuiltForm(),
        "steps": {action: usulan.status in step.sources for action, step in services.TRANSITIONS.items()},
    }
    return render(request, "aspirations/staff_detail.html", context, status=status)


@login_required
@missing_when_refused
@require_http_methods(["GET"])
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "aspiration.manage")
    usulan = selectors.usulan_staff_get(actor=request.user, pk=pk)
    if usulan is None:
        raise Http404
    return _staff_page(request, usulan, {})


STEP_NAMES = {"bahas": "discuss", "terima": "accept", "tolak": "reject", "dibangun": "built"}


@login_required
@missing_when_refused
@require_POST
def staff_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = signed_in(request, User)
    require(user, "aspiration.manage")
    step = STEP_NAMES.get(action)
    usulan = selectors.usulan_staff_get(actor=user, pk=pk)
    if usulan is None or step is None:
        raise Http404
    forms: dict[str, Any] = {}
    try:
        if step == "discuss":
            services.usulan_discuss(usulan=usulan, actor=user, request=request)
            done = _("Usulan ditandai sudah dibahas dalam Musrenbang.")
        elif step == "accept":
            accept = AcceptForm(request.POST)
            forms["accept"] = accept
            if not accept.is_valid():
                return _staff_page(request, usulan, forms, status=400)
            services.usulan_accept(
                usulan=usulan,
                actor=user,
                plan=accept.cleaned_data["plan"],
                plan_year=accept.cleaned_data["plan_year"],
                request=request,
            )
            done = _("Usulan ditandai diterima masuk rencana. Pengusul dan pendukung akan dikabari.")
        elif step == "reject":
            reject = RejectForm(request.POST)
            forms["reject"] = reject
            if not reject.is_valid():
                return _staff_page(request, usulan, forms, status=400)
            services.usulan_reject(
                usulan=usulan, actor=user, reason=reject.cleaned_data["reason"], request=request
            )
            done = _("Usulan ditandai tidak diterima. Pengusul dan pendukung akan dikabari alasannya.")
        else:
            built = BuiltForm(request.POST)
            forms["built"] = built
            if not built.is_valid():
                return _staff_page(request, usulan, forms, status=400)
            services.usulan_built(
                usulan=usulan,
                actor=user,
                built_on=built.cleaned_data["built_on"],
                note=built.cleaned_data.get("note") or "",
                request=request,
            )
            done = _("Usulan ditandai sudah dibangun. Pengusul dan pendukung akan dikabari.")
    except services.AspirationError as refused:
        messages.error(request, str(refused))
        fresh = selectors.usulan_staff_get(actor=user, pk=pk)
        if fresh is None:
            raise PermissionDenied from None
        return _staff_page(request, fresh, forms, status=409)
    messages.success(request, done)
    return redirect("aspirations:staff_detail", pk=usulan.pk)
