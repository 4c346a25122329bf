"""An office's work queue, as both case apps read it: buckets (the page's tabs), each one's count,
and the rows of the bucket asked for."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404


@dataclass(frozen=True)
class Queue[Place, Item]:
    office: Place
    bucket: str
    counts: dict[str, int]
    items: list[Item]


def queue_bucket_check(bucket: str, buckets: Collection[str]) -> None:
    """Http404 for a bucket the queue does not have."""
    if bucket not in buckets:
        raise Http404(f"unknown queue bucket {bucket!r}")


def queue_counts(
    rows: QuerySet[Any], buckets: Collection[str], bucket_filter: Callable[[str], Q]
) -> dict[str, int]:
    """Every bucket's count, in one aggregate query."""
    counts = rows.aggregate(**{name: Count("pk", filter=bucket_filter(name)) for name in buckets})
    return {name: int(value or 0) for name, value in counts.items()}
