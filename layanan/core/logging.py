"""A last line of defence: no NIK or KK number reaches a log line."""

from __future__ import annotations

import logging
import re

_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def redact(text: str) -> str:
    return _SIXTEEN_DIGITS.sub("[16 digit disamarkan]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
