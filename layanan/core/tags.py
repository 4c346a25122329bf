"""The colour of a status badge (``<span class="tag tag--…">``), declared by colour."""

from __future__ import annotations

from collections.abc import Iterable


def tags_by_status(
    *,
    grey: Iterable[str] = (),
    yellow: Iterable[str] = (),
    green: Iterable[str] = (),
    red: Iterable[str] = (),
) -> dict[str, str]:
    """Each named status's modifier class; look a status up with ``.get(status, "")`` (the plain tag)."""
    colours = {"tag--grey": grey, "tag--yellow": yellow, "tag--green": green, "tag--red": red}
    return {status: tag for tag, statuses in colours.items() for status in statuses}
