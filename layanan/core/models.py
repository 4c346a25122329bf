"""The worker's own bookkeeping: who is alive, and when each periodic task runs next."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running ``manage.py worker``, refreshed every WORKER_HEARTBEAT_SECONDS.

    A row whose ``seen_at`` is older than TASK_STALE_AFTER belongs to a worker
    taken to be dead: the tasks it left running are handed to another worker.
    A worker that stops cleanly deletes its row.
    """

    worker_id = models.CharField(_("ID worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("PID"))
    started_at = models.DateTimeField(_("mulai"))
    seen_at = models.DateTimeField(_("terakhir terlihat"), db_index=True)

    class Meta:
        verbose_name = _("detak worker")
        verbose_name_plural = _("detak worker")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduledRun(models.Model):
    """When a periodic task of :mod:`layanan.core.schedule` is due next.

    The worker that moves ``next_run_at`` on with a conditional update is the
    one that enqueues the task, so several workers enqueue a due task once.
    """

    task_path = models.CharField(_("tugas"), max_length=255, unique=True)
    next_run_at = models.DateTimeField(_("jalan berikutnya"))
    last_enqueued_at = models.DateTimeField(_("terakhir dimasukkan antrean"), null=True, blank=True)

    class Meta:
        verbose_name = _("jadwal tugas berkala")
        verbose_name_plural = _("jadwal tugas berkala")

    def __str__(self) -> str:
        return self.task_path
