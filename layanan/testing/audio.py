"""Small real sound files for the voice-note tests, made with PyAV: a sine tone."""

from __future__ import annotations

import array
import io
import math

import av
from django.core.files.uploadedfile import SimpleUploadedFile

_CODECS = {"wav": "pcm_s16le", "webm": "libopus", "ogg": "libopus", "mp4": "aac", "mp3": "libmp3lame"}
_CONTENT_TYPES = {
    "wav": "audio/wav",
    "webm": "audio/webm",
    "ogg": "audio/ogg",
    "mp4": "audio/mp4",
    "mp3": "audio/mpeg",
}


def tone(*, seconds: float = 2.0, container: str = "wav", rate: int = 48_000, stereo: bool = False) -> bytes:
    """``seconds`` of a 440 Hz tone in ``container`` (``wav``, ``webm``, ``ogg``, ``mp4``, ``mp3``)."""
    layout = "stereo" if stereo else "mono"
    channels = 2 if stereo else 1
    output = io.BytesIO()
    with av.open(output, mode="w", format=container) as target:
        stream = target.add_stream(_CODECS[container], rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = layout
        total, step = int(seconds * rate), 960
        for start in range(0, total, step):
            count = min(step, total - start)
            samples = array.array(
                "h",
                (
                    int(8000 * math.sin(2 * math.pi * 440 * (start + index // channels) / rate))
                    for index in range(count * channels)
                ),
            )
            frame = av.AudioFrame(format="s16", layout=layout, samples=count)
            frame.planes[0].update(bytes(samples))
            frame.sample_rate = rate
            frame.pts = start
            target.mux(stream.encode(frame))
        target.mux(stream.encode(None))
    return output.getvalue()


def voice_upload(
    content: bytes | None = None, *, container: str = "wav", name: str = ""
) -> SimpleUploadedFile:
    """An uploaded sound file as a browser sends it (a 2-second tone unless ``content`` is given)."""
    body = content if content is not None else tone(container=container)
    return SimpleUploadedFile(name or f"pesan.{container}", body, content_type=_CONTENT_TYPES[container])


def opus_facts(content: bytes) -> tuple[str, str, str, int, float]:
    """(container, codec, layout, sample rate, seconds) of an encoded sound, read back with PyAV."""
    with av.open(io.BytesIO(content), mode="r") as source:
        stream = source.streams.audio[0]
        samples = sum(frame.samples for frame in source.decode(stream))
        return (
            source.format.name,
            stream.codec_context.name,
            stream.layout.name,
            stream.rate,
            samples / stream.rate,
        )
