"""Handing out tracking numbers."""

from __future__ import annotations

import logging

from layanan.core.writes import insert_if_new
from layanan.tracking import codes
from layanan.tracking.codes import TrackingKind
from layanan.tracking.models import TrackingNumber

logger = logging.getLogger(__name__)

# With 23⁹ random parts a single collision is already rare; eight in a row
# means the random source is broken, not bad luck.
MAX_ATTEMPTS = 8


class TrackingNumberExhaustedError(RuntimeError):
    pass


def tracking_number_new(*, kind: str) -> str:
    """Register and return a new tracking number of ``kind`` (a :class:`TrackingKind` value).

    Each try inserts into the unique registry with ``ON CONFLICT DO NOTHING``
    (one statement, no savepoint), so a collision, even with a concurrent
    creator that has not committed yet (the insert waits for it), costs one
    retry and never a duplicate; the caller's transaction carries on. Call
    it inside the transaction that creates the application or complaint, so
    the number is released again if that rolls back.
    """
    kind = TrackingKind(kind)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        code = codes.compose(kind, codes.random_part())
        if not insert_if_new(TrackingNumber(code=code, kind=kind)):
            logger.warning("tracking number collision (attempt %d of %d)", attempt, MAX_ATTEMPTS)
            continue
        return code
    raise TrackingNumberExhaustedError(f"no free tracking number after {MAX_ATTEMPTS} attempts")
