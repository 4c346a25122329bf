"""Builders for the assisted-service tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from layanan.accounts.models import User
from layanan.assisted import services
from layanan.assisted.models import Visit
from layanan.identity.testing import make_nik

# A villager of Tanjung Raja (kecamatan 18.03.04), born 3 March 1970.
VILLAGER_NIK = make_nik(region="180304", day=3, month=3, year=1970, serial="9101")
VILLAGER_PHONE = "+6281277770001"


def scan(name: str = "persetujuan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def registered(cast, *, phone: str = VILLAGER_PHONE, nik: str = VILLAGER_NIK) -> User:
    citizen, _created = services.citizen_register(
        actor=cast.rini, full_name="Pak Darmo", phone=phone, nik=nik, home_region=cast.world.tanjung_raja_desa
    )
    return citizen


def consented_visit(cast) -> Visit:
    """Rini's visit with Pak Darmo (no phone), consent on paper."""
    citizen = registered(cast, phone="")
    visit = services.visit_open(actor=cast.rini, citizen=citizen)
    return services.consent_paper_record(visit=visit, actor=cast.rini, upload=scan())
