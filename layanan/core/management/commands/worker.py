"""Run a task worker: ``manage.py worker`` (see :mod:`layanan.core.worker`).

Run one or more per host; they share the queue in the database. Ctrl-C or
SIGTERM stops a worker after the task in hand.
"""

from __future__ import annotations

import logging
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import (
    valid_backend_name,
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from layanan.core.worker import ForcedStopError, Worker

LOGGERS = ("django_tasks_db", "django.tasks", "layanan.core.worker", "layanan.core.schedule")


class Command(BaseCommand):
    help = "Run a task worker with heartbeats, recovery of lost tasks and the periodic schedule."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="Queues to process, comma-separated; '*' for all (default: %(default)r).",
        )
        parser.add_argument(
            "--exclude-queues", default="", help="Queues to skip, comma-separated (only with '*')."
        )
        parser.add_argument(
            "--interval",
            default=1.0,
            type=valid_interval,
            help="Seconds to wait when the queue is empty (default: %(default)r).",
        )
        parser.add_argument("--batch", action="store_true", help="Run the tasks that are ready, then exit.")
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            type=valid_backend_name,
            dest="backend_name",
            help="Task backend (default: %(default)r).",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Do not wait a random moment (up to 1 s) before starting.",
        )
        parser.add_argument(
            "--max-tasks", default=None, type=valid_max_tasks, help="Exit after this many tasks."
        )
        parser.add_argument(
            "--worker-id",
            type=validate_worker_id,
            default=None,
            help="Unique id of this worker (default: random).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="run_schedule",
            help="Do not enqueue periodic tasks from this worker.",
        )

    def configure_logging(self, verbosity: int) -> None:
        level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in LOGGERS:
            logger = logging.getLogger(name)
            logger.setLevel(level)
            if not logger.hasHandlers():
                logger.addHandler(logging.StreamHandler(self.stdout))

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=excluded,
            run_schedule=options["run_schedule"],
        )
        worker.configure_signals()
        try:
            worker.run()
        except ForcedStopError:
            sys.exit(1)
