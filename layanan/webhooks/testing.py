"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 in a thread, and a fixture.

It records every request (path, headers, raw body) and answers as programmed:
``receiver.program(500, "slow", 200)`` answers the next three requests with a 500, with a
200 after ``slow_seconds`` (past the client's timeout), and a 200; unprogrammed requests get 200.
``"hold"`` sets ``holding`` and waits for :meth:`Receiver.release` before answering (a worker
killed meanwhile never hears back). ``handled`` keeps each ``Layanan-Delivery`` once, as a
receiver that drops repeats does.

The ``webhooks_on`` fixture switches webhooks on for the test, allows the loopback network as a
target, makes retries immediate, and starts from a fresh copy of the subscribed event types.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, *, slow_seconds: float = 1.6) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[Request] = []
        self.handled: list[str] = []
        self.holding = threading.Event()
        self._release = threading.Event()
        self._answers: deque[int | str] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def program(self, *answers: int | str) -> None:
        with self._lock:
            self._answers.extend(answers)

    def release(self) -> None:
        self._release.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self) -> int | str:
        with self._lock:
            return self._answers.popleft() if self._answers else 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(Request(self.path, dict(self.headers.items()), body))
                    delivery = self.headers.get("Layanan-Delivery", "")
                    if delivery not in receiver.handled:
                        receiver.handled.append(delivery)
                answer = receiver._next()
                if answer == "hold":
                    receiver.holding.set()
                    receiver._release.wait(timeout=120)
                    answer = 200
                if answer == "slow":
                    time.sleep(receiver.slow_seconds)
                    answer = 200
                status = int(answer)
                with contextlib.suppress(OSError):  # the client may have given up (slow)
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhooks_on(settings: Any) -> Iterator[None]:
    from layanan.webhooks.outbox import subscriptions_forget

    settings.WEBHOOKS_ENABLED = True
    settings.WEBHOOKS_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    subscriptions_forget()
    yield
    subscriptions_forget()  # the test's rows are rolled back: the next test reads them again
