"""Checking a voice note and re-encoding it small, before it is stored.

Like photos (:mod:`layanan.core.uploads`), a voice note is judged by its content, never by its
name or the type the browser declared:

- at most ``VOICE_MAX_BYTES`` (default 10 MB) read, whatever the upload claims;
- the container is sniffed from the first bytes (Ogg, WebM/Matroska, MP4/M4A/3GP, MP3, AAC,
  AMR, WAV, FLAC) and opened with that one demuxer only, so ffmpeg never guesses among the
  hundreds it knows;
- it must hold an audio stream that decodes; decoding stops as soon as it passes
  ``VOICE_MAX_SECONDS`` (default 180): the length counts the decoded samples, since a
  browser's recording (WebM from MediaRecorder) carries no duration in its header;
- the sound is re-encoded as Opus in Ogg, mono, about ``VOICE_BITRATE`` bit/s (24 kbit/s, about
  180 KB a minute): anything else in the file (a video picture, cover art, tags with the
  phone's name or place) is left behind.

PyAV (``av``) bundles the ffmpeg libraries; no ffmpeg program is needed
(``docs/decisions/0012-voice-notes.md``). ``clean_voice(upload)`` returns a :class:`CleanAudio`
or raises :class:`~layanan.core.uploads.UploadRefused` with a plain Indonesian message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from layanan.core.uploads import CleanFile, UploadRefused, _finish, _read_limited, size_words

VOICE_CONTENT_TYPE = "audio/ogg"
VOICE_EXTENSION = "ogg"
OPUS_RATE = 48_000  # Opus works at 48 kHz inside; giving it that avoids a second resampling
# ISO base media brands of phone voice recorders and music files (M4A, 3GP, MP4 audio).
_MP4_BRANDS = frozenset(
    {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso5"}
    | {b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"dash"}
)
_OPUS_OPTIONS = {"application": "voip", "vbr": "constrained"}  # speech; the bit rate held near the target


@dataclass(frozen=True)
class CleanAudio(CleanFile):
    seconds: float = 0.0


def _sniff_audio(head: bytes) -> str | None:
    """The one ffmpeg demuxer to open the file with, from its first bytes; None when not a sound file."""
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"  # WebM (Chromium's and Firefox's MediaRecorder) and MKA
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "mov"  # M4A (iPhone, Safari's MediaRecorder), 3GP (older Android recorders)
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        # MP3 (with tags, or a bare frame) and ADTS AAC share the frame sync; the AAC layer bits are 00.
        return "aac" if head[1] & 0x06 == 0 and not head.startswith(b"ID3") else "mp3"
    return None


def _too_big_message(limit: int) -> str:
    return _("Pesan suara terlalu besar (maksimum %(limit)s). Rekam pesan yang lebih pendek.") % {
        "limit": size_words(limit)
    }


def _not_audio_message() -> str:
    return _(
        "Berkas ini bukan rekaman suara yang dapat kami baca. Rekam lagi, atau kirim berkas suara "
        "(misalnya OGG, MP3, M4A, WebM, AMR atau WAV)."
    )


def length_words(seconds: int) -> str:
    """``3 menit``, ``90 detik``: the longest voice note, as people say it."""
    minutes, rest = divmod(seconds, 60)
    if rest:
        return _("%(count)s detik") % {"count": seconds}
    return _("%(count)s menit") % {"count": minutes}


def _too_long_message(seconds: int) -> str:
    return _("Pesan suara terlalu panjang (paling lama %(limit)s). Rekam pesan yang lebih singkat.") % {
        "limit": length_words(seconds)
    }


def _transcode(content: bytes, demuxer: str, max_seconds: int) -> tuple[bytes, float]:
    """Decode the first audio stream and encode it as Ogg Opus, mono; (bytes, seconds)."""
    output = io.BytesIO()
    samples = 0
    with av.open(io.BytesIO(content), mode="r", format=demuxer) as source:
        if not source.streams.audio:
            raise UploadRefused(_not_audio_message())
        stream = source.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_RATE)
        with av.open(output, mode="w", format="ogg") as target:
            bit_rate = int(settings.VOICE_BITRATE)
            opus = target.add_stream("libopus", rate=OPUS_RATE, bit_rate=bit_rate, options=_OPUS_OPTIONS)
            opus.layout = "mono"
            for frame in source.decode(stream):
                for mono in resampler.resample(frame):
                    samples += mono.samples
                    if samples > max_seconds * OPUS_RATE:
                        raise UploadRefused(_too_long_message(max_seconds))
                    mono.pts = None
                    target.mux(opus.encode(mono))
            for mono in resampler.resample(None):
                samples += mono.samples
                mono.pts = None
                target.mux(opus.encode(mono))
            target.mux(opus.encode(None))
    if samples == 0:
        raise UploadRefused(_not_audio_message())
    if samples > max_seconds * OPUS_RATE:
        raise UploadRefused(_too_long_message(max_seconds))
    return output.getvalue(), samples / OPUS_RATE


def clean_voice(upload: UploadedFile) -> CleanAudio:
    """The voice note, checked and re-encoded as Ogg Opus; :class:`UploadRefused` says why not."""
    limit = int(settings.VOICE_MAX_BYTES)
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(_too_big_message(limit))
    content = _read_limited(upload, limit)
    upload.seek(0)
    if len(content) > limit:
        raise UploadRefused(_too_big_message(limit))
    if not content:
        raise UploadRefused(_("Berkas kosong. Rekam atau pilih pesan suara lagi."))
    demuxer = _sniff_audio(content[:32])
    if demuxer is None:
        raise UploadRefused(_not_audio_message())
    try:
        encoded, seconds = _transcode(content, demuxer, int(settings.VOICE_MAX_SECONDS))
    except UploadRefused:
        raise
    except (av.FFmpegError, ValueError, OSError, IndexError, EOFError):
        raise UploadRefused(_not_audio_message()) from None
    clean = _finish(encoded, VOICE_CONTENT_TYPE, VOICE_EXTENSION)
    return CleanAudio(
        content=clean.content,
        content_type=clean.content_type,
        extension=clean.extension,
        sha256=clean.sha256,
        seconds=round(seconds, 1),
    )
