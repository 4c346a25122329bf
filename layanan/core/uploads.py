"""Checking and cleaning a citizen's upload before it is stored.

The type is read from the content (magic bytes, then Pillow or the PDF
header), never from the file name or the content type the browser declared.

- Photos (JPEG, PNG, WebP) are decoded and re-encoded as JPEG: orientation
  applied, EXIF (and with it GPS location) dropped, shrunk so the longest
  side is at most ``UPLOAD_MAX_IMAGE_SIDE``, transparency flattened on white.
  Images whose pixel count would exhaust memory (decompression bombs) are
  refused before they are decoded.
- PDFs are parsed (pikepdf, so hex-escaped names such as ``/J#61vaScript``
  and objects packed in object streams are read as a viewer reads them) and
  kept as they are, unless they are encrypted, broken or without pages, or
  carry anything active anywhere in the file (every object is walked, not
  only those reachable from the pages): JavaScript, an action other than
  moving inside the document (launch, web link, form submission or import,
  remote go-to, media...), additional actions (``/AA``), embedded files or
  file attachments, XFA forms, rich media. Internal links, bookmarks and
  ordinary form fields pass: a scan or a printed-to-PDF letter has nothing
  else. See ``docs/files.md``.
- Anything else (HEIC, executables, archives, SVG, HTML...) is refused with a
  plain message the citizen can act on.

``clean_upload(upload)`` returns a :class:`CleanFile` or raises
:class:`UploadRefused`, whose ``str()`` is that message.

``check_upload_quota(user, files)`` keeps one citizen from filling the disk: at most
``UPLOAD_QUOTA_PER_USER_MB`` stored in all (requirement uploads and report photos
together) and ``UPLOAD_QUOTA_FILES_PER_DAY`` files a day (WIB). Over either, it raises
:class:`UploadRefused` with a plain message, before anything is saved. Staff are not
counted (an officer's evidence photos, an operator's upload for a walk-in citizen).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

JPEG_QUALITY = 85
_READ_CHUNK = 64 * 1024
_IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Dictionary keys that carry a script, automatic actions, embedded files, XFA or rich media.
_PDF_FORBIDDEN_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent", "/RichMediaSettings"}
)
_PDF_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent", "/RichMediaSettings"})
# Action types (/S) other than moving inside the document (/GoTo, /Named, /Thread...).
_PDF_FORBIDDEN_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/RichMediaExecute",
        "/Hide",
        "/GoTo3DView",
        "/SetOCGState",
        "/Trans",
    }
)
_PDF_FORBIDDEN_TYPES = frozenset(
    {"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"}
)
_PDF_MAX_OBJECTS = 200_000  # a scan has a few hundred; more is a file made to exhaust the server
# ISO base media "ftyp" brands of HEIF/HEIC/AVIF photos (iPhone's default format).
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
)


class UploadRefused(Exception):
    """The upload cannot be accepted; ``str(error)`` tells the citizen why, in plain Indonesian."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def size_words(size: int) -> str:
    """``10 MB``, ``240 KB``: whole units, as people say them."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024))} MB"
    return f"{max(round(size / 1024), 1)} KB"


def _too_big_message() -> str:
    return _("Berkas terlalu besar (maksimum %(limit)s). Kirim foto dengan ukuran lebih kecil.") % {
        "limit": size_words(int(settings.UPLOAD_MAX_BYTES))
    }


def _wrong_type_message() -> str:
    return _("Berkas harus berupa foto (JPG/PNG) atau PDF.")


def _read_limited(upload: UploadedFile, limit: int) -> bytes:
    """The whole upload, but never more than ``limit + 1`` bytes, whatever ``upload.size`` claims."""
    upload.seek(0)
    buffer = bytearray()
    while len(buffer) <= limit:
        chunk = upload.read(min(_READ_CHUNK, limit + 1 - len(buffer)))
        if not chunk:
            break
        buffer.extend(chunk)
    return bytes(buffer)


def _sniff(head: bytes) -> str:
    """``jpeg``, ``png``, ``webp``, ``pdf``, ``heif`` or ``unknown``, from the first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heif"
    return "unknown"


def _finish(content: bytes, content_type: str, extension: str) -> CleanFile:
    return CleanFile(
        content=content,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _pdf_active_message() -> str:
    return _(
        "PDF ini berisi skrip, tautan, atau perintah yang tidak diizinkan. "
        "Kirim foto dokumennya, atau PDF hasil pindaian biasa."
    )


def _pdf_embedded_message() -> str:
    return _(
        "PDF ini berisi berkas lampiran atau formulir khusus yang tidak diizinkan. "
        "Kirim foto dokumennya, atau PDF hasil pindaian biasa."
    )


def _pdf_broken_message() -> str:
    return _("PDF ini rusak atau tidak dapat dibuka. Kirim foto dokumennya, atau simpan ulang PDF-nya.")


def _pdf_locked_message() -> str:
    return _("PDF ini dikunci dengan kata sandi. Kirim PDF tanpa kata sandi, atau foto dokumennya.")


def _pdf_problem(item: pikepdf.Object) -> str | None:
    """What is wrong with one dictionary (or a stream's dictionary): a message, or None."""
    keys = set(item.keys())
    found = keys & _PDF_FORBIDDEN_KEYS
    if found:
        return _pdf_embedded_message() if found & _PDF_EMBEDDED_KEYS else _pdf_active_message()
    for key, names in (
        ("/S", _PDF_FORBIDDEN_ACTIONS),
        ("/Type", _PDF_FORBIDDEN_TYPES),
        ("/Subtype", _PDF_FORBIDDEN_TYPES),
    ):
        value = item.get(key)
        if isinstance(value, pikepdf.Name) and str(value) in names:
            if key == "/S":
                return _pdf_active_message()
            return _pdf_embedded_message()
    opening = item.get("/OpenAction")
    if opening is not None and not isinstance(opening, pikepdf.Array | pikepdf.Dictionary):
        return _pdf_active_message()  # neither a destination nor an action: nothing a scan has
    return None


def _pdf_children(item: pikepdf.Object) -> list[pikepdf.Object]:
    """The direct dictionaries and arrays inside ``item`` (indirect ones are walked on their own)."""
    if isinstance(item, pikepdf.Array):
        values = list(item)
    elif isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
        values = [item[key] for key in item.keys()]  # noqa: SIM118 - a Stream is not a Mapping
    else:
        return []
    return [
        value
        for value in values
        if isinstance(value, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream) and not value.is_indirect
    ]


def _pdf_scan(pdf: pikepdf.Pdf) -> str | None:
    """The first problem found anywhere in the file (every object, the trailer too), or None."""
    objects = [pdf.trailer, *pdf.objects]
    if len(objects) > _PDF_MAX_OBJECTS:
        return _pdf_broken_message()
    for top in objects:
        pending = [top]
        while pending:
            item = pending.pop()
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                problem = _pdf_problem(item)
                if problem:
                    return problem
            pending.extend(_pdf_children(item))
    return None


def _clean_pdf(content: bytes) -> CleanFile:
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                raise UploadRefused(_pdf_locked_message())
            if len(pdf.pages) == 0:
                raise UploadRefused(_pdf_broken_message())
            problem = _pdf_scan(pdf)
    except pikepdf.PasswordError:
        raise UploadRefused(_pdf_locked_message()) from None
    except (pikepdf.PdfError, RecursionError, ValueError, KeyError, TypeError):
        raise UploadRefused(_pdf_broken_message()) from None
    if problem:
        raise UploadRefused(problem)
    return _finish(content, "application/pdf", "pdf")


def _bomb_message() -> str:
    return _(
        "Gambar ini terlalu besar untuk diproses (jumlah pikselnya sangat banyak). "
        "Kirim foto dengan resolusi lebih kecil."
    )


def _broken_message() -> str:
    return _("Foto ini rusak atau tidak dapat dibuka. Ambil foto lagi, lalu kirim ulang.")


def _open_checked(content: bytes) -> Image.Image:
    """Open (headers only) and verify the image, refusing bombs and unknown formats."""
    try:
        with warnings.catch_warnings():
            # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(content))
            if probe.format not in _IMAGE_FORMATS:
                raise UploadRefused(_wrong_type_message())
            probe.verify()
            image = Image.open(io.BytesIO(content))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(_bomb_message()) from None
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(_broken_message()) from None
    return image


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a transparent PNG would turn black otherwise)."""
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _clean_image(content: bytes) -> CleanFile:
    side = int(settings.UPLOAD_MAX_IMAGE_SIDE)
    image = _open_checked(content)
    try:
        if image.format == "JPEG":
            image.draft("RGB", (side, side))  # let libjpeg decode at a smaller scale: fast and frugal
        image.load()
        oriented = ImageOps.exif_transpose(image)
        oriented.thumbnail((side, side), Image.Resampling.LANCZOS)
        rgb = _flatten_to_rgb(oriented)
        output = io.BytesIO()
        # No exif= and no icc_profile=: the new file carries none of the old metadata.
        rgb.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, SyntaxError, ValueError):
        raise UploadRefused(_broken_message()) from None
    finally:
        image.close()
    return _finish(output.getvalue(), "image/jpeg", "jpg")


def clean_upload(upload: UploadedFile) -> CleanFile:
    """The upload, checked by content and cleaned; raises :class:`UploadRefused` with the reason."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(_too_big_message())
    content = _read_limited(upload, limit)
    if len(content) > limit:
        raise UploadRefused(_too_big_message())
    if not content:
        raise UploadRefused(_("Berkas kosong. Pilih berkas lagi."))
    kind = _sniff(content[:32])
    if kind == "pdf":
        return _clean_pdf(content)
    if kind in ("jpeg", "png", "webp"):
        return _clean_image(content)
    if kind == "heif":
        raise UploadRefused(
            _(
                "Foto format HEIC belum dapat dibaca. Kirim foto dalam format JPG "
                "(di iPhone: Pengaturan > Kamera > Format > Paling Kompatibel)."
            )
        )
    raise UploadRefused(_wrong_type_message())


# --- the per-citizen quota ----------------------------------------------------------------------

_WIB = ZoneInfo("Asia/Jakarta")
# Where citizens' uploads are kept: (app label, model), each with ``file``, ``uploaded_by`` and
# ``uploaded_at``. Looked up by name, not imported: core sits below the apps (tests/test_layers.py).
QUOTA_MODELS: tuple[tuple[str, str], ...] = (
    ("applications", "Attachment"),
    ("complaints", "ReportPhoto"),
    ("complaints", "ReportVoice"),
    ("aspirations", "UsulanPhoto"),
)


@dataclass(frozen=True)
class UploadUsage:
    stored_bytes: int
    files_today: int


def _stored_bytes(model: Any, user: Any) -> int:
    rows = model.objects.filter(uploaded_by=user)
    if any(field.name == "size" for field in model._meta.concrete_fields):
        return int(rows.aggregate(total=Sum("size"))["total"] or 0)
    total = 0
    for stored in rows.exclude(file="").only("file"):
        try:
            total += stored.file.size  # the original size (the storage subtracts its own header)
        except OSError:
            continue  # gone from the disk: it takes no room
    return total


def upload_usage(user: Any) -> UploadUsage:
    """What ``user`` has stored, and how many files they uploaded since midnight WIB."""
    midnight = datetime.combine(timezone.localtime(timezone.now(), _WIB).date(), time.min, tzinfo=_WIB)
    stored = files = 0
    for label, name in QUOTA_MODELS:
        model = apps.get_model(label, name)
        stored += _stored_bytes(model, user)
        files += model.objects.filter(uploaded_by=user, uploaded_at__gte=midnight).count()
    return UploadUsage(stored_bytes=stored, files_today=files)


def _quota_counts(user: Any) -> bool:
    """Only citizens' own uploads are limited (staff work for many people)."""
    role = getattr(user, "role", None)
    return bool(getattr(user, "is_authenticated", False)) and role == "citizen"


def check_upload_quota(user: Any, files: Sequence[CleanFile]) -> None:
    """Raise :class:`UploadRefused` when storing ``files`` would take ``user`` over a quota."""
    if not files or not _quota_counts(user):
        return
    usage = upload_usage(user)
    per_day = int(settings.UPLOAD_QUOTA_FILES_PER_DAY)
    if usage.files_today + len(files) > per_day:
        raise UploadRefused(
            _(
                "Anda sudah mengunggah %(count)s berkas hari ini, batas harian. "
                "Coba lagi besok, atau bawa dokumennya ke kantor layanan."
            )
            % {"count": usage.files_today}
        )
    limit = int(settings.UPLOAD_QUOTA_PER_USER_MB) * 1024 * 1024
    if usage.stored_bytes + sum(file.size for file in files) > limit:
        raise UploadRefused(
            _(
                "Ruang penyimpanan berkas Anda sudah penuh (batas %(limit)s). "
                "Berkas ini tidak disimpan. Hubungi kantor layanan bila Anda perlu mengirim lebih banyak."
            )
            % {"limit": size_words(limit)}
        )
