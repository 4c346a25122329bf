"""A last line of defence: no NIK or KK number reaches a log line.

Code must not log personal data in the first place; this filter catches what
slips through. It masks any run of 16 digits, also when written in groups
(``1803 0212 3456 0001``, ``1803.0212.3456.0001``, ``1803-...``), in the
message, in a logged exception's text and in the stack trace. Attach it to
every handler (``settings.LOGGING`` does so for the console handler).
"""

from __future__ import annotations

import logging
import re

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
