"""Background work: tell the proposer and every supporter what became of an usulan, each once.

The task takes ids, re-reads the database and is safe to run twice: each message's key names the
usulan, the step and the person (``aspiration:<id>:<step>:u<user id>``), so :func:`notify` returns
the first message for a key it has seen and sends nothing more, whether the task is retried after a
crash or enqueued twice. A person who both proposed and supported is told once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse

from layanan.accounts.models import User
from layanan.aspirations.models import Plan, Status, Support, Usulan
from layanan.notifications.services import notify

logger = logging.getLogger(__name__)

BATCH = 200  # people told per transaction
# The step, the status the usulan must still have for the notice to be true, and the event.
NOTICES: dict[str, tuple[str, str]] = {
    "accept": (Status.ACCEPTED, "aspiration.accepted"),
    "reject": (Status.NOT_ACCEPTED, "aspiration.not_accepted"),
    "built": (Status.BUILT, "aspiration.built"),
}


# The plans' names, the same in every language (the notice's {status}).
PLAN_NAMES: dict[str, str] = {Plan.RKPDES: "RKPDes", Plan.RKPD: "RKPD"}


def tell_key(usulan_id: int, step: str, user_id: int) -> str:
    return f"aspiration:{usulan_id}:{step}:u{user_id}"


def usulan_link(usulan_id: int) -> str:
    return settings.SITE_URL + reverse("aspirations:detail", args=[usulan_id])


def people_to_tell(usulan: Usulan) -> list[int]:
    """The proposer and the supporters, each once, in a fixed order."""
    ids = set(Support.objects.filter(usulan=usulan).values_list("user_id", flat=True))
    if usulan.proposer_id is not None:
        ids.add(usulan.proposer_id)
    return sorted(ids)


@task()
def usulan_tell(usulan_id: int, step: str) -> int:
    """Queue one message per person of the usulan for ``step``; the number queued this run."""
    if step not in NOTICES:
        raise ValueError(f"no notice for the step {step!r}")
    usulan = Usulan.objects.filter(pk=usulan_id).first()
    status, event = NOTICES[step]
    if usulan is None:
        return 0
    if usulan.status != status and not (step == "accept" and usulan.status == Status.BUILT):
        return 0  # moved on (or back) before the task ran: the later step tells its own news
    data = {"link": usulan_link(usulan.pk)}
    if step == "accept":
        data["status"] = f"{PLAN_NAMES.get(usulan.plan, '')} {usulan.plan_year or ''}".strip()
    user_ids = people_to_tell(usulan)
    queued = 0
    for start in range(0, len(user_ids), BATCH):
        with transaction.atomic():
            for user in User.objects.filter(pk__in=user_ids[start : start + BATCH], is_active=True):
                message = notify(to=user, event=event, data=data, key=tell_key(usulan.pk, step, user.pk))
                queued += message is not None
    logger.info("aspirations: usulan %d (%s) told %d people", usulan.pk, step, queued)
    return queued
