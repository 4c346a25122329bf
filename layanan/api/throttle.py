"""Rate limits per token (or signed-in account) and per address: 429 with ``Retry-After``.

Fixed windows counted in the cache (atomic with Redis across processes). A caller with a token or
a signed-in session is counted as that token or account (``API_RATE_PER_TOKEN``), wherever it calls
from: an agency's system behind one address is not limited by its neighbours. Anyone else is counted
by address (``API_RATE_PER_ADDRESS``, lower). A wrong token never reaches the count: it is refused
first, and guessing a 256-bit secret is hopeless anyway.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from layanan.api.auth import Caller


def _count(name: str, subject: str, limit: int, window: int) -> int:
    """Count one call; seconds to wait when over ``limit`` in this window, else 0."""
    now = time.time()
    start = int(now // window) * window
    digest = hashlib.sha256(subject.encode()).hexdigest()[:24]
    key = f"api-rate:{name}:{digest}:{start}"
    if cache.add(key, 1, window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, window + 1)
            count = 1
    if count <= limit:
        return 0
    return max(math.ceil(start + window - now), 1)


class CallerThrottle(BaseThrottle):
    """The caller's limit: per token or account when there is one, else per address."""

    # One throttle object serves every thread of the process: the wait is kept per thread.
    _local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        caller: Caller | None = getattr(request, "caller", None)
        window = settings.API_RATE_WINDOW_SECONDS
        if caller is not None and caller.signed_in:
            self._local.wait = _count("caller", caller.key, settings.API_RATE_PER_TOKEN, window)
        else:
            address = caller.address if caller is not None else str(request.META.get("REMOTE_ADDR", ""))
            self._local.wait = _count("address", address, settings.API_RATE_PER_ADDRESS, window)
        return self._local.wait == 0

    def wait(self) -> float | None:
        wait: int = getattr(self._local, "wait", 0)
        return float(wait) if wait else None
