"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the six methods and discovery.

Every answer is JSON or XML as the path's ending says (``services.json``, ``services.xml``);
every refusal is the specification's error list (``[{"code", "description"}]``, ``<errors>``)
with the HTTP status as its code. Calls are counted as the REST API counts them
(:func:`layanan.api.throttle._count`): per API key for a create, per address otherwise, 429 with
``Retry-After`` past the limit. Only a create needs an API key (a token with the ``open311``
scope, sent as the ``api_key`` form field); reading is open, and shows exactly the public list.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from layanan.accounts.ratelimit import client_address
from layanan.api.auth import Caller
from layanan.api.idempotency import derived_uuid, once
from layanan.api.models import ApiToken, Scope
from layanan.api.open311.serializers import FORMATS, answer, errors, w3c
from layanan.api.open311.services import CHANNEL, open311_request_create
from layanan.api.problems import ApiError, message_of
from layanan.api.throttle import _count
from layanan.api.tokens import scopes_allowed, token_find
from layanan.audit.models import AuditEvent
from layanan.cases.workflow import CaseError
from layanan.complaints import selectors
from layanan.complaints.models import Category, Disposition, Kind, Report, ReportEvent, ReportPhoto
from layanan.complaints.services import TEXT_MAX, deadline_days
from layanan.complaints.workflow import HANDLING_STATUSES, OPEN_STATUSES
from layanan.regions.selectors import region_get, village_list
from layanan.tracking.codes import tracking_number_normalize

logger = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service definitions last changed shape (the attributes below); a category saved or
# deleted in the admin (audited) moves the changeset on from there (docs/open311.md).
SHAPE_CHANGED = datetime.fromisoformat("2026-12-07T00:00:00+07:00")
CATEGORY_ACTIONS = ("complaints.category_add", "complaints.category_change", "complaints.category_delete")
DEFAULT_DAYS = 90  # "a span of 90 days or first 1000 requests returned, whichever is smallest"
LIMIT = 1000
BOOLEANS = ("true", "false")


class Open311Error(Exception):
    """A refusal in the specification's shape: the HTTP status and a description for people."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(status)
        self.status = status
        self.description = description


type View = Callable[..., HttpResponse]


def endpoint(*, methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable[[View], View]:
    """Method check, rate limit and every refusal in the requested format, around a view."""

    def wrap(view: View) -> View:
        @csrf_exempt  # no cookie is read: a create is authorised by its api_key alone
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                refused = errors(fmt, 405, _("Metode ini tidak didukung di alamat ini."))
                refused["Allow"] = ", ".join(methods)
                return refused
            try:
                wait = _limit(request)
                if wait:
                    limited = errors(
                        fmt, 429, _("Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.")
                    )
                    limited["Retry-After"] = str(wait)
                    return limited
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return errors(fmt, error.status, error.description)
            except ApiError as error:  # from once(): a reused or malformed Idempotency-Key
                # "basically 400 for any other error where the request can not be fulfilled"
                return errors(fmt, 400, error.message or _refusal(error.code))
            except Http404:
                return errors(fmt, 404, _("Data tidak ditemukan."))
            except PermissionDenied:
                return errors(fmt, 403, _("Anda tidak berhak melakukan ini."))
            except (CaseError, DjangoValidationError) as error:
                text = message_of(error) if isinstance(error, CaseError) else "; ".join(error.messages)
                return errors(fmt, 400, text)
            except RequestDataTooBig:
                return errors(fmt, 400, _("Berkas terlalu besar."))
            except Exception as error:
                route = request.resolver_match.route if request.resolver_match else "?"
                logger.exception("open311: unhandled %s on %s", type(error).__name__, route)
                return errors(fmt, 500, _("Terjadi gangguan di server. Coba lagi nanti."))

        return run

    return wrap


def _refusal(code: str) -> str:
    if code == "idempotency_key_reused":
        return _("Idempotency-Key ini sudah dipakai untuk permintaan lain.")
    return _("Permintaan tidak dapat dibaca.")


def _limit(request: HttpRequest) -> int:
    """Seconds to wait, or 0: a create counts against its API key, anything else its address."""
    window = settings.API_RATE_WINDOW_SECONDS
    token = _token(request) if request.method == "POST" else None
    if token is not None:
        return _count("open311-key", f"t:{token.pk}", settings.API_RATE_PER_TOKEN, window)
    return _count("open311-address", client_address(request), settings.API_RATE_PER_ADDRESS, window)


def _token(request: HttpRequest) -> ApiToken | None:
    """The usable token sent as ``api_key`` in the form (never read from the URL: no secret in logs)."""
    if not hasattr(request, "_open311_token"):
        raw = str(request.POST.get("api_key", "")).strip()
        request._open311_token = token_find(raw) if raw else None  # type: ignore[attr-defined]
    token: ApiToken | None = request._open311_token  # type: ignore[attr-defined]
    return token


# --- discovery -----------------------------------------------------------------------------------------


def _changeset() -> str | None:
    """The last change of the service list or definitions: the shape, or a category's audited save."""
    saved = AuditEvent.objects.filter(action__in=CATEGORY_ACTIONS).aggregate(last=Max("occurred_at"))["last"]
    return w3c(max(saved, SHAPE_CHANGED) if saved is not None else SHAPE_CHANGED)


@endpoint()
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Service discovery (http://wiki.open311.org/Service_Discovery): where and how to call."""
    changeset = _changeset()
    data = {
        "changeset": changeset,
        "contact": _("Pertanyaan tentang Open311 Layanan Lampura: hubungi administrator di %(url)s")
        % {"url": request.build_absolute_uri("/")},
        "key_service": _(
            "Kunci API (api_key) untuk mengirim laporan diberikan oleh administrator Layanan Lampura. "
            "Membaca daftar layanan dan laporan publik tidak memerlukan kunci."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(_base()),
                "changeset": changeset,
                "type": "production",
                "formats": list(FORMATS),
            }
        ],
    }
    return answer(fmt, "discovery", data)


def _base() -> str:
    """The endpoint's address, ``/open311/v2/``."""
    return reverse("open311:services", kwargs={"fmt": "json"}).removesuffix("services.json")


# --- services ------------------------------------------------------------------------------------------


def _categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("default_office").order_by("order", "name")


def _kinds() -> list[dict[str, str]]:
    return [{"key": str(value), "name": str(label)} for value, label in Kind.choices]


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.t.name,
        "description": category.t.description,
        "metadata": True,  # every service has attributes: the desa at least
        "type": "realtime",  # a request gets its tracking number at once
        "keywords": ", ".join(str(label) for _value, label in Kind.choices),
        "group": category.default_office.name,
    }


@endpoint()
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET Service List: every active complaint category."""
    return answer(fmt, "services", [_service(category) for category in _categories()])


def _attribute(
    code: str, order: int, *, required: bool, description: str, kind: str, values: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": required,
        "datatype_description": kind,
        "order": order,
        "description": description,
        "values": values,
    }


def _yes_no() -> list[dict[str, str]]:
    return [{"key": "true", "name": _("Ya")}, {"key": "false", "name": _("Tidak")}]


def _attributes() -> list[dict[str, Any]]:
    villages = [
        {"key": village.code, "name": f"{village.name}, {_('Kecamatan')} {village.parent.name}"}
        for village in village_list()
        if village.parent is not None
    ]
    return [
        _attribute(
            "region",
            1,
            required=True,
            description=_("Desa atau kelurahan tempat kejadian."),
            kind=_(
                "Kode wilayah Kemendagri desa/kelurahan di Kabupaten Lampung Utara, misalnya 18.03.01.2001."
            ),
            values=villages,
        ),
        _attribute(
            "kind",
            2,
            required=False,
            description=_("Jenis laporan; bawaan: pengaduan."),
            kind=_("Salah satu kunci: pengaduan, aspirasi, informasi."),
            values=_kinds(),
        ),
        _attribute(
            "anonymous",
            3,
            required=False,
            description=_("Anonim: identitas pelapor tidak diketahui siapa pun; bawaan: tidak."),
            kind=_("true atau false."),
            values=_yes_no(),
        ),
        _attribute(
            "confidential",
            4,
            required=False,
            description=_("Rahasia: laporan tidak tampil di daftar publik; bawaan: tidak."),
            kind=_("true atau false."),
            values=_yes_no(),
        ),
    ]


def _category(service_code: str) -> Category | None:
    return _categories().filter(slug=service_code).first()


@endpoint()
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    """GET Service Definition: the attributes a request of this service carries."""
    category = _category(service_code)
    if category is None:
        raise Open311Error(404, _("service_code tidak dikenal."))
    return answer(fmt, "service_definition", {"service_code": category.slug, "attributes": _attributes()})


# --- POST Service Request ------------------------------------------------------------------------------

ATTRIBUTES = ("region", "kind", "anonymous", "confidential")


def _attribute_values(request: HttpRequest) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in request.POST:
        if not name.startswith("attribute["):
            continue
        code = name.removeprefix("attribute[").split("]", 1)[0]
        if code not in ATTRIBUTES:
            raise Open311Error(400, _("Atribut %(code)s tidak dikenal.") % {"code": code[:40]})
        found[code] = str(request.POST.get(name, "")).strip()
    return found


def _boolean(values: dict[str, str], code: str) -> bool:
    value = values.get(code, "false").lower() or "false"
    if value not in BOOLEANS:
        raise Open311Error(400, _("Atribut %(code)s harus true atau false.") % {"code": code})
    return value == "true"


def _coordinate(request: HttpRequest, name: str, bound: int) -> Decimal | None:
    raw = str(request.POST.get(name, "")).strip()
    if not raw:
        return None
    try:
        value = Decimal(raw).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise Open311Error(400, _("lat dan long harus berupa angka derajat desimal.")) from None
    if not value.is_finite() or abs(value) > bound:
        raise Open311Error(400, _("Titik lokasi tidak valid."))
    return value


def _notice(kind: str) -> str:
    return _(
        "Laporan diterima dan akan diverifikasi paling lambat %(days)d hari kerja. Setelah diverifikasi, "
        "laporan yang tidak rahasia tampil di daftar publik dengan nomor ini."
    ) % {"days": deadline_days(kind, "verify")}


def _create(request: HttpRequest) -> tuple[ApiToken, dict[str, Any]]:
    """The checked request: the token and the report service's arguments, or a refusal."""
    token = _token(request)
    if token is None or not token.allows(Scope.OPEN311) or Scope.OPEN311 not in scopes_allowed(token.user):
        raise Open311Error(
            403, _("api_key tidak dikirim, tidak dikenal, sudah dicabut, atau tanpa izin open311.")
        )
    code = str(request.POST.get("service_code", "")).strip()
    if not code:
        raise Open311Error(400, _("service_code wajib diisi."))
    category = _category(code)
    if category is None:
        raise Open311Error(404, _("service_code tidak dikenal."))
    values = _attribute_values(request)
    # address_id, the specification's "internal address ID", is a desa's Kemendagri code here.
    address_id = str(request.POST.get("address_id", "")).strip()
    place = region_get(address_id) if address_id else None
    if address_id and place is None:
        raise Open311Error(400, _("address_id harus berupa kode desa/kelurahan yang dikenal."))
    region = region_get(values["region"]) if values.get("region") else place
    if region is None:
        raise Open311Error(400, _("attribute[region] wajib diisi dengan kode desa/kelurahan yang dikenal."))
    if place is not None and place != region:
        raise Open311Error(400, _("attribute[region] dan address_id menyebut desa yang berbeda."))
    kind = values.get("kind") or Kind.COMPLAINT
    if kind not in Kind.values:
        raise Open311Error(400, _("attribute[kind] harus pengaduan, aspirasi atau informasi."))
    latitude = _coordinate(request, "lat", 90)
    longitude = _coordinate(request, "long", 180)
    address = str(request.POST.get("address_string", "")).strip()
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, _("Kirim lat dan long bersama-sama."))
    if latitude is None and not address and place is None:
        raise Open311Error(400, _("Kirim lokasi: lat dan long, address_string, atau address_id."))
    description = str(request.POST.get("description", ""))
    if len(description) > TEXT_MAX:
        raise Open311Error(
            400, _("Isi laporan terlalu panjang (paling banyak %(count)d karakter).") % {"count": TEXT_MAX}
        )
    arguments = {
        "category": category,
        "kind": kind,
        "text": description,
        "region": region,
        "latitude": latitude,
        "longitude": longitude,
        "address_text": address,
        "anonymous": _boolean(values, "anonymous"),
        "confidential": _boolean(values, "confidential"),
        "photos": request.FILES.getlist("media"),
    }
    # email, first_name, last_name, phone, device_id and media_url are read by nobody: not kept.
    return token, arguments


def _requests_create(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST Service Request: file a report; the answer names its tracking number at once."""
    token, arguments = _create(request)
    caller = Caller(user=token.user, token=token, address=client_address(request))
    key = request.headers.get("Idempotency-Key", "").strip()

    def run() -> tuple[int, dict[str, Any]]:
        report = open311_request_create(token=token, submit_key=derived_uuid(caller, key), **arguments)
        return 201, {
            "service_request_id": report.tracking_number,
            "service_notice": _notice(report.kind),
            "account_id": None,
        }

    status, body, replayed = once(request, caller, "open311.requests.create", run)
    response = answer(fmt, "service_requests", [body], status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# --- GET Service Requests ------------------------------------------------------------------------------


def _public() -> QuerySet[Report]:
    """The public list, with what a request shows: the last public step, the offices, the photos."""
    last_step = (
        ReportEvent.objects.filter(report=OuterRef("pk"), internal=False)
        .order_by("-occurred_at", "-pk")
        .values("occurred_at")[:1]
    )
    return (
        selectors.public_reports()
        .annotate(updated_at=Subquery(last_step))
        .prefetch_related(
            Prefetch(
                "dispositions",
                queryset=Disposition.objects.filter(is_active=True).select_related("office").order_by("pk"),
                to_attr="active_dispositions",
            ),
            Prefetch(
                "photos",
                queryset=ReportPhoto.objects.filter(published=True)
                .only("pk", "report_id")
                .order_by("uploaded_at", "pk"),
                to_attr="public_photos",
            ),
        )
    )


def _request(request: HttpRequest, report: Report) -> dict[str, Any]:
    """One report as a service request: nothing of the reporter, no point, no address text."""
    region = report.region
    place = region.name
    if region.parent is not None:
        place = f"{region.name}, {_('Kecamatan')} {region.parent.name}"
    offices = [disposition.office.name for disposition in getattr(report, "active_dispositions", [])]
    photos = getattr(report, "public_photos", [])
    media = (
        request.build_absolute_uri(reverse("complaints:public_photo", kwargs={"photo_id": photos[0].pk}))
        if photos
        else None
    )
    return {
        "service_request_id": report.tracking_number,
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "status_notes": str(report.get_status_display()),
        "service_name": report.category.t.name,
        "service_code": report.category.slug,
        "description": report.text or None,
        "agency_responsible": ", ".join(offices) or None,
        "service_notice": report.public_answer or None,
        "requested_datetime": w3c(report.received_at),
        # "For requests with status=closed, this will be the date the request was closed."
        "updated_datetime": w3c(
            report.closed_at
            if report.status not in OPEN_STATUSES and report.closed_at
            else getattr(report, "updated_at", None) or report.received_at
        ),
        "expected_datetime": w3c(report.followup_due_at if report.status in HANDLING_STATUSES else None),
        "address": place,
        "address_id": region.code,
        "media_url": media,
    }


def _moment(request: HttpRequest, name: str, *, end: bool = False) -> datetime | None:
    raw = str(request.GET.get(name, "")).strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.max if end else time.min) if day is not None else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400, _("%(name)s harus berupa tanggal W3C, misalnya 2026-12-01T08:00:00+07:00.") % {"name": name}
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _listed(request: HttpRequest, rows: QuerySet[Report]) -> QuerySet[Report]:
    """The filters of GET Service Requests; ``service_request_id`` overrides all others."""
    ids = [part.strip() for part in str(request.GET.get("service_request_id", "")).split(",") if part.strip()]
    if ids:
        numbers = [tracking_number_normalize(part) or part.upper() for part in ids[:LIMIT]]
        return rows.filter(tracking_number__in=numbers)
    codes = [part.strip() for part in str(request.GET.get("service_code", "")).split(",") if part.strip()]
    if codes:
        rows = rows.filter(category__slug__in=codes)
    statuses = {
        part.strip().lower() for part in str(request.GET.get("status", "")).split(",") if part.strip()
    }
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status harus open atau closed."))
    if statuses == {"open"}:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        rows = rows.exclude(status__in=OPEN_STATUSES)
    start = _moment(request, "start_date")
    finish = _moment(request, "end_date", end=True)
    span = timedelta(days=DEFAULT_DAYS)
    if start is not None and finish is not None:
        if finish < start:
            raise Open311Error(400, _("end_date tidak boleh sebelum start_date."))
        if finish - start > span:
            raise Open311Error(400, _("Rentang start_date sampai end_date paling lama 90 hari."))
    elif start is not None:
        finish = start + span
    else:
        finish = finish or timezone.now()
        start = finish - span
    return rows.filter(received_at__gte=start, received_at__lte=finish)


@endpoint(methods=("GET", "HEAD", "POST"))
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET Service Requests (the public list), and POST Service Request (with an API key)."""
    if request.method == "POST":
        return _requests_create(request, fmt)
    rows = _listed(request, _public())[:LIMIT]
    return answer(fmt, "service_requests", [_request(request, report) for report in rows])


def _one_public(service_request_id: str) -> Report:
    number = tracking_number_normalize(service_request_id)
    report = _public().filter(tracking_number=number).first() if number else None
    if report is None:
        raise Open311Error(404, _("Laporan dengan nomor ini tidak ada di daftar publik."))
    return report


@endpoint()
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    """GET Service Request: one report of the public list, by its tracking number."""
    return answer(fmt, "service_requests", [_request(request, _one_public(service_request_id))])


@endpoint()
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """GET service_request_id from a token: our creates answer at once, the token is the number.

    Only a request filed through Open311 is found this way; its number alone, nothing else.
    """
    number = tracking_number_normalize(token)
    report = (
        Report.objects.real().filter(tracking_number=number, channel=CHANNEL).only("tracking_number").first()
        if number
        else None
    )
    if report is None:
        raise Open311Error(404, _("Token tidak dikenal."))
    return answer(
        fmt,
        "service_requests",
        [{"service_request_id": report.tracking_number, "token": report.tracking_number}],
    )
