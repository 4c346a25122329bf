from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_holiday_cache() -> Iterator[None]:
    # The local-memory cache outlives a test's rolled-back rows: start and end clean.
    cache.clear()
    yield
    cache.clear()
