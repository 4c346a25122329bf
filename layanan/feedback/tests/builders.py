"""Rows the feedback tests start from."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from layanan.feedback.models import PageFeedback, Tag


def feedback(
    *, page: str = "catalogue:detail", helpful: bool | None = False, days_ago: int = 0, **fields: Any
) -> PageFeedback:
    moment: datetime = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
    return PageFeedback.objects.create(page=page, helpful=helpful, created_at=moment, **fields)


# The tags the data migration seeds (a transactional test elsewhere may have flushed them).
TAGS = [
    ("navigasi", "Navigasi", "Navigation", 10),
    ("bahasa", "Bahasa", "Wording", 20),
    ("formulir", "Formulir", "Forms", 30),
    ("bug", "Bug", "Bug", 40),
]


def seeded_tags() -> None:
    for slug, name, name_en, order in TAGS:
        Tag.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "order": order})
