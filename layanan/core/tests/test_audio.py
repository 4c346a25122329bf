"""Voice notes checked by content and re-encoded small (layanan/core/audio.py), with real sound files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from layanan.core.audio import clean_voice
from layanan.core.uploads import UploadRefused
from layanan.testing.audio import opus_facts, tone, voice_upload

NOT_AUDIO = "bukan rekaman suara yang dapat kami baca"


@pytest.mark.parametrize("container", ["wav", "webm", "ogg", "mp4", "mp3"])
def test_a_recording_in_any_common_container_becomes_small_mono_opus_in_ogg(container: str) -> None:
    original = tone(seconds=3, container=container, stereo=True)
    clean = clean_voice(voice_upload(original, container=container))
    assert clean.content_type == "audio/ogg"
    assert clean.extension == "ogg"
    assert clean.content.startswith(b"OggS")
    fmt, codec, layout, rate, seconds = opus_facts(clean.content)
    assert (fmt, codec, layout, rate) == ("ogg", "opus", "mono", 48_000)
    assert 2.9 <= seconds <= 3.1
    assert clean.seconds == pytest.approx(3.0, abs=0.1)
    assert clean.size * 8 / 3 < 40_000  # about 24 kbit/s, Ogg pages included


def test_a_long_note_stays_near_the_configured_bit_rate() -> None:
    wav = tone(seconds=60, container="wav", rate=16_000)
    clean = clean_voice(voice_upload(wav))
    assert len(wav) > 1_900_000
    assert clean.size < 240_000  # a minute of speech-rate Opus: under 32 kbit/s all told
    assert clean.seconds == pytest.approx(60.0, abs=0.1)


def test_a_40_mb_file_is_refused_with_a_plain_message_before_it_is_read() -> None:
    upload = SimpleUploadedFile("rekaman.wav", b"RIFF" + b"\0" * (40 * 1024 * 1024), content_type="audio/wav")
    with pytest.raises(UploadRefused) as refused:
        clean_voice(upload)
    assert str(refused.value) == (
        "Pesan suara terlalu besar (maksimum 10 MB). Rekam pesan yang lebih pendek."
    )


@override_settings(VOICE_MAX_SECONDS=5)
def test_a_note_longer_than_the_limit_is_refused_and_one_within_it_passes() -> None:
    with pytest.raises(UploadRefused) as refused:
        clean_voice(voice_upload(tone(seconds=6)))
    assert str(refused.value) == (
        "Pesan suara terlalu panjang (paling lama 5 detik). Rekam pesan yang lebih singkat."
    )
    assert clean_voice(voice_upload(tone(seconds=4.5))).seconds == pytest.approx(4.5, abs=0.1)


def test_the_length_is_counted_from_the_sound_not_from_the_header() -> None:
    # A WebM from a browser's MediaRecorder carries no duration: the decoded samples count.
    with override_settings(VOICE_MAX_SECONDS=60):
        minutes = str(clean_voice(voice_upload(tone(seconds=2, container="webm"), container="webm")).seconds)
    assert minutes == "2.0"
    with override_settings(VOICE_MAX_SECONDS=180), pytest.raises(UploadRefused) as refused:
        clean_voice(voice_upload(tone(seconds=181, container="webm", rate=8_000), container="webm"))
    assert "paling lama 3 menit" in str(refused.value)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 10, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        _jpeg(),
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n",
        b"OggS" + b"\0" * 200,  # the right magic, nothing inside
        b"\x1a\x45\xdf\xa3" + b"rusak" * 100,
        b"RIFF\x10\x00\x00\x00WAVEfmt ",
    ],
    ids=["jpeg", "html", "pdf", "empty-ogg", "broken-webm", "truncated-wav"],
)
def test_anything_but_a_readable_recording_is_refused_whatever_its_name_and_type(content: bytes) -> None:
    upload = SimpleUploadedFile("pesan-suara.ogg", content, content_type="audio/ogg")
    with pytest.raises(UploadRefused) as refused:
        clean_voice(upload)
    assert NOT_AUDIO in str(refused.value)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRefused) as refused:
        clean_voice(SimpleUploadedFile("kosong.ogg", b"", content_type="audio/ogg"))
    assert str(refused.value) == "Berkas kosong. Rekam atau pilih pesan suara lagi."
