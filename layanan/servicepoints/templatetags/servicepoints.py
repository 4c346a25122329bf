"""The home page's box of current announcements (core's home template loads it: core imports no app).

``{% load servicepoints %}{% announcements_on_home %}`` renders at most three current announcements
and a link to the rest; nothing when there is none. The home page is cached for anonymous readers:
an announcement's save or delete makes it stale (the "places" topic of layanan/core/pagecache.py).
"""

from __future__ import annotations

from typing import Any

from django import template

from layanan.servicepoints.selectors import announcements_current

register = template.Library()

ON_HOME = 3


@register.inclusion_tag("servicepoints/_home_announcements.html")
def announcements_on_home() -> dict[str, Any]:
    current = list(announcements_current()[: ON_HOME + 1])
    return {"announcements": current[:ON_HOME], "more": len(current) > ON_HOME}
