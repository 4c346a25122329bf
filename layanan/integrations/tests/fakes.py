"""Small fakes of the national systems: real HTTP servers on 127.0.0.1, each in a thread.

    with FakeLapor() as lapor:
        settings.LAPOR_URL, settings.LAPOR_TOKEN = lapor.url, lapor.token

Each records what it received and can be told to fail: ``down`` (answer 503 to the next N
requests), ``refuse`` (answer 400), ``lose_answers`` (accept, then drop the connection without
an answer: the client times out or sees the connection end).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from layanan.integrations import http


class FakeServer:
    token = "token-uji-rahasia"

    def __init__(self) -> None:
        self.down = 0
        self.refuse = False
        self.lose_answers = 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any] | bytes]:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append(
                        {"method": method, "path": self.path, "headers": dict(self.headers.items())}
                    )
                    if fake.down:
                        fake.down -= 1
                        data: dict[str, Any] | bytes
                        status, data = 503, {"error": "Layanan sedang dalam pemeliharaan"}
                    elif fake.refuse:
                        status, data = 400, {"error": "Data tidak lengkap"}
                    else:
                        status, data = fake.answer(method, self.path, self.headers, body)
                    lose = fake.lose_answers > 0 and status < 300
                    if lose:
                        fake.lose_answers -= 1
                if lose:
                    self.close_connection = True
                    return  # accepted, but the answer never arrives
                raw = data if isinstance(data, bytes) else json.dumps(data).encode()
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/pdf" if isinstance(data, bytes) else "application/json"
                )
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(raw)

            def do_POST(self) -> None:
                self._respond("POST")

            def do_GET(self) -> None:
                self._respond("GET")

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        return Handler

    def authorised(self, headers: Any) -> bool:
        return headers.get("Authorization") == f"Bearer {self.token}"


class FakeLapor(FakeServer):
    """SP4N-LAPOR!: ``POST /laporan`` (idempotent on ``Idempotency-Key``), ``GET /laporan/<id>``."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: dict[str, dict[str, Any]] = {}  # LAPOR! id -> the JSON received
        self.raw: dict[str, bytes] = {}  # LAPOR! id -> the body as received
        self.statuses: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        self._numbers = itertools.count(1001)

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any] | bytes]:
        if not self.authorised(headers):
            return 401, {"error": "Unauthorized"}
        if method == "POST" and path == "/laporan":
            key = headers.get("Idempotency-Key", "")
            if not key:
                return 400, {"error": "Idempotency-Key wajib"}
            if key in self._by_key:
                lapor_id = self._by_key[key]
                return 200, {"id": lapor_id, "status": self.statuses[lapor_id]}
            lapor_id = f"LAPOR-{next(self._numbers)}"
            self._by_key[key] = lapor_id
            self.reports[lapor_id] = json.loads(body)
            self.raw[lapor_id] = body
            self.statuses[lapor_id] = "Belum Terverifikasi"
            return 201, {"id": lapor_id, "status": self.statuses[lapor_id]}
        if method == "GET" and path.startswith("/laporan/"):
            lapor_id = path.removeprefix("/laporan/")
            if lapor_id not in self.statuses:
                return 404, {"error": "Tidak ditemukan"}
            return 200, {"id": lapor_id, "status": self.statuses[lapor_id]}
        return 404, {"error": "Not found"}


def multipart_form(headers: Any, body: bytes) -> dict[str, Any]:
    """The fields (str) and files (bytes, with ``<name>.filename``) of a multipart body."""
    head = f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    form: dict[str, Any] = {}
    if not message.is_multipart():
        return form
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if part.get_filename():
            form.setdefault("files", []).append(
                {"field": name, "filename": part.get_filename(), "content": payload}
            )
        else:
            form[name] = payload.decode("utf-8")
    return form


def signed_ok(secret: str, headers: Any, body: bytes) -> bool:
    try:
        http.signature_check(
            secret=secret,
            timestamp=headers.get(http.TIMESTAMP_HEADER, ""),
            given=headers.get(http.SIGNATURE_HEADER, ""),
            body=body,
            max_age=300,
        )
    except http.SignatureProblem:
        return False
    return True


class FakeSiak(FakeServer):
    """SIAK: ``POST /permohonan`` (multipart: ``manifest`` + ``berkas`` files), idempotent on the key."""

    callback_secret = "kunci-balasan-siak-uji-yang-panjang"

    def __init__(self) -> None:
        super().__init__()
        self.packages: dict[str, dict[str, Any]] = {}  # SIAK id -> {"manifest": ..., "files": [...]}
        self.raw: dict[str, bytes] = {}
        self._by_key: dict[str, str] = {}
        self._numbers = itertools.count(501)

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any] | bytes]:
        if not self.authorised(headers):
            return 401, {"error": "Unauthorized"}
        if method != "POST" or path != "/permohonan":
            return 404, {"error": "Not found"}
        key = headers.get("Idempotency-Key", "")
        form = multipart_form(headers, body)
        if not key or "manifest" not in form:
            return 400, {"error": "manifest dan Idempotency-Key wajib"}
        if key in self._by_key:
            return 200, {"id": self._by_key[key], "status": "diterima"}
        siak_id = f"SIAK-{next(self._numbers)}"
        self._by_key[key] = siak_id
        self.packages[siak_id] = {"manifest": json.loads(form["manifest"]), "files": form.get("files", [])}
        self.raw[siak_id] = body
        return 201, {"id": siak_id, "status": "diterima"}

    def result(self, siak_id: str, *, at: float | None = None, **fields: str) -> tuple[bytes, dict[str, str]]:
        """The signed callback body and headers SIAK would send for ``siak_id`` (at ``at``, else now)."""
        manifest = self.packages[siak_id]["manifest"]
        body = json.dumps({"id": siak_id, "id_eksternal": manifest["id_eksternal"], **fields}).encode()
        return body, http.signed_headers(self.callback_secret, body, now=at)


class FakeOpensid(FakeServer):
    """A village's OpenSID with the connector: ``POST /layanan-lampura/surat``, signed, multipart."""

    secret = "kunci-bersama-desa-tanjung-raja-0123456789"

    def __init__(self) -> None:
        super().__init__()
        self.letters: list[dict[str, Any]] = []

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any] | bytes]:
        if method != "POST" or path != "/layanan-lampura/surat":
            return 404, {"error": "Not found"}
        if not signed_ok(self.secret, headers, body):
            return 401, {"error": "Tanda tangan salah"}
        self.letters.append(multipart_form(headers, body))
        return 200, {"status": "ok"}
