"""The operator's pages for a walk-in citizen. Thin: parse, call a service, render.

``home`` finds the citizen by NIK (POST only: a NIK never travels in an address) or registers
them; ``visit`` records the consent (a code to the citizen's phone, or the signed paper form
scanned) and starts the application, which the operator then fills in and submits on the
applications app's own pages; ``receipt`` prints the tracking number (A6 or 58 mm thermal);
``kiosk`` switches the shared-screen mode on the operator's session.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from layanan.accounts import otp
from layanan.accounts.models import User
from layanan.accounts.permissions import can, require
from layanan.applications.flow import Flow
from layanan.applications.models import RequirementCheck, Status
from layanan.applications.services import ApplicationError
from layanan.assisted import kiosk, selectors, services
from layanan.assisted.forms import CodeForm, PaperForm, RegisterForm, SearchForm, ServiceForm
from layanan.assisted.models import Visit
from layanan.core.practice import practice_on
from layanan.core.uploads import size_words
from layanan.core.views import signed_in
from layanan.identity.selectors import mask_nik


def _operator(request: HttpRequest) -> User:
    user = signed_in(request, User)
    require(user, "assisted.serve")
    return user


def _not_in_practice[**P](view: Callable[P, HttpResponseBase]) -> Callable[P, HttpResponseBase]:
    """Practice mode does not reach the assisted service yet: it registers real accounts and sends
    real consent codes, so every step here is refused while practice mode is on (reading stays)."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        request = args[0]
        assert isinstance(request, HttpRequest)
        if request.method == "POST" and practice_on(request):
            _operator(request)  # anyone else is refused as without practice mode
            messages.error(
                request,
                _("Layanan dibantu belum dapat dipakai dalam mode latihan. Matikan mode latihan dulu."),
            )
            return redirect("core:practice")
        return view(*args, **kwargs)

    return wrapper


@sensitive_post_parameters("nik")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_not_in_practice
def home(request: HttpRequest) -> HttpResponse:
    actor = _operator(request)
    action = request.POST.get("langkah", "cari")
    search = SearchForm(request.POST if request.method == "POST" and action == "cari" else None)
    register: RegisterForm | None = None
    error = ""
    if request.method == "POST" and action == "daftar":
        register = RegisterForm(request.POST, actor=actor)
        if register.is_valid():
            data = register.cleaned_data
            try:
                citizen, created = services.citizen_register(
                    actor=actor,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    nik=data["nik"],
                    home_region=data["home_region"],
                    request=request,
                )
                visit = services.visit_open(
                    actor=actor, citizen=citizen, registered_here=created, request=request
                )
            except services.AssistedError as refused:
                error = str(refused)
            else:
                if created:
                    messages.success(request, _("Warga sudah didaftarkan."))
                return redirect("assisted:visit", public_id=visit.public_id)
    elif request.method == "POST" and search.is_valid():
        found = services.citizen_find(actor=actor, nik=search.cleaned_data["nik"])
        if found is None:
            register = RegisterForm(initial={"nik": search.cleaned_data["nik"]}, actor=actor)
        elif not can(actor, "assisted.serve", found):
            search.add_error(
                "nik",
                _(
                    "Warga ini tinggal di luar wilayah kantor Anda, atau bukan akun warga. "
                    "Arahkan ke kantornya."
                ),
            )
        else:
            try:
                visit = services.visit_open(actor=actor, citizen=found, request=request)
            except services.AssistedError as refused:
                error = str(refused)
            else:
                return redirect("assisted:visit", public_id=visit.public_id)
    in_kiosk = kiosk.is_on(request)
    context = {
        "search": search,
        "register": register,
        "error": error,
        "kiosk": in_kiosk,
        "visits": [] if in_kiosk else selectors.visits_today(actor=actor),
    }
    return render(request, "assisted/home.html", context)


def _visit_context(visit: Visit, **extra: object) -> dict[str, object]:
    return {
        "visit": visit,
        "citizen": visit.citizen,
        "nik_masked": mask_nik(visit.citizen.nik) if visit.citizen.nik else "",
        "has_phone": services.has_reachable_phone(visit.citizen),
        "phone_masked": otp.mask(visit.citizen.phone) if services.has_reachable_phone(visit.citizen) else "",
        "max_size": size_words(int(settings.UPLOAD_MAX_BYTES)),
        **extra,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_not_in_practice
def visit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    actor = _operator(request)
    found = selectors.visit_get(actor=actor, public_id=public_id)
    action = request.POST.get("langkah", "")
    code_form = CodeForm(request.POST if action == "kode" else None)
    paper_form = PaperForm(
        request.POST if action == "kertas" else None, request.FILES if action == "kertas" else None
    )
    service_form = ServiceForm(request.POST if action == "mulai" else None)
    error = ""
    if request.method == "POST":
        try:
            if action == "kirim":
                issued = services.consent_code_send(visit=found, actor=actor, request=request)
                words = _("Kode persetujuan dikirim ke %(phone)s. Minta warga membacakannya.") % {
                    "phone": issued.masked
                }
                if issued.shown_code:
                    words += " " + _("(Pengembangan: kodenya %(code)s.)") % {"code": issued.shown_code}
                messages.success(request, words)
                return redirect("assisted:visit", public_id=found.public_id)
            if action == "kode" and code_form.is_valid():
                services.consent_code_confirm(
                    visit=found, actor=actor, code=code_form.cleaned_data["code"], request=request
                )
                messages.success(request, _("Persetujuan warga sudah dicatat."))
                return redirect("assisted:visit", public_id=found.public_id)
            if action == "kertas" and paper_form.is_valid():
                services.consent_paper_record(
                    visit=found, actor=actor, upload=paper_form.cleaned_data["scan"], request=request
                )
                messages.success(request, _("Formulir persetujuan sudah disimpan."))
                return redirect("assisted:visit", public_id=found.public_id)
            if action == "mulai" and service_form.is_valid():
                application = services.visit_application_start(
                    visit=found, actor=actor, service=service_form.cleaned_data["service"], request=request
                )
                return redirect(Flow.of(application).resume_url())
        except otp.CodeRefused as wait:
            error = _("Tunggu %(seconds)d detik sebelum mengirim kode lagi.") % {"seconds": wait.wait_seconds}
        except (services.AssistedError, ApplicationError) as refused:
            error = str(refused)
        found.refresh_from_db()
    context = _visit_context(
        found,
        code_form=code_form,
        paper_form=paper_form,
        service_form=service_form,
        error=error,
        code_sent=bool(found.code_token),
    )
    return render(request, "assisted/visit.html", context)


@never_cache
@login_required
def consent_form(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The paper consent form to print, sign (or thumbprint) and scan back."""
    actor = _operator(request)
    found = selectors.visit_get(actor=actor, public_id=public_id)
    return render(request, "assisted/consent_form.html", _visit_context(found))


PAPERS = {"a6": "A6", "58": "58 mm"}


@never_cache
@login_required
def receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    """The printable receipt of a submitted application: A6 (``?kertas=a6``) or thermal 58 mm."""
    actor = _operator(request)
    found = selectors.visit_of_application(actor=actor, public_id=public_id)
    application = found.application
    if application is None or not application.tracking_number or application.status == Status.DRAFT:
        raise PermissionDenied("assisted.receipt")
    paper = request.GET.get("kertas", "a6")
    if paper not in PAPERS:
        paper = "a6"
    papers = [
        check.requirement.t.name
        for check in application.checks.select_related("requirement").order_by("requirement__order")
        if check.provision == RequirementCheck.Provision.PAPER
    ]
    context = {
        "visit": found,
        "application": application,
        "paper": paper,
        "papers": ", ".join(papers),
        "has_phone": services.has_reachable_phone(found.citizen),
        "sms_number": settings.INBOUND_SMS_NUMBER,
    }
    return render(request, "assisted/receipt.html", context)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@never_cache
@login_required
@require_POST
def kiosk_switch(request: HttpRequest) -> HttpResponse:
    _operator(request)
    on = request.POST.get("mode") == "on"
    kiosk.switch(request, on=on)
    messages.success(
        request,
        _("Mode kios menyala: Anda otomatis keluar setelah %(minutes)d menit tanpa kegiatan.")
        % {"minutes": kiosk.idle_seconds() // 60}
        if on
        else _("Mode kios dimatikan."),
    )
    return redirect("assisted:home")


@never_cache
@login_required
@require_POST
def kiosk_here(request: HttpRequest) -> HttpResponse:
    """'Saya masih di sini': the request itself renewed the idle clock.

    Back to the page, or 204 for the kiosk script.
    """
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(_back(request) or "assisted:home")
