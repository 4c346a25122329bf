"""Running work in threads released together, for the tests that need real concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

THREADS_NEED_POSTGRES = (
    "needs PostgreSQL's concurrent writers: threads share SQLite's in-memory test database, "
    "which answers 'database table is locked' instead of waiting; the sequential tests cover SQLite"
)


def at_once(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released together; return results and errors."""
    start = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            start.wait()
            outcome = work(number)
            with lock:
                results.append(outcome)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
