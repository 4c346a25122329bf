"""OpenSID: the interface to a village's installation, its HTTP client, and the request we accept.

A village's letter request (OpenSID's ``permohonan_surat``: ``id``, ``id_surat``, ``isian_form``,
``no_hp_aktif``, ``syarat``...) arrives signed with the instance's shared secret at
``POST {SITE_URL}/integrasi/opensid/<instance>/permohonan/`` as JSON (docs/opensid.md)::

    {"id": "1234", "layanan": "<our service code>", "nik": "1803...",
     "isian_form": {"<field>": "<answer>", ...}}

The signed letter goes back to ``POST {base_url}/layanan-lampura/surat`` as
``multipart/form-data`` (``permohonan_id``, ``nomor_pelacakan``, ``nomor_surat``,
``kode_verifikasi`` and the PDF as ``surat``), signed the same way with the same secret.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from layanan.integrations import http

PUSH_PATH = "/layanan-lampura/surat"


class OpensidClient(Protocol):
    def letter_push(self, *, fields: dict[str, str], pdf: bytes) -> None: ...


class HttpOpensidClient:
    def __init__(self, *, base_url: str, secret: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def letter_push(self, *, fields: dict[str, str], pdf: bytes) -> None:
        body, content_type = http.multipart(
            fields, [http.FilePart("surat", "surat.pdf", "application/pdf", pdf)]
        )
        http.request(
            "POST",
            f"{self.base_url}{PUSH_PATH}",
            body=body,
            headers={"Content-Type": content_type, **http.signed_headers(self.secret, body)},
            timeout=self.timeout,
        )


def opensid_client(*, base_url: str, secret: str) -> OpensidClient:
    return HttpOpensidClient(base_url=base_url, secret=secret, timeout=settings.OPENSID_TIMEOUT_SECONDS)
