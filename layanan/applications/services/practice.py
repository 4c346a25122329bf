"""Practice applications (practice mode, ``docs/practice-mode.md``): deleted once past their days."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from layanan.applications.models import Application, Attachment
from layanan.audit.services import audit_record

PURGE_BATCH = 500


def applications_practice_purge(*, before: datetime) -> int:
    """Delete up to ``PURGE_BATCH`` practice applications started before ``before``, files included.

    Safe to run twice; one audit row says how many went. Real applications are never touched.
    """
    ids = list(
        Application.objects.practice_only()
        .filter(created_at__lt=before, issued_letters__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:PURGE_BATCH]
    )
    if not ids:
        return 0
    files = [attachment.file for attachment in Attachment.objects.filter(application_id__in=ids)]
    with transaction.atomic():
        Application.objects.practice_only().filter(pk__in=ids).delete()
        audit_record(actor=None, action="applications.practice_purge", details={"count": len(ids)})
    for file in files:  # after the rows: a file left behind by a crash is harmless, a row without one is not
        file.delete(save=False)
    return len(ids)
