"""The task that ``bench.tasks_bench`` runs through the worker: one row written per run.

In a module of its own (not ``tasks_bench``, which runs as ``__main__``) so that the task's
import path is the same in the process that enqueues it and in the workers that run it.
"""

from __future__ import annotations

import os

from django.db import connection
from django.tasks import task

TABLE = "bench_task_runs"


@task()
def bench_task_write(*, run: str, number: int) -> None:
    """Write one row naming the run, the task's number and the worker process: the exactly-once check."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (run, number, pid) VALUES (%s, %s, %s)",  # noqa: S608  # a constant
            [run, number, os.getpid()],
        )
