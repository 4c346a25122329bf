"""Practice reports (practice mode, ``docs/practice-mode.md``): deleted once past their days."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from layanan.audit.services import audit_record
from layanan.complaints.models import Report, ReportPhoto, ReportVoice

PURGE_BATCH = 500


def reports_practice_purge(*, before: datetime) -> int:
    """Delete up to ``PURGE_BATCH`` practice reports received before ``before``, photos and voice included.

    Safe to run twice; one audit row says how many went. Real reports are never touched.
    """
    ids = list(
        Report.objects.practice_only()
        .filter(received_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)[:PURGE_BATCH]
    )
    if not ids:
        return 0
    files = [photo.file for photo in ReportPhoto.objects.filter(report_id__in=ids)]
    files += [voice.file for voice in ReportVoice.objects.filter(report_id__in=ids)]
    with transaction.atomic():
        Report.objects.practice_only().filter(pk__in=ids).delete()
        audit_record(actor=None, action="complaints.practice_purge", details={"count": len(ids)})
    for file in files:  # after the rows: a file left behind by a crash is harmless, a row without one is not
        file.delete(save=False)
    return len(ids)
