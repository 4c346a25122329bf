"""Serving a report's photo, whole or as a thumbnail, once the view has decided who may see it.

Both are inline images under the sandbox policy of :func:`layanan.core.views.file_response`; the
stored file is decrypted by the storage on the way (:mod:`layanan.core.filecrypt`).

Every stored photo was re-encoded as JPEG when it was uploaded (``core.uploads``), so it is
a known, bounded image; the thumbnail is made on request and never stored.
"""

from __future__ import annotations

import io

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from PIL import Image

from layanan.complaints.models import ReportPhoto
from layanan.core.views import file_response, harden_file_response

THUMBNAIL_SIDE = 480  # twice the 240 CSS pixels the pages show, for sharp phone screens
THUMBNAIL_QUALITY = 70
SMALL = "kecil"  # ?ukuran=kecil


def _thumbnail(photo: ReportPhoto) -> bytes:
    try:
        with photo.file.open("rb") as handle, Image.open(handle) as image:
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            output = io.BytesIO()
            image.convert("RGB").save(output, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    except FileNotFoundError:
        raise Http404 from None
    return output.getvalue()


def photo_response(request: HttpRequest, photo: ReportPhoto, *, private: bool) -> HttpResponseBase:
    """The photo inline, or its thumbnail when the page asks ``?ukuran=kecil``; the same headers."""
    filename = f"foto-{photo.pk}.jpg"
    if request.GET.get("ukuran") != SMALL:
        return file_response(photo.file, content_type="image/jpeg", filename=filename, private=private)
    response = HttpResponse(_thumbnail(photo), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="kecil-{filename}"'
    return harden_file_response(response, private=private)
