"""Open to everyone: the catalogue, reference data, the status lookup, document verification."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from layanan.accounts import ratelimit
from layanan.agencies.models import Office
from layanan.agencies.selectors import office_list
from layanan.api.problems import ApiError
from layanan.api.schemas import (
    CategoryOut,
    DocumentOut,
    FieldOut,
    OfficeOut,
    PublicReportOut,
    RegionOut,
    RequirementOut,
    ServiceOut,
    ServiceSummary,
    StandardOut,
    StepOut,
    TrackingIn,
    TrackingOut,
)
from layanan.api.shapes import responses, texts
from layanan.applications import selectors as application_selectors
from layanan.applications.views_lookup import LOOKUP_PER_ADDRESS, LOOKUP_PER_NUMBER
from layanan.catalogue.models import Service
from layanan.catalogue.selectors import service_get, service_list
from layanan.catalogue.standards import COMPONENTS
from layanan.complaints import selectors as report_selectors
from layanan.complaints.models import Category, Report
from layanan.documents import selectors as document_selectors
from layanan.documents import verification
from layanan.documents.models import Verification
from layanan.regions.models import Region
from layanan.regions.selectors import district_list, region_get, village_list
from layanan.tracking.codes import TrackingKind, tracking_number_normalize

router = Router(tags=["publik"])


def _service_summary(service: Service) -> ServiceSummary:
    return ServiceSummary(
        slug=service.slug,
        name=texts(service, "name"),
        summary=texts(service, "summary"),
        category=service.category,
        office_code=service.office.code if service.office is not None else None,
        sla_working_days=service.sla_working_days,
        fee_rupiah=service.fee_rupiah,
        output=service.output,
    )


@router.get("/services", response=responses(list[ServiceSummary]), summary="Katalog layanan")
def services(request: HttpRequest, q: str = Query("", max_length=100)) -> list[ServiceSummary]:
    """Every service in use, or those matching ``q`` (the catalogue's own search)."""
    return [_service_summary(service) for service in service_list(query=q)]


@router.get("/services/{slug}", response=responses(ServiceOut), summary="Definisi satu layanan")
def service(request: HttpRequest, slug: str) -> ServiceOut:
    """A service's definition: its form fields, requirements and its standar pelayanan."""
    found = service_get(slug)
    if found is None:
        raise ApiError("not_found", 404)
    summary = _service_summary(found)
    return ServiceOut(
        **summary.model_dump(),
        fields=[
            FieldOut(
                name=field.name,
                step=field.step,
                label=texts(field, "label"),
                help_text=texts(field, "help_text"),
                kind=field.kind,
                required=field.required,
                choices=field.choice_list(),
            )
            for field in found.fields.order_by("step", "order", "pk")
        ],
        requirements=[
            RequirementOut(
                code=requirement.code,
                name=texts(requirement, "name"),
                description=texts(requirement, "description"),
                kind=requirement.kind,
                required=requirement.required,
            )
            for requirement in found.requirements.order_by("order", "pk")
        ],
        standards=[
            StandardOut(key=component.name, title=component.label, text=str(getattr(found, component.name)))
            for component in COMPONENTS
        ],
    )


def _region(region: Region) -> RegionOut:
    return RegionOut(code=region.code, name=region.name, level=region.level, parent_code=region.parent_id)


@router.get("/regions/districts", response=responses(list[RegionOut]), summary="Kecamatan")
def districts(request: HttpRequest) -> list[RegionOut]:
    return [_region(region) for region in district_list()]


@router.get("/regions/villages", response=responses(list[RegionOut]), summary="Desa dan kelurahan")
def villages(request: HttpRequest, district: str = Query("", max_length=13)) -> list[RegionOut]:
    """Every desa/kelurahan of the regency, or of one kecamatan (its Kemendagri code)."""
    if district and region_get(district) is None:
        raise ApiError("not_found", 404)
    rows = village_list(district_code=district) if district else village_list()
    return [_region(region) for region in rows]


@router.get("/offices", response=responses(list[OfficeOut]), summary="Kantor")
def offices(request: HttpRequest, kind: str = Query("", max_length=10)) -> list[OfficeOut]:
    if kind and kind not in Office.Kind.values:
        raise ApiError("invalid", 422, fields={"kind": [_("Jenis kantor tidak dikenal.")]})
    return [
        OfficeOut(
            code=office.code,
            name=office.name,
            short_name=office.short_name,
            kind=office.kind,
            region_code=office.region_id,
            address=office.address,
            phone=office.phone,
            email=office.email,
        )
        for office in office_list(kind=kind or None).order_by("kind", "name")
    ]


@router.get("/categories", response=responses(list[CategoryOut]), summary="Kategori laporan")
def categories(request: HttpRequest) -> list[CategoryOut]:
    return [
        CategoryOut(
            slug=category.slug,
            name=texts(category, "name"),
            description=texts(category, "description"),
            default_office_code=category.default_office.code if category.default_office else None,
        )
        for category in Category.objects.filter(is_active=True)
        .select_related("default_office")
        .order_by("order", "name")
    ]


@router.get("/reports/public", response=responses(list[PublicReportOut]), summary="Laporan publik")
@paginate(LimitOffsetPagination)
def reports_public(
    request: HttpRequest,
    category: str = Query("", max_length=60),
    region: str = Query("", max_length=13),
    status: str = Query("", max_length=14),
) -> list[PublicReportOut]:
    """The reports on the public list (never a confidential one; no reporter), newest first."""
    rows = report_selectors.public_reports().select_related("category", "region")
    if category:
        rows = rows.filter(category__slug=category)
    if region:
        rows = rows.filter(region__code__startswith=region)
    if status:
        rows = rows.filter(status=status)
    rows = rows.annotate(supporters=Count("supports")).order_by("-received_at", "-pk")
    return [public_report(report) for report in rows]


def public_report(report: Report) -> PublicReportOut:
    return PublicReportOut(
        id=report.public_id,
        tracking_number=report.tracking_number,
        kind=report.kind,
        category=report.category.slug,
        status=report.status,
        status_label=str(report.get_status_display()),
        text=report.text,
        region_code=report.region_id,
        received_at=report.received_at,
        answered_at=report.answered_at,
        supporters=getattr(report, "supporters", 0),
    )


@router.post("/tracking", response=responses(TrackingOut), summary="Lacak permohonan atau laporan")
def tracking(request: HttpRequest, data: TrackingIn) -> TrackingOut:
    """The public status of an application or a report by its number and the phone's last 4 digits.

    A POST, so the digits never sit in a URL or a log; failed lookups are limited per address and
    per number, in the same buckets as the page's lookup.
    """
    address = ratelimit.client_address(request)
    number = tracking_number_normalize(data.tracking_number) or ""
    wait = max(
        LOOKUP_PER_ADDRESS.wait_seconds(address), LOOKUP_PER_NUMBER.wait_seconds(number) if number else 0
    )
    if wait:
        raise ApiError("rate_limited", 429, _("Terlalu banyak pencarian yang tidak cocok. Coba lagi nanti."))
    found: TrackingOut | None = None
    if number.startswith(TrackingKind.ADUAN + "-"):
        report = report_selectors.report_status_lookup(tracking_number=number, phone_last4=data.phone_last4)
        if report is not None:
            found = TrackingOut(
                tracking_number=report.tracking_number,
                kind="report",
                title=report.category_name or report.kind_label,
                status_label=report.status_label,
                submitted_at=report.received_at,
                answered_at=report.answered_at,
                office_name="",
                steps=[StepOut(at=at, status=label, message="") for at, label in report.steps],
                practice=report.practice,
            )
    elif number:
        application = application_selectors.status_lookup(
            tracking_number=number, phone_last4=data.phone_last4
        )
        if application is not None:
            found = TrackingOut(
                tracking_number=application.tracking_number,
                kind="application",
                title=application.service_name,
                status_label=application.status_label,
                submitted_at=application.submitted_at,
                due_at=application.due_at,
                office_name=application.office_name,
                steps=[StepOut(at=at, status=label, message="") for at, label in application.steps],
                practice=application.practice,
            )
    if found is None:
        LOOKUP_PER_ADDRESS.fail(address)
        if number:
            LOOKUP_PER_NUMBER.fail(number)
        raise ApiError(
            "not_found",
            404,
            _("Nomor dan 4 angka terakhir HP tidak cocok dengan permohonan atau laporan mana pun."),
        )
    return found


@router.get("/documents/{code}", response=responses(DocumentOut), summary="Verifikasi surat")
def document(request: HttpRequest, code: str) -> DocumentOut:
    """Is this letter genuine? By the code printed under its QR; each check is counted."""
    address = ratelimit.client_address(request)
    if verification.VERIFY_PER_ADDRESS.wait_seconds(address):
        raise ApiError("rate_limited", 429)
    verification.VERIFY_PER_ADDRESS.fail(address)
    normalized = document_selectors.public_code_normalize(code)
    found = document_selectors.document_public_by_code(code=normalized) if normalized else None
    if found is None:
        verification.verification_record(
            document=None,
            method=verification.Method.CODE,
            result=Verification.Result.UNKNOWN,
            address=address,
        )
        raise ApiError("not_found", 404, _("Kode ini tidak cocok dengan surat mana pun."))
    document = found.document
    verification.verification_record(
        document=document,
        method=verification.Method.CODE,
        result=verification.result_of(document),
        address=address,
    )
    return DocumentOut(
        code=document.public_code,
        valid=found.state == document.State.VALID,
        status=found.state,
        title=found.service_name,
        number=found.number,
        issued_at=found.issued_at,
        issuer=found.office_name,
        revoked_reason="",
        sha256=document.sha256,
    )
