"""A WhatsApp voice message joins the report its sender just filed by ADUAN, end to end.

Meta's media API is a small local HTTP server (the lookup answers a download URL, which answers
the bytes, both only with the token); the webhook, the task and the complaint service are real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from layanan.audit.models import AuditEvent
from layanan.complaints.models import Report, ReportVoice, Status
from layanan.complaints.services import report_verify
from layanan.inbound.models import InboundMessage, Outcome
from layanan.inbound.tasks import inbound_voice_attach
from layanan.inbound.tests.builders import (
    categories,
    kotabumi_udik,
    new_id,
    post_whatsapp,
    reply_of,
    wa_message,
    wa_payload,
)
from layanan.testing.audio import opus_facts, tone

pytestmark = pytest.mark.django_db

SITI_WA = "6281200000001"
TOKEN = "token-uji-meta"


class FakeMeta:
    """Meta's media endpoints: ``/v21.0/<id>`` → ``{"url": ...}``, ``/unduh/<id>`` → the bytes."""

    def __init__(self) -> None:
        self.media: dict[str, bytes] = {}
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                fake.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_response(401)
                    self.end_headers()
                    return
                name = self.path.rsplit("/", 1)[-1]
                if name not in fake.media:
                    self.send_response(404)
                    self.end_headers()
                    return
                if self.path.startswith("/v21.0/"):
                    body = json.dumps({"url": f"{fake.url}/unduh/{name}", "mime_type": "audio/ogg"}).encode()
                else:
                    body = fake.media[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def meta(settings: Any) -> Iterator[FakeMeta]:
    fake = FakeMeta()
    settings.WHATSAPP_API_URL = fake.url
    settings.WHATSAPP_API_VERSION = "v21.0"
    settings.WHATSAPP_TOKEN = TOKEN
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def aduan(text: str = "aduan kotabumi udik jalan berlubang di depan SD") -> Report:
    return_value = post_whatsapp_ok(wa_message(text=text, sender=SITI_WA))
    assert return_value.outcome == Outcome.REPORT
    return Report.objects.get(tracking_number=return_value.tracking_number)


def post_whatsapp_ok(item: dict[str, Any]) -> InboundMessage:
    from django.test import Client

    assert post_whatsapp(Client(), wa_payload(messages=[item])).status_code == 200
    return InboundMessage.objects.get(gateway_id=item["id"])


def voice_message(media_id: str, sender: str = SITI_WA) -> dict[str, Any]:
    return {
        "from": sender,
        "id": new_id("wamid.IN"),
        "timestamp": "1767225600",
        "type": "audio",
        "audio": {"id": media_id, "mime_type": "audio/ogg; codecs=opus", "voice": True},
    }


def run_task(message: InboundMessage) -> str:
    report = Report.objects.get(tracking_number=message.tracking_number)
    return str(inbound_voice_attach.call(message.pk, report.pk))


def test_a_voice_message_after_aduan_joins_that_report_and_the_reply_names_it(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    report = aduan()
    meta.media["MEDIA-1"] = tone(seconds=3, container="ogg", stereo=True)

    message = post_whatsapp_ok(voice_message("MEDIA-1"))

    assert message.outcome == Outcome.REPORT
    assert message.tracking_number == report.tracking_number
    assert message.reply is None  # the task replies once the note is in
    assert run_task(message) == "added"
    voice = ReportVoice.objects.get(report=report)
    assert voice.uploaded_by == report.reporter
    assert voice.seconds == 3
    with voice.file.open("rb") as handle:
        assert opus_facts(handle.read())[:3] == ("ogg", "opus", "mono")
    message.refresh_from_db()
    assert reply_of(message).event == "inbound.report_received"
    assert report.tracking_number in reply_of(message).data
    assert AuditEvent.objects.filter(action="complaints.voice_add", object_id=str(report.pk)).count() == 1
    assert report.timeline.filter(action="voice_add").count() == 1
    # Safe to run twice (a worker's retry): one note, one reply.
    assert run_task(message) == "gone"
    assert ReportVoice.objects.count() == 1
    assert meta.requests == ["/v21.0/MEDIA-1", "/unduh/MEDIA-1"]


def test_a_voice_message_without_a_report_just_filed_gets_the_help(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    meta.media["MEDIA-2"] = tone(seconds=2, container="ogg")

    lone = post_whatsapp_ok(voice_message("MEDIA-2"))
    assert lone.outcome == Outcome.HELP
    assert reply_of(lone).event == "inbound.help"

    report = aduan()
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(hours=1))
    late = post_whatsapp_ok(voice_message("MEDIA-2"))
    assert late.outcome == Outcome.HELP

    fresh = aduan("aduan kotabumi udik lampu jalan mati di depan pasar")
    report_verify(report=fresh, actor=cast.admin, expected_version=fresh.version, office=cast.world.pupr)
    verified = post_whatsapp_ok(voice_message("MEDIA-2"))
    assert verified.outcome == Outcome.HELP  # already checked by the coordinator: too late to add

    stranger = post_whatsapp_ok(voice_message("MEDIA-2", sender="6281277770000"))
    assert stranger.outcome == Outcome.HELP
    assert not ReportVoice.objects.exists()
    assert meta.requests == []  # nothing fetched for a message that joins nothing


def test_a_voice_that_is_not_a_recording_or_cannot_be_fetched_is_refused_with_the_help(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    report = aduan()
    meta.media["MEDIA-3"] = b"<html>bukan suara</html>"

    message = post_whatsapp_ok(voice_message("MEDIA-3"))
    assert run_task(message) == "refused"
    missing = post_whatsapp_ok(voice_message("MEDIA-404"))
    assert run_task(missing) == "unreadable"

    assert not ReportVoice.objects.filter(report=report).exists()
    for handled in (message, missing):
        handled.refresh_from_db()
        assert handled.outcome == Outcome.HELP
        assert reply_of(handled).event == "inbound.help"
    assert Report.objects.get(pk=report.pk).status == Status.RECEIVED
