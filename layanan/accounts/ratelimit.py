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


@dataclass(frozen=True)
class Throttle:
    """Growing delays instead of a lock: after ``free`` failures, each further one doubles the wait.

    The first ``free`` failures cost nothing; then the subject waits 1, 2, 4, 8…
    minutes after its latest failure, never more than ``cap_seconds``. The
    count is forgotten a day after the latest failure (or on :meth:`reset`).
    The owner is never locked out: signing in with a one-time code does not
    pass through this throttle.
    """

    name: str
    free_setting: str
    first_delay_seconds: int = 60
    memory_seconds: int = 24 * 60 * 60

    @property
    def free(self) -> int:
        return int(getattr(settings, self.free_setting))

    @property
    def attempts(self) -> int:
        """Failures before the first wait (the name :class:`Limit` uses)."""
        return self.free

    @property
    def cap_seconds(self) -> int:
        return int(getattr(settings, "SIGN_IN_MAX_DELAY_SECONDS", 3600))

    def _key(self, subject: str) -> str:
        digest = hashlib.sha256(f"{self.name}\x00{subject}".encode()).hexdigest()[:32]
        return f"th:{self.name}:{digest}"

    def delay_after(self, failures: int) -> int:
        """The wait after ``failures`` consecutive failures."""
        if failures < self.free:
            return 0
        return int(min(self.first_delay_seconds * 2 ** min(failures - self.free, 30), self.cap_seconds))

    def wait_seconds(self, subject: str) -> int:
        state = cache.get(self._key(subject))
        if not state:
            return 0
        failures, last = state
        return max(math.ceil(last + self.delay_after(failures) - time.time()), 0)

    def fail(self, subject: str) -> None:
        key = self._key(subject)
        state = cache.get(key) or (0, 0.0)
        cache.set(key, (state[0] + 1, time.time()), self.memory_seconds)

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))


# Wrong passwords per account (every identifier of one account counts together; an
# identifier of no account counts by itself, so the answer reveals nothing) and per
# source address; per user at the second-factor step.
SIGN_IN_PER_ACCOUNT = Throttle("signin-account", free_setting="SIGN_IN_FREE_FAILURES")
SIGN_IN_PER_ADDRESS = Throttle("signin-address", free_setting="SIGN_IN_FREE_FAILURES_PER_ADDRESS")
SECOND_FACTOR_PER_USER = Limit("second-factor", attempts=5, window_seconds=15 * 60)
REGISTER_PER_ADDRESS = Limit("register-address", attempts=20, window_seconds=60 * 60)


# One-time codes: codes asked for per address (per destination is counted in the database,
# accounts/otp.py) and wrong codes typed per address.
def otp_send_per_address() -> Limit:
    return Limit("otp-send-address", attempts=settings.OTP_PER_ADDRESS_PER_HOUR, window_seconds=60 * 60)


OTP_CHECK_PER_ADDRESS = Limit("otp-check-address", attempts=50, window_seconds=60 * 60)


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
