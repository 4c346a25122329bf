"""A report told as a voice note: filed from the web form, stored sealed, played only to those who work it.

Real sound files (a sine tone made with PyAV), the real form, services and storage. Each test
checks the answer, the database afterwards, and that the personas who must be refused are.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from layanan.accounts.models import User
from layanan.audit.models import AuditEvent
from layanan.complaints import services
from layanan.complaints.models import Kind, Report, ReportVoice, Status
from layanan.complaints.tests import citizen_builders as build
from layanan.core.uploads import upload_usage
from layanan.privacy.selectors import access_log
from layanan.testing import Cast
from layanan.testing.audio import opus_facts, tone, voice_upload

pytestmark = pytest.mark.django_db

NEW = reverse("complaints:new")
NEITHER = "Tuliskan apa yang terjadi, atau kirim pesan suara."


def post_new(user: User, data: dict[str, Any], voice: SimpleUploadedFile | None) -> Any:
    payload = dict(data)
    if voice is not None:
        payload["voice"] = voice
    return build.client_of(user).post(NEW, payload)


def voice_report(cast: Cast, *, text: str = "", confidential: bool = False) -> Report:
    """Siti's report told by voice, through the one entry point."""
    return services.report_submit(
        reporter=cast.siti,
        kind=Kind.COMPLAINT,
        category=build.category(cast),
        text=text,
        region=cast.world.kotabumi_pasar,
        confidential=confidential,
        voice=voice_upload(),
        submit_key=uuid.uuid4(),
    )


def disposed(cast: Cast, report: Report) -> Report:
    return services.report_verify(
        report=report, actor=cast.admin, expected_version=report.version, office=cast.world.disdukcapil
    )


def voice_url(report: Report) -> str:
    return reverse("complaints:voice", kwargs={"public_id": report.public_id})


def plays(report: Report) -> int:
    return AuditEvent.objects.filter(action="complaints.voice_play", object_id=str(report.pk)).count()


# --- filing ------------------------------------------------------------------------------------------------


def test_the_form_offers_a_voice_field_that_records_on_a_phone_without_javascript(cast: Cast) -> None:
    response = build.client_of(cast.siti).get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="voice"' in html
    assert 'accept="audio/*"' in html
    assert " capture" in html
    assert 'id="voice-recorder" hidden' in html  # the in-page recorder appears only with the script
    assert "complaints/voice.js" in html
    assert "Paling lama 3 menit" in html


def test_a_citizen_files_a_report_with_a_voice_note_and_no_text(cast: Cast, settings: LazySettings) -> None:
    original = tone(seconds=3, container="wav", stereo=True)
    response = post_new(cast.siti, build.form_data(cast, text=""), voice_upload(original))
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == reverse("complaints:done", args=[report.public_id])
    assert report.text == ""
    assert report.status == Status.RECEIVED
    voice = ReportVoice.objects.get(report=report)
    assert voice.uploaded_by == cast.siti
    assert voice.seconds == 3
    # Sealed at rest: the bytes on disk are not the sound; the storage opens them.
    raw = (Path(settings.MEDIA_ROOT) / str(voice.file.name)).read_bytes()
    assert not raw.startswith(b"OggS")
    with voice.file.open("rb") as handle:
        content = handle.read()
    assert voice.size == len(content) < len(original) / 10
    assert opus_facts(content)[:4] == ("ogg", "opus", "mono", 48_000)
    assert upload_usage(cast.siti).files_today == 1  # counted in the citizen's upload quota
    event = AuditEvent.objects.get(action="complaints.submit", object_id=str(report.pk))
    assert event.details["voice"] is True


def test_the_form_sent_twice_with_a_voice_note_files_one_report_and_one_note(cast: Cast) -> None:
    data = build.form_data(cast, text="")
    first = post_new(cast.siti, data, voice_upload())
    second = post_new(cast.siti, data, voice_upload())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Report.objects.count() == 1
    assert ReportVoice.objects.count() == 1


def test_neither_text_nor_voice_is_refused_with_a_plain_message(cast: Cast) -> None:
    response = post_new(cast.siti, build.form_data(cast, text="  "), None)
    assert response.status_code == 200
    assert NEITHER in response.content.decode()
    assert Report.objects.count() == 0
    with pytest.raises(services.ReportError) as refused:
        services.report_submit(
            reporter=cast.siti,
            kind=Kind.COMPLAINT,
            category=build.category(cast),
            text="",
            region=cast.world.kotabumi_pasar,
        )
    assert "atau kirim pesan suara" in str(refused.value)
    assert Report.objects.count() == 0


def test_a_40_mb_voice_file_is_refused_with_a_plain_message_and_nothing_is_stored(
    cast: Cast, settings: LazySettings
) -> None:
    big = SimpleUploadedFile("rekaman.wav", b"RIFF" + b"\0" * (40 * 1024 * 1024), content_type="audio/wav")
    response = post_new(cast.siti, build.form_data(cast, text=""), big)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pesan suara terlalu besar (maksimum 10 MB). Rekam pesan yang lebih pendek." in html
    assert Report.objects.count() == 0
    assert ReportVoice.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "reports").exists()


def test_a_file_that_is_not_a_recording_is_refused(cast: Cast) -> None:
    fake = SimpleUploadedFile("pesan.ogg", build.jpeg(), content_type="audio/ogg")
    response = post_new(cast.siti, build.form_data(cast, text=""), fake)
    assert response.status_code == 200
    assert "Berkas ini bukan rekaman suara yang dapat kami baca." in response.content.decode()
    assert Report.objects.count() == 0


def test_a_note_over_the_length_limit_is_refused(cast: Cast, settings: LazySettings) -> None:
    settings.VOICE_MAX_SECONDS = 5
    response = post_new(cast.siti, build.form_data(cast, text=""), voice_upload(tone(seconds=7)))
    assert response.status_code == 200
    assert "Pesan suara terlalu panjang (paling lama 5 detik)." in response.content.decode()
    assert Report.objects.count() == 0


def test_an_anonymous_report_cannot_carry_a_voice_that_would_name_its_speaker(cast: Cast) -> None:
    response = post_new(cast.siti, build.form_data(cast, text="", anonymous="on"), voice_upload())
    assert response.status_code == 200
    assert "Pesan suara tidak dapat dikirim secara anonim" in response.content.decode()
    assert Report.objects.count() == 0
    with pytest.raises(services.ReportError):
        services.report_submit(
            reporter=cast.siti,
            kind=Kind.COMPLAINT,
            category=build.category(cast),
            text="Jalan rusak di depan pasar sejak lama.",
            region=cast.world.kotabumi_pasar,
            anonymous=True,
            voice=voice_upload(),
        )
    assert ReportVoice.objects.count() == 0


# --- playing ----------------------------------------------------------------------------------------------


def test_the_coordinator_plays_the_note_on_the_staff_page_and_each_play_is_audited(cast: Cast) -> None:
    report = voice_report(cast)
    page = build.client_of(cast.admin).get(reverse("complaints:staff_report", args=[report.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<audio controls preload="none" src="{voice_url(report)}"' in html
    assert "Laporan ini disampaikan dengan pesan suara." in html
    response = build.client_of(cast.admin).get(voice_url(report))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/ogg"
    assert response["Content-Disposition"] == 'inline; filename="pesan-suara.ogg"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"OggS")  # type: ignore[attr-defined]
    assert plays(report) == 1
    event = AuditEvent.objects.get(action="complaints.voice_play", object_id=str(report.pk))
    assert event.actor == cast.admin
    # The reporter reads each play in "Data saya" (who else touched my data).
    played = [row for row in access_log(subject=cast.siti) if row.action == "complaints.voice_play"]
    assert [row.about for row in played] == [report.tracking_number]


def test_the_disposed_office_plays_it_and_others_get_404(cast: Cast) -> None:
    report = voice_report(cast, confidential=True)
    assert build.client_of(cast.budi).get(voice_url(report)).status_code == 404  # not disposed yet
    report = disposed(cast, report)
    page = build.client_of(cast.budi).get(reverse("complaints:staff_report", args=[report.public_id]))
    assert voice_url(report) in page.content.decode()
    assert build.client_of(cast.budi).get(voice_url(report)).status_code == 200
    assert plays(report) == 1
    refused = (cast.andi, cast.rini, cast.bupati, cast.auditor, build.other_citizen())
    for persona in refused:
        assert build.client_of(persona).get(voice_url(report)).status_code == 404, persona.full_name
    # The leader and the auditor read the report, but do not hear who spoke.
    bupati_page = build.client_of(cast.bupati).get(
        reverse("complaints:staff_report", args=[report.public_id])
    )
    assert bupati_page.status_code == 200
    assert voice_url(report) not in bupati_page.content.decode()
    visitor = build.client_of(None).get(voice_url(report))
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("accounts:login"))
    assert plays(report) == 1  # refusals play nothing and audit nothing


def test_the_reporter_hears_their_own_note_unaudited_and_a_missing_one_is_404(cast: Cast) -> None:
    report = voice_report(cast, text="Jalan di depan pasar berlubang.")
    page = build.client_of(cast.siti).get(reverse("complaints:detail", args=[report.public_id]))
    assert voice_url(report) in page.content.decode()
    assert build.client_of(cast.siti).get(voice_url(report)).status_code == 200
    assert plays(report) == 0
    missing = reverse("complaints:voice", kwargs={"public_id": uuid.uuid4()})
    assert build.client_of(cast.admin).get(missing).status_code == 404


def test_a_published_report_never_exposes_the_voice(cast: Cast) -> None:
    report = disposed(cast, voice_report(cast))
    assert report.status in (Status.VERIFIED, Status.DISPOSED)
    listing = build.client_of(None).get(reverse("complaints:public_list"))
    detail = build.client_of(None).get(reverse("complaints:public_detail", args=[report.public_id]))
    assert detail.status_code == 200
    for html in (listing.content.decode(), detail.content.decode()):
        assert voice_url(report) not in html
        assert "<audio" not in html
    assert "Pesan suara tidak diumumkan." in detail.content.decode()


def test_the_admin_has_no_page_for_voice_notes() -> None:
    assert ReportVoice not in admin.site._registry
