"""Outbound HTTP for deliveries: http(s) only, no private targets, a timeout, no redirects.

The host is resolved once and every address it resolves to is checked: a loopback, private,
link-local or otherwise non-public address is refused unless its network is listed in
``WEBHOOKS_ALLOWED_PRIVATE_NETWORKS``. The connection then goes to the address that was
checked (so a second lookup cannot point it elsewhere); TLS still checks the certificate
against the URL's host name. Nothing here logs a URL, a header or a body.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_ANSWER_BYTES = 4096  # what is read of an answer before it is dropped


class TargetRefused(Exception):
    """A URL we never send to; ``str(error)`` is the short code for the delivery log."""


@dataclass(frozen=True)
class Answer:
    """What one POST got: the HTTP status (None without one), how long it took, a short error code."""

    status_code: int | None
    duration_ms: int
    error: str = ""
    permanent: bool = False  # our own refusal: trying again cannot help

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(value, strict=False) for value in settings.WEBHOOKS_ALLOWED_PRIVATE_NETWORKS]


def scheme_check(url: str) -> None:
    """Refuse a URL that is not http(s) with a host (``TargetRefused``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("scheme_refused")


def address_check(host: str, port: int) -> str:
    """The address to connect to for ``host``; ``TargetRefused`` when any address is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused("dns_error") from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise TargetRefused("dns_error")
    allowed = _allowed_networks()
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global and not any(ip in network for network in allowed):
            raise TargetRefused("private_address")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` to ``url``; never raises for what the network or the receiver does."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme_check(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = address_check(host, port)
    except TargetRefused as refused:
        return Answer(None, took(), str(refused), permanent=str(refused) != "dns_error")
    except ValueError:  # a port that is not a number
        return Answer(None, took(), "scheme_refused", permanent=True)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address=address, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_ANSWER_BYTES)
        status = response.status
    except TimeoutError:
        return Answer(None, took(), "timeout")
    except ssl.SSLError:
        return Answer(None, took(), "tls_error")
    except (OSError, http.client.HTTPException):
        return Answer(None, took(), "connection_error")
    finally:
        connection.close()
    return Answer(status, took(), "" if 200 <= status < 300 else f"http_{status}")
