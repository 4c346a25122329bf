"""A last line of defence: no NIK or KK number reaches a log line.

Code must not log personal data in the first place; this filter catches what
slips through. It masks any run of 16 digits, also when written in groups
(``1803 0212 3456 0001``, ``1803.0212.3456.0001``, ``1803-...``), in the
message, in a logged exception's text and in the stack trace. Attach it to
every handler (``settings.LOGGING`` does so for the console handler).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REPLACEMENT = "[16 digit disamarkan]"

# Sixteen digits, plain or in the groupings people write a NIK or KK in
# (4-4-4-4, 6-6-4, 2-2-2-6-4) separated by a space, dot or dash, and not
# preceded or followed by another digit. Longer runs of digits are left alone.
_SIXTEEN_DIGITS = re.compile(
    r"(?<!\d)(?:"
    r"\d{16}"
    r"|\d{4}([ .\-])\d{4}\1\d{4}\1\d{4}"
    r"|\d{6}([ .\-])\d{6}\2\d{4}"
    r"|\d{2}([ .\-])\d{2}\3\d{2}\3\d{6}\3\d{4}"
    r")(?!\d)"
)

_formatter = logging.Formatter()

# The id of the request being served, or of the request behind the task being run: set by
# layanan.core.observability's middleware and by the worker (layanan.core.worker), read by
# RequestContext below and by the task backend (layanan.core.tasks).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_get() -> str | None:
    """The id of the request (or of the request behind the task) being served now, if any."""
    return request_id.get()


@contextmanager
def request_id_bound(value: str | None) -> Iterator[None]:
    """Hold ``value`` as the current request id inside the block (the worker, around a task)."""
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


def redact(text: str) -> str:
    """``text`` with every NIK- or KK-shaped number replaced."""
    return _SIXTEEN_DIGITS.sub(REPLACEMENT, text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ClientErrorsInOneLine(logging.Filter):
    """A refused or missing page (4xx) is one line, not a stack trace.

    Django logs a 403 or 404 with the exception that caused it; for a person who followed a
    stale link or opened a page not meant for them, the trace says nothing an operator needs
    and pushes everything else off the screen. Server errors (5xx) keep their trace.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if (
            isinstance(status, int)
            and status < 500
            and record.name.startswith(("django.request", "django.security"))
        ):
            record.exc_info = None
            record.exc_text = None
        return True


class RequestContext(logging.Filter):
    """Put the current request id (or ``-``) on every record as ``record.request_id``.

    The id is the one :mod:`layanan.core.observability` holds for the request
    being served, or the one the worker set for the task it runs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


# The extras of a record that a JSON line carries (the access line's and the worker's); anything
# else passed as ``extra`` (Django's ``request`` object, for one) stays out of the log.
JSON_EXTRA_FIELDS = ("request_id", "view", "method", "status", "duration_ms", "user_id", "task", "task_id")


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":"))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    access line's view, method, status, duration_ms and user_id, and ``exception`` with the trace.

    Used for ``LOG_FORMAT=json`` (the default when ENVIRONMENT=production). The handler's
    :class:`RedactPersonalData` filter has already cleaned the message and the exception text;
    both go through :func:`redact` once more here, so the formatter is safe on its own too.

    A plain formatter rather than structlog's ProcessorFormatter: shorter, nothing to configure,
    and a little cheaper on the access line, which is written on every request
    (``bench/observability_bench.py``).
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        fields = record.__dict__
        rid = fields.get("request_id", "-")
        line["request_id"] = None if rid == "-" else rid
        for key in JSON_EXTRA_FIELDS:
            if key in fields and key != "request_id":
                line[key] = fields[key]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return _ENCODER.encode(line)
