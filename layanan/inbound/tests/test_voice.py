"""A WhatsApp voice message joins the report its sender just filed by ADUAN, or waits for the next one.

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
from layanan.inbound.models import InboundMessage, InboundVoice, Outcome
from layanan.inbound.tasks import inbound_voice_attach, inbound_voice_keep, inbound_voices_purge
from layanan.inbound.tests.builders import (
    categories,
    kotabumi_udik,
    new_id,
    post_whatsapp,
    reply_of,
    wa_message,
    wa_payload,
)
from layanan.notifications.events import event_get
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


def test_a_voice_message_without_a_report_just_filed_joins_no_report_and_waits_for_the_next_aduan(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    meta.media["MEDIA-2"] = tone(seconds=2, container="ogg")

    lone = post_whatsapp_ok(voice_message("MEDIA-2"))
    assert lone.outcome == Outcome.VOICE
    assert lone.tracking_number == ""
    assert lone.reply is None  # the keeping task replies

    report = aduan()
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(hours=1))
    late = post_whatsapp_ok(voice_message("MEDIA-2"))
    assert late.outcome == Outcome.VOICE  # too late for that report: kept for the next ADUAN

    fresh = aduan("aduan kotabumi udik lampu jalan mati di depan pasar")
    report_verify(report=fresh, actor=cast.admin, expected_version=fresh.version, office=cast.world.pupr)
    verified = post_whatsapp_ok(voice_message("MEDIA-2"))
    assert verified.outcome == Outcome.VOICE  # already checked by the coordinator: too late to add

    stranger = post_whatsapp_ok(voice_message("MEDIA-2", sender="6281277770000"))
    assert stranger.outcome == Outcome.VOICE
    assert not ReportVoice.objects.exists()
    assert meta.requests == []  # nothing fetched before the task runs


def test_the_voice_of_an_inactive_account_gets_the_help_and_nothing_is_fetched(cast, meta):
    cast.siti.is_active = False
    cast.siti.save(update_fields=["is_active"])
    meta.media["MEDIA-9"] = tone(seconds=2, container="ogg")

    message = post_whatsapp_ok(voice_message("MEDIA-9"))

    assert message.outcome == Outcome.HELP
    assert reply_of(message).event == "inbound.help"
    assert not InboundVoice.objects.exists()
    assert meta.requests == []


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


# --- a voice message sent first, before any ADUAN ------------------------------------------------------


def voice_first(media_id: str, *, seconds: int = 3, sender: str = SITI_WA, meta: FakeMeta) -> InboundMessage:
    """A voice message with no report waiting for it, posted and kept by the task."""
    meta.media[media_id] = tone(seconds=seconds, container="ogg", stereo=True)
    message = post_whatsapp_ok(voice_message(media_id, sender=sender))
    assert message.outcome == Outcome.VOICE
    assert inbound_voice_keep.call(message.pk) == "kept"
    message.refresh_from_db()
    return message


def stored(name: str | None) -> bool:
    from django.core.files.storage import default_storage

    assert name
    return bool(default_storage.exists(name))


def test_a_voice_sent_first_is_kept_re_encoded_and_the_reply_says_to_send_aduan_and_the_desa(cast, meta):
    message = voice_first("MEDIA-10", meta=meta)

    kept = InboundVoice.objects.get(message=message)
    with kept.file.open("rb") as handle:
        assert opus_facts(handle.read())[:3] == ("ogg", "opus", "mono")
    assert kept.seconds == pytest.approx(3, abs=0.2)
    assert message.outcome == Outcome.VOICE
    reply = reply_of(message)
    assert reply.event == "inbound.voice_kept"
    words = event_get(reply.event).text(reply.language).short
    assert "kirim ADUAN dan nama desa Anda" in words
    assert not Report.objects.exists()
    # The task run twice (a worker's retry) and the webhook delivered twice: one note, one reply.
    assert inbound_voice_keep.call(message.pk) == "gone"
    from django.test import Client

    again = voice_message("MEDIA-10")
    again["id"] = message.gateway_id
    response = post_whatsapp(Client(), wa_payload(messages=[again]))
    assert response.status_code == 200
    assert response.json()["messages"] == 0
    assert InboundVoice.objects.count() == 1
    assert InboundMessage.objects.filter(gateway_id=message.gateway_id).count() == 1
    assert meta.requests == ["/v21.0/MEDIA-10", "/unduh/MEDIA-10"]


def test_aduan_with_only_the_desa_after_a_voice_files_a_voice_report_once(
    cast, meta, django_capture_on_commit_callbacks
):
    from django.test import Client

    kotabumi_udik(cast.world)
    categories(cast.world)
    message = voice_first("MEDIA-11", meta=meta)
    kept_name = InboundVoice.objects.get(message=message).file.name
    item = wa_message(text="ADUAN Kotabumi Udik", sender=SITI_WA)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_whatsapp(Client(), wa_payload(messages=[item]))

    assert response.status_code == 200
    filed = InboundMessage.objects.get(gateway_id=item["id"])
    assert filed.outcome == Outcome.REPORT
    report = Report.objects.get(tracking_number=filed.tracking_number)
    assert report.reporter == cast.siti
    assert report.text == ""
    assert report.region.name == "Kotabumi Udik"
    assert report.channel == "whatsapp"
    voice = ReportVoice.objects.get(report=report)
    assert voice.seconds == 3
    with voice.file.open("rb") as handle:
        assert opus_facts(handle.read())[:2] == ("ogg", "opus")
    assert reply_of(filed).event == "inbound.report_received"
    assert not InboundVoice.objects.exists()
    assert not stored(kept_name)  # the kept copy is gone once the report holds its own

    # The gateway delivers the same ADUAN again: one report, one note, one reply.
    response = post_whatsapp(Client(), wa_payload(messages=[item]))
    assert response.status_code == 200
    assert response.json()["messages"] == 0
    assert Report.objects.count() == 1
    assert ReportVoice.objects.count() == 1
    assert InboundMessage.objects.filter(gateway_id=item["id"]).count() == 1


def test_aduan_with_text_after_a_voice_files_the_text_with_the_voice(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    voice_first("MEDIA-12", meta=meta)

    report = aduan()

    assert report.text == "jalan berlubang di depan SD"
    assert ReportVoice.objects.filter(report=report).count() == 1
    assert not InboundVoice.objects.exists()


def test_a_bare_aduan_after_a_voice_is_told_to_name_the_desa_and_the_voice_waits(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    voice_first("MEDIA-13", meta=meta)

    bare = post_whatsapp_ok(wa_message(text="ADUAN", sender=SITI_WA))

    assert bare.outcome == Outcome.HELP
    assert reply_of(bare).event == "inbound.voice_kept"
    assert not Report.objects.exists()
    assert InboundVoice.objects.count() == 1
    report = aduan("aduan kotabumi udik")
    assert ReportVoice.objects.filter(report=report).exists()


def test_another_senders_aduan_never_takes_the_voice(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    voice_first("MEDIA-14", meta=meta)

    other = post_whatsapp_ok(wa_message(text="ADUAN Kotabumi Udik", sender="6281277770000"))
    assert other.outcome == Outcome.HELP  # no text and no voice of their own
    assert reply_of(other).event == "inbound.help"
    worded = post_whatsapp_ok(
        wa_message(text="ADUAN Kotabumi Udik lampu jalan mati di depan pasar", sender="6281277770000")
    )
    assert worded.outcome == Outcome.REPORT
    assert not ReportVoice.objects.exists()
    assert InboundVoice.objects.count() == 1  # still Siti's, for Siti's ADUAN
    assert not Report.objects.filter(reporter=cast.siti).exists()


def test_an_aduan_after_the_window_files_nothing_without_text(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    message = voice_first("MEDIA-15", meta=meta)
    InboundMessage.objects.filter(pk=message.pk).update(received_at=timezone.now() - timedelta(minutes=31))

    late = post_whatsapp_ok(wa_message(text="ADUAN Kotabumi Udik", sender=SITI_WA))

    assert late.outcome == Outcome.HELP
    assert reply_of(late).event == "inbound.help"
    assert not Report.objects.exists()


def test_the_purge_deletes_unclaimed_voices_past_the_window_and_their_files(
    cast, meta, django_capture_on_commit_callbacks
):
    old = voice_first("MEDIA-16", meta=meta)
    fresh = voice_first("MEDIA-17", sender="6281277770000", meta=meta)
    InboundMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(minutes=31))
    old_name = InboundVoice.objects.get(message=old).file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert inbound_voices_purge.call() == 1

    assert not InboundVoice.objects.filter(message=old).exists()
    assert not stored(old_name)
    fresh_voice = InboundVoice.objects.get(message=fresh)
    assert stored(fresh_voice.file.name)
    assert inbound_voices_purge.call() == 0


def test_a_newer_voice_replaces_the_one_kept_before(cast, meta, django_capture_on_commit_callbacks):
    first = voice_first("MEDIA-18", meta=meta)
    first_name = InboundVoice.objects.get(message=first).file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = voice_first("MEDIA-19", seconds=2, meta=meta)
    assert list(InboundVoice.objects.values_list("message", flat=True)) == [second.pk]
    assert not stored(first_name)


def test_an_aduan_that_came_before_the_voice_was_fetched_gets_the_voice(cast, meta):
    kotabumi_udik(cast.world)
    categories(cast.world)
    meta.media["MEDIA-20"] = tone(seconds=2, container="ogg")
    voice = post_whatsapp_ok(voice_message("MEDIA-20"))
    assert voice.outcome == Outcome.VOICE

    report = aduan()  # the worker had not fetched the voice yet

    assert inbound_voice_keep.call(voice.pk) == "added"
    assert ReportVoice.objects.filter(report=report).exists()
    assert not InboundVoice.objects.exists()
    voice.refresh_from_db()
    assert voice.tracking_number == report.tracking_number
    assert reply_of(voice).event == "inbound.report_received"


def test_a_voice_sent_first_that_is_not_a_recording_gets_the_help_and_nothing_is_kept(cast, meta):
    meta.media["MEDIA-21"] = b"<html>bukan suara</html>"
    message = post_whatsapp_ok(voice_message("MEDIA-21"))

    assert inbound_voice_keep.call(message.pk) == "refused"

    message.refresh_from_db()
    assert message.outcome == Outcome.HELP
    assert reply_of(message).event == "inbound.help"
    assert not InboundVoice.objects.exists()
