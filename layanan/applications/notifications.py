"""Telling people what happened to an application, through :func:`layanan.notifications.services.notify`.

The texts live in the registry (:mod:`layanan.notifications.events`, keys
``application.<event>``) and may be edited by an administrator. A message
carries the first name and the tracking number, never a NIK, KK or answers.
"""

from __future__ import annotations

# The events a citizen is told about (``application.<name>`` in the registry).
CITIZEN_EVENTS: tuple[str, ...] = (
    "received",
    "revision_needed",
    "approved",
    "rejected",
    "completed",
    "document_ready",
    "forwarded",
)
# Told to the head of the office (or the administrators).
STAFF_EVENTS: tuple[str, ...] = ("escalated",)


def event_key(event: str) -> str:
    """The registry key of an application event (``received`` → ``application.received``)."""
    return f"application.{event}"
