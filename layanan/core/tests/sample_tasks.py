"""Tasks for the worker's tests (module-level, as the tasks framework needs)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.tasks import TaskContext, task


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def fail() -> None:
    raise ValueError("this task always fails")


@task(takes_context=True)
def record_run(context: TaskContext, marker: str, first_attempt_seconds: float) -> int:
    """Append 'start N' to ``marker``, sleep on the first attempt only, then append 'done N'."""
    attempt = context.attempt
    path = Path(marker)
    with path.open("a", encoding="utf-8") as out:
        out.write(f"start {attempt} {os.getpid()}\n")
    if attempt == 1:
        time.sleep(first_attempt_seconds)
    with path.open("a", encoding="utf-8") as out:
        out.write(f"done {attempt} {os.getpid()}\n")
    return attempt


@task()
def tick() -> str:
    """A periodic task for the schedule's tests."""
    return "tick"
