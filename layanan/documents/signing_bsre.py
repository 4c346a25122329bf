"""The BSrE backend: a client of the esign-client service the instansi runs on-premises.

``POST {BSRE_URL}/api/sign/pdf`` (multipart: ``file``, ``nik``, ``passphrase``,
``tampilan=invisible``; HTTP Basic with ``BSRE_USER``/``BSRE_PASSWORD``). The answer is either
the signed PDF itself or JSON carrying an id, fetched with ``GET /api/sign/download/{id}``;
both are accepted. Only the standard library is used. See docs/domain.md section 8: the exact
API must be confirmed with Diskominfo Lampung Utara / BSSN.

Nothing here logs or repeats the NIK or the passphrase.
"""

from __future__ import annotations

import base64
import json
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

MESSAGE_LIMIT = 200


class BsreError(Exception):
    """A failure to sign through BSrE; the message is plain Indonesian for the official."""


def _multipart(fields: dict[str, str], *, pdf: bytes) -> tuple[bytes, str]:
    boundary = f"----layanan{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="dokumen.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _server_message(body: bytes) -> str:
    """The human message in an error body (JSON ``error``/``message`` or short text), shortened."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "message", "pesan", "keterangan"):
            if isinstance(data.get(key), str) and data[key].strip():
                text = data[key].strip()
                break
    if text.startswith("<"):  # an HTML error page says nothing useful
        return ""
    return " ".join(text.split())[:MESSAGE_LIMIT]


def _document_id(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("id", "id_dokumen", "idDokumen", "documentId", "file_id"):
            value = data.get(key)
            if isinstance(value, (str, int)) and str(value):
                return str(value)
        for key in ("data", "result"):
            found = _document_id(data.get(key))
            if found:
                return found
    return ""


class BsreClient:
    def __init__(self, *, url: str, user: str, password: str, timeout: float) -> None:
        if not url:
            raise BsreError(_("Layanan BSrE belum dikonfigurasi (BSRE_URL kosong). Hubungi administrator."))
        self.url = url.rstrip("/")
        self.timeout = timeout
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.auth = f"Basic {token}"

    def _open(self, request: urllib.request.Request) -> tuple[bytes, str]:
        request.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310  # URL from settings, http(s) only (env_url)
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            raise self._refusal(exc.code, exc.read()) from None
        except TimeoutError:
            raise BsreError(
                _("Layanan BSrE tidak menjawab dalam %(seconds)s detik. Coba lagi beberapa saat lagi.")
                % {"seconds": f"{self.timeout:g}"}
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise BsreError(
                    _("Layanan BSrE tidak menjawab dalam %(seconds)s detik. Coba lagi beberapa saat lagi.")
                    % {"seconds": f"{self.timeout:g}"}
                ) from None
            raise BsreError(
                _("Layanan BSrE tidak dapat dihubungi. Coba lagi nanti atau hubungi Diskominfo.")
            ) from None
        except OSError:
            raise BsreError(
                _("Sambungan ke layanan BSrE terputus. Coba lagi nanti atau hubungi Diskominfo.")
            ) from None

    def _refusal(self, status: int, body: bytes) -> BsreError:
        message = _server_message(body)
        if status == 401:
            base = _("BSrE menolak permintaan: akun aplikasi atau passphrase salah.")
        elif status == 403:
            base = _("BSrE menolak permintaan: akun aplikasi tidak berhak menandatangani.")
        elif 400 <= status < 500:
            base = _("BSrE menolak permintaan tanda tangan. Periksa passphrase dan NIK pejabat.")
        else:
            base = _("Layanan BSrE sedang bermasalah (HTTP %(status)s). Coba lagi nanti.") % {
                "status": status
            }
        if message:
            return BsreError(_("%(base)s Pesan BSrE: %(message)s") % {"base": base, "message": message})
        return BsreError(base)

    def sign(self, *, pdf: bytes, nik: str, passphrase: str) -> bytes:
        body, content_type = _multipart(
            {"nik": nik, "passphrase": passphrase, "tampilan": "invisible"}, pdf=pdf
        )
        request = urllib.request.Request(  # noqa: S310  # URL from settings
            f"{self.url}/api/sign/pdf",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Accept": "application/pdf, application/json"},
        )
        payload, kind = self._open(request)
        if kind == "application/pdf" or payload.startswith(b"%PDF-"):
            return self._checked(payload)
        try:
            data = json.loads(payload.decode("utf-8"))
        except ValueError:
            raise BsreError(_("Jawaban layanan BSrE tidak dikenali (bukan PDF atau JSON).")) from None
        document_id = _document_id(data)
        if not document_id:
            message = _server_message(payload)
            raise BsreError(
                _("Jawaban layanan BSrE tidak memuat dokumen bertanda tangan. Pesan BSrE: %(message)s")
                % {"message": message or "-"}
            )
        download = urllib.request.Request(  # noqa: S310  # URL from settings
            f"{self.url}/api/sign/download/{quote(document_id, safe='')}",
            method="GET",
            headers={"Accept": "application/pdf"},
        )
        signed, _kind = self._open(download)
        return self._checked(signed)

    @staticmethod
    def _checked(payload: bytes) -> bytes:
        if not payload.startswith(b"%PDF-"):
            raise BsreError(_("Berkas yang dikirim layanan BSrE bukan PDF."))
        return payload
