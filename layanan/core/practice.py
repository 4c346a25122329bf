"""Practice mode (mode latihan) for training workshops, kept in the visitor's session.

While it is on, every application started and every report filed is marked ``practice``
(``layanan.cases.models.Case``): it goes through the same forms and gets a tracking number, but
it reaches no office, sends no message and counts in no figure (``docs/practice-mode.md``).
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "practice"


def practice_on(request: HttpRequest) -> bool:
    """Whether the visitor turned practice mode on (never true without a session)."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))


def practice_set(request: HttpRequest, *, on: bool) -> None:
    """Turn practice mode on or off for this visitor's session."""
    if on:
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)
