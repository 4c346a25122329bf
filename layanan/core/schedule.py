"""Periodic tasks: what runs on a timer, and how often.

Each entry names a task (a ``django.tasks`` task, by dotted path) and its
interval. The worker enqueues a task when it is due; several workers may run
at once, and a due task is enqueued once (a conditional update on the
schedule row decides which worker does it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Periodic:
    task: str  # dotted path to a function decorated with @task
    every: timedelta


PERIODIC_TASKS: list[Periodic] = [
    Periodic("layanan.audit.tasks.audit_seal", timedelta(minutes=1)),
]
