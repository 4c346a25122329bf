"""Small fakes of the SMS providers' documented HTTP APIs: a real server on 127.0.0.1 in a thread.

- Twilio: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded, HTTP Basic
  (account SID, auth token); answers ``201`` with the Message resource (``sid``, ``status``
  ``queued``, ``error_code`` null) or an error ``{"code", "message", "more_info", "status"}``.
- Zenziva: ``POST /reguler/api/sendsms/``, form-encoded ``userkey``, ``passkey``, ``to``,
  ``message``; answers ``{"messageId", "to", "status": "1", "text": "Success"}``, or
  ``status`` other than ``"1"`` with Zenziva's words in ``text``.

Every request is kept whole (method, path, headers, form fields) so a test checks exactly what
the backend sent. :meth:`FakeProvider.program` queues the next answers: ``"ok"``,
``"temporary"`` (503), ``"rate_limited"`` (429), ``"permanent"`` (400 and the provider's refusal),
``"refused"`` (Zenziva: 200 with a status other than 1), ``"slow"`` (answers after the client's
timeout), ``"garbage"`` (200 with a body that is not JSON).
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "f" * 8 + "0123456789abcdef" + "e" * 8  # a test token
TWILIO_FROM = "+15005550006"
ZENZIVA_USERKEY = "kunci-pengguna-uji"
ZENZIVA_PASSKEY = "kunci-sandi-uji"  # a test key
ANSWERS = ("ok", "temporary", "rate_limited", "permanent", "refused", "slow", "garbage")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    fields: dict[str, list[str]]

    def field(self, name: str) -> str:
        values = self.fields.get(name) or [""]
        return values[0]

    @property
    def basic(self) -> tuple[str, str] | None:
        """The HTTP Basic user and password, or None."""
        value = self.headers.get("Authorization", "")
        if not value.startswith("Basic "):
            return None
        user, _sep, password = base64.b64decode(value[6:]).decode().partition(":")
        return user, password


class FakeProvider:
    def __init__(self, *, slow_seconds: float = 2.5) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[Request] = []
        self._answers: deque[str] = deque()
        self._lock = threading.Lock()
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

    def program(self, *answers: str) -> None:
        for answer in answers:
            if answer not in ANSWERS:
                raise ValueError(f"unknown answer {answer!r}; one of {ANSWERS}")
        with self._lock:
            self._answers.extend(answers)

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next(self) -> str:
        with self._lock:
            return self._answers.popleft() if self._answers else "ok"

    def _answer(self, request: Request) -> tuple[int, bytes]:
        answer = self._next()
        if answer == "slow" and self._stop.wait(self.slow_seconds):
            return 503, b"{}"
        if answer == "garbage":
            return 200, b"<html>gateway</html>"
        if request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            status, body = self._twilio(request, answer)
        elif request.path == "/reguler/api/sendsms/":
            status, body = self._zenziva(request, answer)
        else:
            status, body = 404, {"message": "not found"}
        return status, json.dumps(body).encode()

    def _twilio(self, request: Request, answer: str) -> tuple[int, dict[str, Any]]:
        if request.basic != (TWILIO_SID, TWILIO_TOKEN):
            return 401, _twilio_error(20003, "Authenticate", 401)
        if not request.field("To") or not request.field("Body"):
            return 400, _twilio_error(21604, "A 'To' phone number is required.", 400)
        if answer == "temporary":
            return 503, _twilio_error(20503, "Service unavailable", 503)
        if answer == "rate_limited":
            return 429, _twilio_error(20429, "Too Many Requests", 429)
        if answer == "permanent":
            return 400, _twilio_error(21211, "The 'To' number +628120000 is not a valid phone number.", 400)
        with self._lock:
            sid = f"SM{len(self.requests):032d}"
        return 201, {
            "sid": sid,
            "account_sid": TWILIO_SID,
            "to": request.field("To"),
            "from": request.field("From") or None,
            "messaging_service_sid": request.field("MessagingServiceSid") or None,
            "body": request.field("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json",
        }

    def _zenziva(self, request: Request, answer: str) -> tuple[int, dict[str, Any]]:
        if (request.field("userkey"), request.field("passkey")) != (ZENZIVA_USERKEY, ZENZIVA_PASSKEY):
            return 200, {"status": "0", "text": "Userkey / Passkey Salah"}
        if answer == "temporary":
            return 503, {"status": "0", "text": "Service Unavailable"}
        if answer == "rate_limited":
            return 429, {"status": "0", "text": "Too Many Requests"}
        if answer == "permanent":
            return 400, {"status": "0", "text": "Bad Request"}
        if answer == "refused":
            return 200, {"status": "0", "to": request.field("to"), "text": "Nomor tujuan tidak valid"}
        with self._lock:
            message_id = f"ZZ{len(self.requests)}"
        return 200, {"messageId": message_id, "to": request.field("to"), "status": "1", "text": "Success"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace")
                request = Request(
                    method="POST",
                    path=self.path,
                    headers=dict(self.headers.items()),
                    fields=parse_qs(raw, keep_blank_values=True),
                )
                with fake._lock:
                    fake.requests.append(request)
                status, data = fake._answer(request)
                with contextlib.suppress(OSError):  # the client gave up (timeout)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        return Handler


def _twilio_error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@pytest.fixture
def fake_twilio(settings: Any) -> Iterator[FakeProvider]:
    """A running fake with SMS sent through Twilio at it."""
    with FakeProvider() as fake:
        settings.SMS_PROVIDER = "twilio"
        settings.SMS_TWILIO_API_URL = fake.url
        settings.SMS_TWILIO_ACCOUNT_SID = TWILIO_SID
        settings.SMS_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
        settings.SMS_TWILIO_FROM = TWILIO_FROM
        settings.SMS_TWILIO_MESSAGING_SERVICE_SID = ""
        settings.SMS_TWILIO_WEBHOOK_BASE_URL = "https://layanan.example.go.id"
        settings.SMS_TWILIO_STATUS_CALLBACK = True
        settings.SMS_GATEWAY_TIMEOUT = 1
        settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "twilio"}
        yield fake


@pytest.fixture
def fake_zenziva(settings: Any) -> Iterator[FakeProvider]:
    """A running fake with SMS sent through Zenziva at it."""
    with FakeProvider() as fake:
        settings.SMS_PROVIDER = "zenziva"
        settings.SMS_ZENZIVA_API_URL = f"{fake.url}/reguler/api/sendsms/"
        settings.SMS_ZENZIVA_USERKEY = ZENZIVA_USERKEY
        settings.SMS_ZENZIVA_PASSKEY = ZENZIVA_PASSKEY
        settings.SMS_GATEWAY_TIMEOUT = 1
        settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "zenziva"}
        yield fake
