"""Keep the cached holiday sets in step with the Holiday table."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from layanan.calendars.selectors import holidays_cache_clear

logger = logging.getLogger(__name__)


def holidays_changed(**kwargs: Any) -> None:
    # Now, so this process sees the change at once, and again after commit,
    # so a reader that cached the old rows in between does not keep them.
    holidays_cache_clear()
    transaction.on_commit(holidays_cache_clear, using=kwargs.get("using"))


def holidays_migrated(**kwargs: Any) -> None:
    # A data migration may have added days off; a cache that is down must not
    # stop ``migrate`` (the year entries expire within a day anyway).
    try:
        holidays_cache_clear()
    except Exception:
        logger.warning("could not clear the cached holiday sets after migrate", exc_info=True)
