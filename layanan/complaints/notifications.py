"""Telling people what happened to a report, through :func:`layanan.notifications.services.notify`.

The texts live in the registry (:mod:`layanan.notifications.events`, keys
``report.<event>``) and may be edited by an administrator. A message carries
the first name and the tracking number, never the report's text or a name.
"""

from __future__ import annotations

# The events a reporter is told about (``report.<name>`` in the registry).
EVENTS: tuple[str, ...] = (
    "received",
    "verified",
    "postponed",
    "not_authority",
    "archived",
    "in_progress",
    "answered",
    "closed",
    "reopened",
)
# Told to the heads of the handling offices and the administrators.
STAFF_EVENTS: tuple[str, ...] = ("escalated",)


def event_key(event: str) -> str:
    """The registry key of a report event (``received`` → ``report.received``)."""
    return f"report.{event}"
