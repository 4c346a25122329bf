from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def regency(request: HttpRequest) -> dict[str, object]:
    return {"regency": settings.REGENCY}
