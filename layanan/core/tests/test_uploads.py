"""clean_upload: the type comes from the content, photos are re-encoded, anything risky is refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from layanan.core.uploads import UploadRefused, clean_upload


def _image_bytes(size=(300, 200), *, mode="RGB", color=(200, 10, 10), fmt="JPEG", **save) -> bytes:
    image = Image.new(mode, size, color)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def _jpeg_with_gps(size=(300, 200), orientation=1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PonselKu"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (4.0, 50.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (104.0, 53.0, 0.0)
    return _image_bytes(size, exif=exif.tobytes())


def _upload(content: bytes, name="foto.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _opened(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` by ``height`` pixels: a decompression bomb's calling card."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def test_it_strips_exif_and_location_from_a_jpeg():
    original = _jpeg_with_gps()
    assert _opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture does carry GPS

    clean = clean_upload(_upload(original))

    result = _opened(clean.content)
    assert result.format == "JPEG"
    assert not result.getexif()
    assert b"PonselKu" not in clean.content
    assert clean.content_type == "image/jpeg"
    assert clean.extension == "jpg"
    assert len(clean.sha256) == 64


def test_it_applies_the_orientation_before_dropping_it():
    clean = clean_upload(_upload(_jpeg_with_gps(size=(300, 200), orientation=6)))

    assert _opened(clean.content).size == (200, 300)


def test_it_shrinks_a_6000_by_4000_photo_to_the_longest_side_setting(settings):
    settings.UPLOAD_MAX_IMAGE_SIDE = 2000

    clean = clean_upload(_upload(_image_bytes((6000, 4000), quality=30)))

    assert _opened(clean.content).size == (2000, 1333)


def test_it_converts_a_transparent_png_to_a_jpeg_on_white():
    png = _image_bytes((40, 40), mode="RGBA", color=(0, 0, 0, 0), fmt="PNG")

    clean = clean_upload(_upload(png, name="scan.png", content_type="image/png"))

    result = _opened(clean.content)
    assert result.format == "JPEG"
    assert result.mode == "RGB"
    pixel = result.getpixel((20, 20))
    assert isinstance(pixel, tuple)
    assert min(pixel) > 240  # white, not black


def test_it_accepts_a_webp_whatever_the_name_says():
    webp = _image_bytes((64, 48), fmt="WEBP")

    clean = clean_upload(_upload(webp, name="dokumen.pdf", content_type="application/pdf"))

    assert _opened(clean.content).format == "JPEG"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"),
        ("ktp.png", b"PK\x03\x04\x14\x00\x00\x00\x08\x00 zip archive"),
        ("ktp.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
    ids=["html-named-jpg", "exe", "zip", "svg"],
)
def test_it_refuses_anything_that_is_not_a_photo_or_a_pdf(name, content):
    with pytest.raises(UploadRefused, match=r"Berkas harus berupa foto \(JPG/PNG\) atau PDF\."):
        clean_upload(_upload(content, name=name))


def test_it_refuses_a_heic_photo_and_asks_for_a_jpg():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64

    with pytest.raises(UploadRefused, match="JPG"):
        clean_upload(_upload(heic, name="IMG_0001.HEIC", content_type="image/heic"))


def test_it_refuses_a_40_mb_upload_with_the_limit_in_the_message():
    huge = SimpleUploadedFile("foto.jpg", b"\0" * (40 * 1024 * 1024), content_type="image/jpeg")

    with pytest.raises(UploadRefused) as refused:
        clean_upload(huge)

    assert str(refused.value) == (
        "Berkas terlalu besar (maksimum 10 MB). Kirim foto dengan ukuran lebih kecil."
    )


def test_it_refuses_by_bytes_read_even_when_the_declared_size_lies(settings):
    settings.UPLOAD_MAX_BYTES = 2048
    upload = _upload(_image_bytes((400, 400), mode="RGB", color=(1, 2, 3), fmt="PNG") + b"\0" * 4096)
    upload.size = 10  # a lying size must not let it through

    with pytest.raises(UploadRefused, match="terlalu besar"):
        clean_upload(upload)


def test_it_refuses_an_empty_file():
    with pytest.raises(UploadRefused, match="kosong"):
        clean_upload(_upload(b""))


def test_it_refuses_a_decompression_bomb_before_decoding_it():
    bomb = _png_claiming(100_000, 100_000)
    assert len(bomb) < 200

    with pytest.raises(UploadRefused, match="terlalu besar untuk diproses"):
        clean_upload(_upload(bomb, name="bom.png"))


def test_it_refuses_an_image_just_over_the_pixel_limit_where_pillow_only_warns(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    with pytest.raises(UploadRefused, match="terlalu besar untuk diproses"):
        clean_upload(_upload(_image_bytes((40, 40), fmt="PNG"), name="kecil.png"))


def test_it_refuses_a_truncated_photo():
    broken = _image_bytes((200, 200))[:300]

    with pytest.raises(UploadRefused, match="rusak"):
        clean_upload(_upload(broken))


# PDFs: see test_uploads_pdf.py (parsed with pikepdf, hostile files built there).
