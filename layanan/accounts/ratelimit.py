"""Counting failed attempts in the cache, so guessing passwords and codes is slow.

A :class:`Limit` counts failures per key in a fixed window. The keys are
hashed, so no phone number or address sits in the cache in clear. Works with
any Django cache (local memory, file, Redis); with Redis the count is atomic
across every web process.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int

    def _keys(self, subject: str) -> tuple[str, str]:
        digest = hashlib.sha256(f"{self.name}\x00{subject}".encode()).hexdigest()[:32]
        return f"rl:{self.name}:{digest}:n", f"rl:{self.name}:{digest}:t"

    def wait_seconds(self, subject: str) -> int:
        """Seconds until ``subject`` may try again; 0 when it may try now."""
        count_key, start_key = self._keys(subject)
        count = cache.get(count_key, 0)
        if count < self.attempts:
            return 0
        started = cache.get(start_key)
        if started is None:
            return 0
        return max(math.ceil(started + self.window_seconds - time.time()), 1)

    def fail(self, subject: str) -> None:
        count_key, start_key = self._keys(subject)
        cache.add(start_key, time.time(), self.window_seconds)
        if not cache.add(count_key, 1, self.window_seconds):
            try:
                cache.incr(count_key)
            except ValueError:  # expired between add() and incr()
                cache.add(count_key, 1, self.window_seconds)

    def reset(self, subject: str) -> None:
        cache.delete_many(list(self._keys(subject)))


# Per typed account (existing or not, so the limit reveals nothing), per
# source address, and per user at the second-factor step.
SIGN_IN_PER_ACCOUNT = Limit("signin-account", attempts=5, window_seconds=15 * 60)
SIGN_IN_PER_ADDRESS = Limit("signin-address", attempts=30, window_seconds=15 * 60)
SECOND_FACTOR_PER_USER = Limit("second-factor", attempts=5, window_seconds=15 * 60)
REGISTER_PER_ADDRESS = Limit("register-address", attempts=20, window_seconds=60 * 60)


def client_address(request: HttpRequest) -> str:
    """The caller's address: ``REMOTE_ADDR``, or the one ``TRUSTED_PROXY_COUNT`` proxies vouch for."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


def minutes_text(seconds: int) -> int:
    """Whole minutes to wait, at least one."""
    return max(math.ceil(seconds / 60), 1)
