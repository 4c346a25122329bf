"""Builders for the reporter's and the public pages' tests."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import ExifTags, Image

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.complaints import services
from layanan.complaints.models import Category, Kind, Report, Status
from layanan.regions.models import Region
from layanan.testing import Cast, make_user

HOSTILE = '<script>alert("x")</script> Jalan rusak parah di depan sekolah dasar'


def category(cast: Cast, *, slug: str = "jalan-jembatan", name: str = "Jalan dan jembatan") -> Category:
    found, _created = Category.objects.get_or_create(
        slug=slug, defaults={"name": name, "default_office": cast.world.pupr}
    )
    return found


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def other_citizen() -> User:
    return make_user(phone="081200000099", full_name="Dewi Lestari")


def jpeg(*, gps: tuple[float, float] | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG, with a GPS position in its EXIF when ``gps`` (latitude, longitude) is given."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "UjiKamera"
    if gps is not None:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for (ref_tag, value_tag), value, refs in (
            ((ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude), gps[0], "NS"),
            ((ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude), gps[1], "EW"),
        ):
            whole = abs(value)
            degrees = int(whole)
            minutes = int((whole - degrees) * 60)
            seconds = round(((whole - degrees) * 60 - minutes) * 60, 4)
            info[ref_tag] = refs[0] if value >= 0 else refs[1]
            info[value_tag] = (float(degrees), float(minutes), seconds)
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def photo_upload(content: bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def form_data(cast: Cast, **overrides: Any) -> dict[str, Any]:
    """A complete, valid report form as posted."""
    data: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "category": category(cast).pk,
        "text": "Lampu jalan di depan pasar mati sejak dua minggu, jalan gelap pada malam hari.",
        "region": cast.world.kotabumi_pasar.code,
        "address_text": "Depan Pasar Kotabumi",
        "latitude": "",
        "longitude": "",
        "occurred_on": "",
        "submit_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def report(
    cast: Cast,
    *,
    reporter: User | None = None,
    text: str = "Jembatan kayu di dusun dua patah dan tidak bisa dilewati motor.",
    region: Region | None = None,
    category_slug: str = "jalan-jembatan",
    confidential: bool = False,
    anonymous: bool = False,
    photos: list[SimpleUploadedFile] | None = None,
) -> Report:
    """A report filed through the real service."""
    return services.report_submit(
        reporter=reporter if reporter is not None else cast.siti,
        kind=Kind.COMPLAINT,
        category=category(cast, slug=category_slug, name=category_slug.replace("-", " ").title()),
        text=text,
        region=region or cast.world.kotabumi_pasar,
        confidential=confidential,
        anonymous=anonymous,
        photos=photos or [],
        submit_key=uuid.uuid4(),
    )


def answered(found: Report, answer: str = "Jembatan sudah diperbaiki oleh Dinas PUPR.") -> Report:
    """Move a report to "answered" (the officers' workflow is tested in test_services*)."""
    now = timezone.now()
    Report.objects.filter(pk=found.pk).update(
        status=Status.ANSWERED,
        public_answer=answer,
        answered_at=now,
        close_due_at=now + timedelta(days=14),
        version=found.version + 1,
    )
    found.refresh_from_db()
    return found


def verified(found: Report, status: str = Status.DISPOSED) -> Report:
    """Move a report past verification, where the public list shows it."""
    Report.objects.filter(pk=found.pk).update(status=status, version=found.version + 1)
    found.refresh_from_db()
    return found
