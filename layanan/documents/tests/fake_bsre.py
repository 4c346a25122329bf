"""A fake BSrE esign-client for tests: a real HTTP server on 127.0.0.1 in a thread.

It checks HTTP Basic auth and the multipart fields, signs the received PDF with its own fake
BSrE CA (so the result validates against :attr:`FakeBsre.ca_cert_pem`), and can be told to
fail: ``status`` (e.g. 500), ``delay`` (seconds before answering, for timeouts) and
``mode="json"`` (answer with an id, the PDF at ``GET /api/sign/download/<id>``).

    with FakeBsre(identities={"1803...": ("Sekar Kusuma", "rahasia")}) as fake:
        settings.BSRE_URL = fake.url
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from layanan.documents import signing_local

USER = "layanan"
PASSWORD = "kata-sandi-esign"


class FakeBsre:
    def __init__(self, *, identities: dict[str, tuple[str, str]]) -> None:
        """``identities``: NIK → (name on the certificate, passphrase)."""
        self.identities = identities
        self.mode = "pdf"
        self.status: int | None = None
        self.delay = 0.0
        self.requests: list[dict[str, str]] = []
        self.ca = signing_local.ca_make(common_name="Fake BSrE Root CA", organization="BSSN Palsu")
        self.ca_cert_pem = signing_local.cert_pem(self.ca.cert)
        self._certs: dict[str, signing_local.KeyPair] = {}
        self._stored: dict[str, bytes] = {}
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeBsre:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- behaviour ------------------------------------------------------------------------

    def _pair(self, nik: str) -> signing_local.KeyPair:
        if nik not in self._certs:
            name = self.identities[nik][0]
            self._certs[nik] = signing_local.signer_certificate_issue(
                ca=self.ca, common_name=name, organization="Pemerintah Kabupaten Lampung Utara"
            )
        return self._certs[nik]

    def _answer(self, handler: BaseHTTPRequestHandler, method: str) -> tuple[int, str, bytes]:
        if self.delay and self._stop.wait(self.delay):
            return 503, "application/json", b"{}"
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return 401, "application/json", _json(error="Unauthorized", status_code=401)
        if self.status is not None:
            return self.status, "text/html", b"<html><body>Internal Server Error</body></html>"
        if method == "GET" and handler.path.startswith("/api/sign/download/"):
            stored = self._stored.get(handler.path.rsplit("/", 1)[-1])
            if stored is None:
                return 404, "application/json", _json(error="Dokumen tidak ditemukan")
            return 200, "application/pdf", stored
        if method != "POST" or handler.path != "/api/sign/pdf":
            return 404, "application/json", _json(error="Not found")
        form = _form(handler)
        self.requests.append(
            {k: v for k, v in form.items() if k != "file"} | {"file_size": str(len(form.get("file", b"")))}
        )
        if form.get("tampilan") not in ("visible", "invisible") or not form.get("file"):
            return 400, "application/json", _json(error="Parameter tidak lengkap", status_code=2021)
        nik = form.get("nik", "")
        if nik not in self.identities:
            return 400, "application/json", _json(error="Pengguna tidak terdaftar", status_code=2011)
        if form.get("passphrase") != self.identities[nik][1]:
            return 400, "application/json", _json(error="Passphrase anda salah", status_code=2031)
        pdf = form["file"]
        assert isinstance(pdf, bytes)
        signed = signing_local.pdf_sign_with(
            pdf=pdf, pair=self._pair(nik), chain=[self.ca.cert], reason="Tanda tangan BSrE", location=""
        )
        if self.mode == "json":
            document_id = secrets.token_hex(8)
            self._stored[document_id] = signed
            return 200, "application/json", _json(id=document_id, status="success")
        return 200, "application/pdf", signed

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, method: str) -> None:
                status, kind, body = fake._answer(self, method)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (timeout test)
                    self.wfile.write(body)

            def do_POST(self) -> None:
                self._respond("POST")

            def do_GET(self) -> None:
                self._respond("GET")

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        return Handler


def _json(**data: object) -> bytes:
    return json.dumps(data).encode()


def _form(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length)
    head = f"Content-Type: {handler.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    form: dict[str, Any] = {}
    if not message.is_multipart():
        return form
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        form[name] = payload if part.get_filename() else payload.decode("utf-8")
    return form
