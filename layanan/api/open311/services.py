"""Filing a request that arrives through Open311: the one report service, and who sent it.

The report is filed by :func:`layanan.complaints.services.report_submit` like every channel's,
with no reporter (``reporter=None``) and the channel ``open311``: the person behind the request is
a user of another system (a city app), not an account of ours, and the token belongs to the
administrator who let that system in. Filing it as the administrator would make the report
theirs (their notices, their "Laporan saya", their name as the reporter for the coordinator);
as a system's report it is handled like an SMS report from an unknown number, with nobody to tell.
Which token filed it is audited in the same transaction (the token's prefix, never its secret).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from layanan.api.models import ApiToken
from layanan.audit.services import audit_record
from layanan.complaints import services as complaints
from layanan.complaints.models import Category, Report
from layanan.regions.models import Region

CHANNEL = "open311"


def open311_request_create(
    *,
    token: ApiToken,
    category: Category,
    kind: str,
    text: str,
    region: Region,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address_text: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    photos: Sequence[UploadedFile] = (),
    submit_key: uuid.UUID | None = None,
) -> Report:
    """File the report (as a system: no reporter) and audit which token sent it; one transaction."""
    with transaction.atomic():
        repeat = submit_key is not None and Report.objects.filter(submit_key=submit_key).exists()
        report = complaints.report_submit(
            reporter=None,
            kind=kind,
            category=category,
            text=text,
            region=region,
            channel=CHANNEL,
            latitude=latitude,
            longitude=longitude,
            address_text=address_text,
            anonymous=anonymous,
            confidential=confidential,
            photos=photos,
            submit_key=submit_key,
        )
        if not repeat:
            audit_record(
                actor=token.user,
                action="api.open311_request_create",
                obj=report,
                details={"token": token.prefix},
            )
    return report
