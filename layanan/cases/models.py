"""What every case type has in common (abstract: each case app keeps its own tables)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseQuerySet[M: models.Model](models.QuerySet[M]):
    """Every case type's rows; ``real()`` leaves out practice cases (``docs/practice-mode.md``).

    Whatever reaches an office, a message, a figure or a public list starts from ``real()``;
    only the person's own pages (and the clean-up of practice cases) see the practice ones.
    """

    def real(self) -> CaseQuerySet[M]:
        return self.filter(practice=False)

    def practice_only(self) -> CaseQuerySet[M]:
        return self.filter(practice=True)


class Case(models.Model):
    """The fields the case engine (:mod:`layanan.cases.workflow`) relies on, besides ``status``.

    ``version`` grows by one with every step (the optimistic check); ``submit_key`` makes the
    first submission idempotent; ``breach_notified_at`` marks the escalation of a deadline once;
    ``practice`` marks a case made in practice mode.
    A subclass adds ``status`` (its own choices), ``tracking_number`` and the rest.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    breach_notified_at = models.DateTimeField(null=True, blank=True)
    # Made in practice mode (a training workshop): shown to its person only, never to an office,
    # never told by message, never counted; deleted after PRACTICE_KEEP_DAYS.
    practice = models.BooleanField(_("latihan"), default=False, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        abstract = True


class CaseEvent(models.Model):
    """What happened to a case, in plain words; internal events are never shown to the citizen.

    A subclass adds the foreign key to its case (``related_name="timeline"``), the statuses
    (``from_status``, ``to_status``) and its ordering.
    """

    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=40)
    message = models.TextField(blank=True, default="")
    internal = models.BooleanField(default=False)

    class Meta:
        abstract = True
