"""SIAK (Dukcapil): the interface, its HTTP client, and the package handed over.

The API (to be confirmed with Disdukcapil and the Ditjen Dukcapil integration team before going
live; docs/integrations.md):

- ``POST {SIAK_URL}/permohonan`` with ``Authorization: Bearer {SIAK_TOKEN}`` and
  ``Idempotency-Key: <our application's public id>``; a ``multipart/form-data`` body: the field
  ``manifest`` (JSON, :func:`siak_manifest`) and one ``berkas`` file per stored requirement file;
  answers ``{"id": "...", "status": "..."}`` (the same id again for the same key);
- the result comes back to ``POST {SITE_URL}/integrasi/siak/hasil/``, signed with
  ``SIAK_CALLBACK_SECRET`` (``layanan.integrations.http``, "Signatures"):
  ``{"id": "<SIAK id>", "id_eksternal": "<our id>", "hasil": "terbit" | "ditolak",
  "nomor_dokumen": "...", "alasan": "..."}``.

What is handed over: the service, the form's answers (Dukcapil needs them: names, NIK, dates),
each requirement with how it was met and the officer's acceptance, and the files of the accepted
ones. Never: the applicant's account (phone, e-mail), the officers' names, internal notes, the
system's NIK warnings (identity flags), anything of another application.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.urls import reverse

from layanan.applications.models import Application, Attachment, RequirementCheck
from layanan.integrations import http


@dataclass(frozen=True)
class SiakPackage:
    manifest: dict[str, Any]
    files: list[http.FilePart]


class SiakClient(Protocol):
    def hand_off(self, *, package: SiakPackage, key: str) -> str:
        """Hand the package over; SIAK's reference for it."""
        ...


class HttpSiakClient:
    def __init__(self, *, url: str, token: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def hand_off(self, *, package: SiakPackage, key: str) -> str:
        body, content_type = http.multipart(
            {"manifest": json.dumps(package.manifest, ensure_ascii=False, sort_keys=True, default=str)},
            package.files,
        )
        answer = http.request(
            "POST",
            f"{self.url}/permohonan",
            body=body,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": content_type,
                "Idempotency-Key": key,
            },
            timeout=self.timeout,
        )
        reference = answer.json().get("id")
        if not isinstance(reference, (str, int)) or not str(reference).strip():
            raise http.RemoteRefused("no_reference", answer.status)
        return str(reference).strip()[:60]


def siak_client() -> SiakClient:
    return HttpSiakClient(
        url=settings.SIAK_URL, token=settings.SIAK_TOKEN, timeout=settings.SIAK_TIMEOUT_SECONDS
    )


def _file_name(attachment: Attachment, index: int) -> str:
    """``<requirement code>-<n>.<ext>``: never the citizen's own file name (it may carry a name)."""
    stored = attachment.file.name or ""
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else "bin"
    return f"{attachment.requirement.code}-{index}.{extension}"


def siak_package(application: Application) -> SiakPackage:
    """The manifest and the files of ``application``'s accepted requirements."""
    checks = list(
        application.checks.select_related("requirement")
        .filter(verdict=RequirementCheck.Verdict.ACCEPTED)
        .order_by("requirement__order", "pk")
    )
    accepted = {check.requirement_id for check in checks}
    attachments = list(
        application.attachments.filter(is_current=True, requirement_id__in=accepted)
        .select_related("requirement")
        .order_by("requirement__order", "uploaded_at", "pk")
    )
    files: list[http.FilePart] = []
    listed: dict[int, list[dict[str, Any]]] = {}
    for index, attachment in enumerate(attachments, start=1):
        name = _file_name(attachment, index)
        with attachment.file.open("rb") as handle:
            content = handle.read()
        files.append(http.FilePart("berkas", name, attachment.content_type, content))
        listed.setdefault(attachment.requirement_id, []).append(
            {
                "nama_berkas": name,
                "jenis": attachment.content_type,
                "ukuran": attachment.size,
                "sha256": attachment.sha256,
            }
        )
    manifest: dict[str, Any] = {
        "id_eksternal": str(application.public_id),
        "nomor_pelacakan": application.tracking_number,
        "layanan": {"kode": application.service.slug, "nama": application.service.name},
        "kantor": application.office.code if application.office else "",
        "diajukan_pada": application.submitted_at.isoformat() if application.submitted_at else None,
        "isian": application.answers,
        "persyaratan": [
            {
                "kode": check.requirement.code,
                "nama": check.requirement.name,
                "dipenuhi_dengan": check.provision,
                "diterima_pada": check.checked_at.isoformat() if check.checked_at else None,
                "berkas": listed.get(check.requirement_id, []),
            }
            for check in checks
        ],
        "hasil_ke": f"{settings.SITE_URL}{reverse('integrations:siak_result')}",
    }
    return SiakPackage(manifest=manifest, files=files)
