"""The REST API, ``/api/v1/`` (docs/api.md): one NinjaAPI, its error shape and its limits.

Every operation is authenticated by :class:`~layanan.api.auth.ApiAuth` (a token, the session, or
anonymous), limited by :class:`~layanan.api.throttle.CallerThrottle`, and answers refusals in the one
shape of :mod:`layanan.api.problems`. The services run with both languages active, so a refusal
says what the web page would say, in Indonesian and in English.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from layanan.api import v1_applications, v1_public, v1_reports, v1_staff
from layanan.api.auth import ApiAuth
from layanan.api.problems import ApiError, body, message_of
from layanan.api.throttle import CallerThrottle
from layanan.cases.workflow import CaseError, ConcurrentChange, TransitionNotAllowed

logger = logging.getLogger(__name__)

DESCRIPTION = """\
API terbuka Layanan Lampura: katalog layanan, permohonan, laporan, pelacakan, verifikasi surat,
antrean petugas dan data rujukan. Masuk dengan token (`Authorization: Bearer llp_…`) atau sesi
peramban. Setiap galat: `{"error": {"code", "message", "message_en"}}`. Setiap pembuatan menerima
`Idempotency-Key`. Batas permintaan per token dan per alamat: 429 dengan `Retry-After`.

The open API of Layanan Lampura. Every error has one shape, every create accepts an
`Idempotency-Key`, and calls are rate-limited per token and per address (429 with `Retry-After`).
"""

api = NinjaAPI(
    title="Layanan Lampura API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ApiAuth(),
    throttle=[CallerThrottle()],
    docs_url=None,  # Swagger UI loads scripts from a CDN; the document itself is at openapi.json
)


def _answer(request: HttpRequest, status: int, code: str, message: str = "", **extra: Any) -> HttpResponse:
    return api.create_response(request, body(code, message, **extra), status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _answer(request, exc.status, exc.code, exc.message, **exc.extra)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")
        ]
        fields.setdefault(".".join(location) or "_", []).append(str(error.get("msg", "")))
    return _answer(request, 422, "invalid", fields=fields)


@api.exception_handler(DjangoValidationError)
def _refused_input(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    messages = exc.messages
    return _answer(request, 422, "invalid", messages[0] if len(messages) == 1 else "", fields={"_": messages})


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _answer(request, 401, "unauthenticated")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _answer(request, 403, "forbidden")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, 404, "not_found")


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _answer(request, 429, "rate_limited")


@api.exception_handler(ConcurrentChange)
def _conflict(request: HttpRequest, exc: ConcurrentChange) -> HttpResponse:
    return _answer(request, 409, "conflict", message_of(exc))


@api.exception_handler(TransitionNotAllowed)
def _not_now(request: HttpRequest, exc: TransitionNotAllowed) -> HttpResponse:
    return _answer(request, 409, "not_allowed_now", message_of(exc))


@api.exception_handler(CaseError)
def _case_refused(request: HttpRequest, exc: CaseError) -> HttpResponse:
    return _answer(request, 422, "refused", message_of(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _answer(request, 413, "too_large")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        429: "rate_limited",
    }
    return _answer(request, status, code.get(status, "bad_request"))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception(
        "api: unhandled %s on %s",
        type(exc).__name__,
        request.resolver_match.route if request.resolver_match else "?",
    )
    return _answer(request, 500, "server_error")


for _router in (v1_public.router, v1_reports.router, v1_applications.router, v1_staff.router):
    api.add_router("/", _router)
