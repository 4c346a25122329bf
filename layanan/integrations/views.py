"""The endpoints national systems call: SIAK's result, a village's OpenSID letter request.

Machine-to-machine: POST only, no session, no CSRF token; every request signed
(``layanan.integrations.http``, "Signatures"), a stale timestamp or a replayed signature refused.
Answers are JSON: ``{"status": ...}`` or ``{"error": <code>, "pesan": <plain Indonesian>}``.
Nothing personal is logged: only the code of a refusal.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from layanan.integrations import http
from layanan.integrations.models import OpensidInstance, SeenSignature
from layanan.integrations.services.opensid import OpensidError, opensid_request_receive
from layanan.integrations.services.siak import SiakResultError, siak_result_record

logger = logging.getLogger(__name__)

BODY_MAX = 64 * 1024


def refuse(status: int, code: str, message: str, *, where: str) -> JsonResponse:
    logger.warning("integrations %s refused: %s", where, code)
    return JsonResponse({"error": code, "pesan": message}, status=status)


def signature_message(problem: str) -> str:
    if problem == "stale":
        return _("Cap waktu permintaan terlalu lama atau tidak sesuai jam server. Periksa jam sistem Anda.")
    if problem == "missing":
        return _("Permintaan harus ditandatangani (X-Layanan-Timestamp dan X-Layanan-Signature).")
    return _("Tanda tangan permintaan tidak cocok. Periksa kunci bersama.")


def signed_body(request: HttpRequest, *, secret: str, where: str) -> bytes | JsonResponse:
    """The body of a correctly signed, fresh, first-seen request; else the refusal to answer with."""
    body = request.body
    if len(body) > BODY_MAX:
        return refuse(413, "too_large", _("Permintaan terlalu besar."), where=where)
    given = request.headers.get(http.SIGNATURE_HEADER, "")
    try:
        http.signature_check(
            secret=secret,
            timestamp=request.headers.get(http.TIMESTAMP_HEADER, ""),
            given=given,
            body=body,
            max_age=settings.INTEGRATIONS_SIGNATURE_MAX_AGE_SECONDS,
        )
    except http.SignatureProblem as problem:
        return refuse(401, f"signature_{problem}", signature_message(str(problem)), where=where)
    digest = hashlib.sha256(f"{where}:{given.strip()}".encode()).hexdigest()
    try:
        with transaction.atomic():
            SeenSignature.objects.create(digest=digest)
    except IntegrityError:
        return refuse(409, "replay", _("Permintaan yang sama sudah pernah diterima."), where=where)
    return body


def json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return str(value).strip() if isinstance(value, (str, int)) else ""


@csrf_exempt
@never_cache
@require_POST
def siak_result(request: HttpRequest) -> JsonResponse:
    """SIAK's result for a hand-off: issued with a document number, or refused with a reason."""
    if not settings.SIAK_ENABLED:
        return refuse(404, "off", _("Integrasi SIAK tidak aktif."), where="siak")
    body = signed_body(request, secret=settings.SIAK_CALLBACK_SECRET, where="siak")
    if isinstance(body, JsonResponse):
        return body
    data = json_object(body)
    if data is None:
        return refuse(400, "bad_json", _("Isi permintaan harus JSON berupa objek."), where="siak")
    try:
        handoff, changed = siak_result_record(
            siak_ref=text(data, "id"),
            external_id=text(data, "id_eksternal"),
            outcome=text(data, "hasil"),
            document_number=text(data, "nomor_dokumen"),
            reason=text(data, "alasan"),
        )
    except SiakResultError as error:
        return refuse(404 if error.code == "unknown" else 400, error.code, str(error), where="siak")
    return JsonResponse({"status": "dicatat" if changed else "sudah_dicatat", "id": handoff.siak_ref})


@csrf_exempt
@never_cache
@require_POST
def opensid_request(request: HttpRequest, instance_id: int) -> JsonResponse:
    """A letter request from a village's OpenSID: the resident's application (docs/opensid.md)."""
    instance = OpensidInstance.objects.select_related("region").filter(pk=instance_id, is_active=True).first()
    if not settings.OPENSID_ENABLED or instance is None:
        return refuse(
            404,
            "unknown_instance",
            _("Instalasi OpenSID ini tidak terdaftar atau tidak aktif."),
            where="opensid",
        )
    body = signed_body(request, secret=instance.secret, where=f"opensid:{instance.pk}")
    if isinstance(body, JsonResponse):
        return body
    data = json_object(body)
    if data is None:
        return refuse(400, "bad_json", _("Isi permintaan harus JSON berupa objek."), where="opensid")
    try:
        row, created = opensid_request_receive(instance=instance, data=data)
    except OpensidError as error:
        return refuse(error.status, error.code, str(error), where="opensid")
    return JsonResponse(
        {
            "status": "diterima" if created else "sudah_diterima",
            "id": row.request_id,
            "nomor_pelacakan": row.application.tracking_number,
        },
        status=201 if created else 200,
    )
