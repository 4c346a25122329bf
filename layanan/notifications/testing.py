"""A fake SMS gateway and WhatsApp Cloud API for tests: a real HTTP server on 127.0.0.1 in a thread.

It speaks both formats the backends use:

- SMS: ``POST /sms`` with ``{"to", "text", "ref", "sender"?}`` and ``Authorization: Bearer``;
  answers ``{"id": "sms-N"}``. A second request with the same ``ref`` is dropped
  (answered with the first id, not delivered again), as a real gateway must.
- WhatsApp: ``POST /<version>/<phone_number_id>/messages`` (Cloud API body);
  answers ``{"messages": [{"id": "wamid.N"}]}`` or ``{"error": {"code": N, ...}}``.

Program the next answers per channel with :meth:`FakeGateway.program`:
``"ok"``, ``"temporary"`` (SMS 503; WhatsApp 503 code 131000), ``"rate_limited"``
(429; WhatsApp code 130429), ``"permanent"`` (SMS 400; WhatsApp 400 code 131026),
``"slow"`` (answers after ``slow_seconds``, past the client's timeout), ``"hold"``
(counts the message as delivered, then waits for :meth:`release` before answering:
a worker killed meanwhile never hears back). Unprogrammed requests get ``"ok"``.

``received`` lists every request (channel, path, JSON body, auth); ``delivered``
lists the messages the gateway accepted for delivery, once per SMS ``ref``.

    def test_something(fake_gateway):
        fake_gateway.program("sms", "temporary", "ok")

The ``fake_gateway`` fixture (registered in the root conftest) starts one and
points the settings at it: SMS over ``http``, WhatsApp over ``cloudapi``, email
through Django's (in-memory) mail.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

SMS_TOKEN = "token-sms-palsu"  # noqa: S105  # a test token
WHATSAPP_TOKEN = "token-wa-palsu"  # noqa: S105  # a test token
PHONE_NUMBER_ID = "1234567890"
API_VERSION = "v21.0"
ANSWERS = ("ok", "temporary", "rate_limited", "permanent", "slow", "hold")


@dataclass
class Received:
    channel: str
    path: str
    body: dict[str, Any]
    authorization: str
    answer: str = "ok"
    extra: dict[str, Any] = field(default_factory=dict)


class FakeGateway:
    def __init__(self, *, slow_seconds: float = 2.5) -> None:
        self.slow_seconds = slow_seconds
        self.received: list[Received] = []
        self.delivered: list[Received] = []
        self._answers: dict[str, deque[str]] = {"sms": deque(), "whatsapp": deque()}
        self._sms_ids: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._release = threading.Event()
        self.holding = threading.Event()  # set while a "hold" request waits
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- set-up ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def sms_url(self) -> str:
        return f"{self.url}/sms"

    def settings_env(self) -> dict[str, str]:
        """Environment variables that point a ``manage.py`` child process at this gateway."""
        return {
            "SMS_GATEWAY_URL": self.sms_url,
            "SMS_GATEWAY_TOKEN": SMS_TOKEN,
            "SMS_GATEWAY_TIMEOUT": "1",
            "WHATSAPP_API_URL": self.url,
            "WHATSAPP_API_VERSION": API_VERSION,
            "WHATSAPP_TOKEN": WHATSAPP_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_TIMEOUT": "1",
            "NOTIFY_SMS_BACKEND": "http",
            "NOTIFY_WHATSAPP_BACKEND": "cloudapi",
        }

    def configure(self, settings: Any) -> None:
        """Point Django ``settings`` (pytest-django's fixture) at this gateway."""
        settings.SMS_GATEWAY_URL = self.sms_url
        settings.SMS_GATEWAY_TOKEN = SMS_TOKEN
        settings.SMS_SENDER = "LAMPURA"
        settings.SMS_GATEWAY_TIMEOUT = 1
        settings.WHATSAPP_API_URL = self.url
        settings.WHATSAPP_API_VERSION = API_VERSION
        settings.WHATSAPP_TOKEN = WHATSAPP_TOKEN
        settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
        settings.WHATSAPP_TIMEOUT = 1
        settings.NOTIFY_BACKENDS = {"whatsapp": "cloudapi", "sms": "http", "email": "mail"}

    def program(self, channel: str, *answers: str) -> None:
        """Queue the next answers for ``channel`` ("sms" or "whatsapp")."""
        for answer in answers:
            if answer not in ANSWERS:
                raise ValueError(f"unknown answer {answer!r}; one of {ANSWERS}")
        with self._lock:
            self._answers[channel].extend(answers)

    def release(self) -> None:
        """Let held requests answer."""
        self._release.set()

    def of(self, channel: str) -> list[Received]:
        return [r for r in self.delivered if r.channel == channel]

    def __enter__(self) -> FakeGateway:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- behaviour ------------------------------------------------------------------------

    def _next(self, channel: str) -> str:
        with self._lock:
            queue = self._answers[channel]
            return queue.popleft() if queue else "ok"

    def _answer(self, path: str, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path == "/sms":
            return self._sms(authorization, body)
        if path == f"/{API_VERSION}/{PHONE_NUMBER_ID}/messages":
            return self._whatsapp(authorization, body)
        return 404, {"error": "not found"}

    def _wait(self, answer: str, record: Received) -> bool:
        """Apply slow/hold; False when the server is stopping."""
        if answer == "slow":
            return not self._stop.wait(self.slow_seconds)
        if answer == "hold":
            with self._lock:
                self.delivered.append(record)
            self.holding.set()
            self._release.wait()
            return not self._stop.is_set()
        return True

    def _sms(self, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer {SMS_TOKEN}":
            return 401, {"error": "unauthorized"}
        if not body.get("to") or not body.get("text") or not body.get("ref"):
            return 400, {"error": "missing_field"}
        ref = str(body["ref"])
        answer = self._next("sms")
        record = Received("sms", "/sms", body, authorization, answer)
        with self._lock:
            self.received.append(record)
            known = self._sms_ids.get(ref)
        if known is not None:  # de-duplicated by the client reference
            return 200, {"id": known, "duplicate": True}
        if answer == "temporary":
            return 503, {"error": "unavailable"}
        if answer == "rate_limited":
            return 429, {"error": "too_many_requests"}
        if answer == "permanent":
            return 400, {"error": "invalid_number", "code": "invalid_number"}
        with self._lock:
            sms_id = f"sms-{len(self._sms_ids) + 1}"
            self._sms_ids[ref] = sms_id
        if not self._wait(answer, record):
            return 503, {"error": "stopping"}
        if answer != "hold":
            with self._lock:
                self.delivered.append(record)
        return 200, {"id": sms_id}

    def _whatsapp(self, authorization: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer {WHATSAPP_TOKEN}":
            return 401, _wa_error(190, "Invalid OAuth access token")
        if body.get("messaging_product") != "whatsapp" or body.get("type") not in ("template", "text"):
            return 400, _wa_error(100, "Invalid parameter")
        answer = self._next("whatsapp")
        record = Received("whatsapp", "messages", body, authorization, answer)
        with self._lock:
            self.received.append(record)
        if answer == "temporary":
            return 503, _wa_error(131000, "Something went wrong")
        if answer == "rate_limited":
            return 429, _wa_error(130429, "Rate limit hit")
        if answer == "permanent":
            return 400, _wa_error(131026, "Message undeliverable")
        if not self._wait(answer, record):
            return 503, _wa_error(131000, "Something went wrong")
        with self._lock:
            if answer != "hold":
                self.delivered.append(record)
            wamid = f"wamid.FAKE{len(self.received)}"
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
            "messages": [{"id": wamid}],
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                if not isinstance(body, dict):
                    body = {}
                status, answer = fake._answer(self.path, self.headers.get("Authorization", ""), body)
                data = json.dumps(answer).encode()
                with contextlib.suppress(OSError):  # the client gave up (timeout, killed worker)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        return Handler


def _wa_error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "FAKE"}}


@pytest.fixture
def fake_gateway(settings: Any) -> Iterator[FakeGateway]:
    """A running :class:`FakeGateway` with the settings pointed at it."""
    with FakeGateway() as fake:
        fake.configure(settings)
        yield fake
