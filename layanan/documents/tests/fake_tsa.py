"""A fake regency timestamping authority for tests: RFC 3161 over HTTP on 127.0.0.1 in a thread.

pyHanko's in-process responder (``DummyTimeStamper``) behind a tiny HTTP server, with its own
root CA (:attr:`FakeTsa.root_pem`, for ``DOCUMENT_TRUST_ROOTS_FILE``) and HTTP Basic auth.

    with FakeTsa() as tsa:
        settings.DOCUMENT_TSA_URL = tsa.url
"""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from layanan.documents import signing_local

USER = "layanan"
PASSWORD = "kata-sandi-tsa"


def _asn1(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class FakeTsa:
    def __init__(self) -> None:
        self.root = signing_local.ca_make(
            common_name="Fake TSA Kabupaten Root", organization="Diskominfo Palsu"
        )
        self.root_pem = signing_local.cert_pem(self.root.cert)
        pair = signing_local.tsa_certificate_issue(
            ca=self.root, common_name="Fake TSA Kabupaten", organization="Diskominfo Palsu"
        )
        self.stamper = DummyTimeStamper(
            tsa_cert=_asn1(pair.cert),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                pair.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1(self.root.cert)]),
        )
        self.requests = 0
        self.refused = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def __enter__(self) -> FakeTsa:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
                pass

            def do_POST(self) -> None:
                if self.headers.get("Authorization") != expected:
                    fake.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = tsp.TimeStampReq.load(body)
                reply = fake.stamper.request_tsa_response(request).dump()
                fake.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        return Handler
