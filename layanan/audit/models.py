"""The audit log: append-only events, chained and sealed in batches.

Writers only INSERT into :class:`AuditEvent` (see :func:`layanan.audit.services.audit_record`);
a periodic task chains the events and records each batch as an :class:`AuditSeal`. Database
triggers (:mod:`layanan.audit.guard`) refuse every DELETE and every UPDATE except the one-time
sealing update. The module docstring of :mod:`layanan.audit.services` explains the design.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _


class InsertTime(models.Func):
    """The database clock at the moment of the INSERT (not the transaction's start).

    One clock for every web host and for the sealer, so host clock skew cannot
    make the sealer miss or mis-order events.
    """

    template = "CURRENT_TIMESTAMP"
    output_field = models.DateTimeField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        return self.as_sql(compiler, connection, template="clock_timestamp()", **extra_context)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        template = "STRFTIME('%%%%Y-%%%%m-%%%%d %%%%H:%%%%M:%%%%f', 'NOW')"  # one % after two substitutions
        return self.as_sql(compiler, connection, template=template, **extra_context)


class AuditSeal(models.Model):
    """One sealed batch: events ``first_sequence``..``last_sequence`` of the chain.

    ``root`` is the chain hash of the batch's last event, so it commits to every
    event sealed so far; ``previous_root`` is the root of the batch before (or
    :data:`GENESIS` for the first). The chain is an HMAC under the key named by
    ``key_id`` (one of ``AUDIT_CHAIN_KEY``, which the database never holds), and
    each day's last root is published, signed, outside the database
    (:mod:`layanan.audit.roots`): rewriting history is detectable even by whoever
    runs the database.
    """

    GENESIS = "0" * 64

    number = models.PositiveBigIntegerField(_("nomor segel"), unique=True)
    first_sequence = models.PositiveBigIntegerField(_("urutan pertama"))
    last_sequence = models.PositiveBigIntegerField(_("urutan terakhir"))
    count = models.PositiveIntegerField(_("jumlah peristiwa"))
    previous_root = models.CharField(_("akar sebelumnya"), max_length=64)
    root = models.CharField(_("akar"), max_length=64)
    key_id = models.CharField(_("ID kunci"), max_length=16, blank=True, default="")
    sealed_at = models.DateTimeField(_("disegel pada"))

    class Meta:
        verbose_name = _("segel audit")
        verbose_name_plural = _("segel audit")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} ({self.first_sequence}..{self.last_sequence})"


class AuditEvent(models.Model):
    """Who did what to which object, when and from where.

    Content columns are written once by the INSERT. ``seal``, ``sequence`` and
    ``hash`` are NULL/empty until the sealer fills them in, once.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("waktu"), db_default=InsertTime(), db_index=True)
    # PROTECT: a person who appears in the log is deactivated or anonymised, never
    # deleted; the label and role below are snapshots that outlive any later edit.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    actor_label = models.CharField(_("nama pelaku"), max_length=160, blank=True, default="")
    actor_role = models.CharField(_("peran pelaku"), max_length=20, blank=True, default="")
    action = models.CharField(_("tindakan"), max_length=64, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=100, blank=True, default="")
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True, default="")
    source_address = models.GenericIPAddressField(_("alamat sumber"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=255, blank=True, default="")
    details = models.JSONField(_("rincian"), default=dict, blank=True)

    seal = models.ForeignKey(
        AuditSeal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,  # the unique index on ``sequence`` serves every lookup
        verbose_name=_("segel"),
    )
    sequence = models.PositiveBigIntegerField(_("urutan"), null=True, blank=True, unique=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("peristiwa audit")
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_event_object"),
            models.Index(
                fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_event_unsealed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"

    @property
    def is_sealed(self) -> bool:
        return self.sequence is not None

    @property
    def actor_role_label(self) -> str:
        """The role's label from the user model's ``role`` choices; the stored text if it has none."""
        role = get_user_model()._meta.get_field("role")
        labels = dict(getattr(role, "flatchoices", ()))
        return str(labels.get(self.actor_role, self.actor_role))

    @property
    def details_text(self) -> str:
        return json.dumps(self.details, sort_keys=True, ensure_ascii=False)
