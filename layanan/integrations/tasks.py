"""Background work of the adapters: each send queued with its step, the periodic retries and polls.

Tasks take ids, re-read the database and are safe to run twice (a send claims its row first).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from layanan.integrations.models import Delivery, LaporForward, OpensidRequest, SeenSignature, SiakHandoff
from layanan.integrations.services import lapor, opensid, siak
from layanan.integrations.services.common import outbox_due

BATCH = 100
# How often a forward's status is asked of LAPOR! (the periodic task runs more often).
LAPOR_STATUS_EVERY = timedelta(hours=1)


@task()
def lapor_forward_send(forward_id: int) -> bool:
    """One attempt to send one forward to LAPOR! (queued with the coordinator's step)."""
    return lapor.lapor_forward_send(forward_id=forward_id) is not None


@task()
def lapor_forwards_send_due() -> int:
    """Every pending forward whose retry is due (LAPOR! was down); return how many were tried."""
    tried = 0
    for forward_id in outbox_due(LaporForward, limit=BATCH):
        if lapor.lapor_forward_send(forward_id=forward_id) is not None:
            tried += 1
    return tried


@task()
def lapor_statuses_sync() -> int:
    """Ask LAPOR! for the status of every sent forward not final yet and not asked lately."""
    stale = timezone.now() - LAPOR_STATUS_EVERY
    final = Q()
    for status in lapor.FINAL_STATUSES:
        final |= Q(lapor_status__iexact=status)
    due = (
        LaporForward.objects.filter(delivery=Delivery.SENT)
        .exclude(lapor_id="")
        .exclude(final)
        .filter(Q(status_checked_at__isnull=True) | Q(status_checked_at__lte=stale))
        .order_by("status_checked_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(1 for forward_id in list(due) if lapor.lapor_status_sync(forward_id=forward_id))


@task()
def siak_handoff_send(handoff_id: int) -> bool:
    """One attempt to hand one application over to SIAK (queued with the officer's step)."""
    return siak.siak_handoff_send(handoff_id=handoff_id) is not None


@task()
def siak_handoffs_send_due() -> int:
    """Every pending hand-off whose retry is due (SIAK was down); return how many were tried."""
    tried = 0
    for handoff_id in outbox_due(SiakHandoff, limit=BATCH):
        if siak.siak_handoff_send(handoff_id=handoff_id) is not None:
            tried += 1
    return tried


@task()
def integrations_seen_signatures_prune() -> int:
    """Forget accepted signatures older than twice the allowed age (a replay is stale by then)."""
    cutoff = timezone.now() - timedelta(seconds=2 * settings.INTEGRATIONS_SIGNATURE_MAX_AGE_SECONDS)
    deleted, _ = SeenSignature.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


@task()
def opensid_letter_push(row_id: int) -> bool:
    """One attempt to push one signed letter back to its village's OpenSID (queued with the issue)."""
    return opensid.opensid_letter_push(row_id=row_id) is not None


@task()
def opensid_letters_push_due() -> int:
    """Every letter whose push back to OpenSID is due again; return how many were tried."""
    tried = 0
    for row_id in outbox_due(OpensidRequest, limit=BATCH):
        if opensid.opensid_letter_push(row_id=row_id) is not None:
            tried += 1
    return tried
