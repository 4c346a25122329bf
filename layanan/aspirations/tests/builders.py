"""Rows the aspirations' tests (and tests/url_matrix.py) start from.

The residents of desa Tanjung Raja (18.03.04.2009, Rini's desa): Wati proposes, Joko supports.
Siti lives in Kotabumi Pasar, another kecamatan: she must be refused support there.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.aspirations import services
from layanan.aspirations.models import Topic, Usulan
from layanan.testing import Cast, make_user


def wati(cast: Cast) -> User:
    """A citizen of desa Tanjung Raja, who proposes (made once)."""
    found = User.objects.filter(full_name="Wati Kusumawati").first()
    return found or make_user(
        phone="081200000021", full_name="Wati Kusumawati", home_region=cast.world.tanjung_raja_desa
    )


def joko(cast: Cast) -> User:
    """Wati's neighbour in desa Tanjung Raja, who supports (made once)."""
    found = User.objects.filter(full_name="Joko Purnomo").first()
    return found or make_user(
        phone="081200000022", full_name="Joko Purnomo", home_region=cast.world.tanjung_raja_desa
    )


def jpeg(size: tuple[int, int] = (80, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_upload(name: str = "jalan.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(), content_type="image/jpeg")


def usulan(cast: Cast, *, proposer: User | None = None, photos: int = 0, **fields: Any) -> Usulan:
    values: dict[str, Any] = {
        "region": cast.world.tanjung_raja_desa,
        "topic": Topic.ROADS,
        "title": "Perbaikan jalan Dusun II",
        "description": "Jalan menuju SD Negeri 1 berlubang dan tergenang setiap hujan.",
        "address_text": "Dusun II, dekat masjid",
    }
    values.update(fields)
    made, _created = services.usulan_submit(
        proposer=proposer or wati(cast),
        photos=[photo_upload(f"foto{index}.jpg") for index in range(photos)],
        submit_key=uuid.uuid4(),
        **values,
    )
    return made


def matrix_usulan(cast: Cast) -> dict[str, Any]:
    """An usulan of desa Tanjung Raja, with one photo (made once)."""
    found = Usulan.objects.filter(title="Usulan matriks").first()
    return {"pk": (found or usulan(cast, title="Usulan matriks", photos=1)).pk}


def matrix_photo(cast: Cast) -> dict[str, Any]:
    pk = matrix_usulan(cast)["pk"]
    return {"pk": pk, "photo_id": Usulan.objects.get(pk=pk).photos.first().pk}  # type: ignore[union-attr]


def matrix_desa(cast: Cast) -> dict[str, Any]:
    return {"code": cast.world.tanjung_raja_desa.code}


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client
