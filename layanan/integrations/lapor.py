"""SP4N-LAPOR!: the interface, its HTTP client, and what a forwarded report may say.

The API (to be confirmed with KemenPAN-RB / the LAPOR! liaison of the regency before going
live, as for BSrE; docs/integrations.md):

- ``POST {LAPOR_URL}/laporan`` with ``Authorization: Bearer {LAPOR_TOKEN}``,
  ``Idempotency-Key: <our report's public id>`` and the JSON of :func:`lapor_payload`;
  answers ``{"id": "...", "status": "..."}`` (201, or 200 with the first answer when the same
  key comes again);
- ``GET {LAPOR_URL}/laporan/{id}`` answers ``{"id": "...", "status": "..."}``.

What may be sent respects the reporter's choices: an anonymous report goes without any identity
(no name, no phone, no e-mail, not even the field); a confidential one goes with ``rahasia``
and without the ``publik`` flag. Never sent: the NIK, photos, the voice note, the staff's
internal notes, the coordinator's identity views, the GPS point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings

from layanan.complaints.models import Report
from layanan.integrations import http


@dataclass(frozen=True)
class LaporReceipt:
    lapor_id: str
    status: str


class LaporClient(Protocol):
    def submit(self, *, payload: dict[str, Any], key: str) -> LaporReceipt: ...

    def status(self, *, lapor_id: str) -> str: ...


def _receipt(data: dict[str, Any], status: int) -> LaporReceipt:
    lapor_id = data.get("id")
    state = data.get("status")
    if not isinstance(lapor_id, (str, int)) or not str(lapor_id).strip():
        raise http.RemoteRefused("no_reference", status)
    return LaporReceipt(
        lapor_id=str(lapor_id).strip()[:60], status=str(state or "").strip()[:40] if state else ""
    )


class HttpLaporClient:
    """LAPOR!'s HTTP API, standard library only."""

    def __init__(self, *, url: str, token: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def submit(self, *, payload: dict[str, Any], key: str) -> LaporReceipt:
        answer = http.request(
            "POST",
            f"{self.url}/laporan",
            body=http.json_body(payload),
            headers={**self._headers(), "Content-Type": "application/json", "Idempotency-Key": key},
            timeout=self.timeout,
        )
        return _receipt(answer.json(), answer.status)

    def status(self, *, lapor_id: str) -> str:
        answer = http.request(
            "GET",
            f"{self.url}/laporan/{quote(lapor_id, safe='')}",
            headers=self._headers(),
            timeout=self.timeout,
        )
        return _receipt(answer.json(), answer.status).status


def lapor_client() -> LaporClient:
    """The client the settings describe (``LAPOR_URL``, ``LAPOR_TOKEN``)."""
    return HttpLaporClient(
        url=settings.LAPOR_URL, token=settings.LAPOR_TOKEN, timeout=settings.LAPOR_TIMEOUT_SECONDS
    )


VOICE_ONLY = "(Laporan ini disampaikan dengan pesan suara; pesan suara tidak diteruskan.)"


def lapor_payload(report: Report) -> dict[str, Any]:
    """What LAPOR! receives about ``report`` (module docstring: what is never sent)."""
    region = report.region
    payload: dict[str, Any] = {
        "id_eksternal": str(report.public_id),
        "nomor_pelacakan": report.tracking_number,
        "jenis": report.kind,
        "kategori": report.category.name,
        "isi": report.text or VOICE_ONLY,
        "lokasi": {"kode_wilayah": region.code, "nama_wilayah": region.name, "alamat": report.address_text},
        "tanggal_kejadian": report.occurred_on.isoformat() if report.occurred_on else None,
        "diterima_pada": report.received_at.isoformat(),
        "alasan_diteruskan": report.status_reason,
        "anonim": report.anonymous,
        "rahasia": report.confidential,
    }
    if not report.confidential:
        payload["publik"] = True
    if not report.anonymous and report.reporter is not None:
        reporter = report.reporter
        payload["pelapor"] = {
            "nama": reporter.full_name,
            "telepon": reporter.phone,
            "email": reporter.email or "",
        }
    return payload
