"""What every journey test shares: a screenshot of each step, kept as a test artifact.

A journey walks one persona's path from the home page to the end, driving only what a person
sees and clicks (house rule 8). Each step is photographed into
``test-results/journeys/<journey>/<language>/NN-<step>.png`` (or under ``$JOURNEY_SHOTS``), so
a reviewer can look at every screen a run went through, and checked not to be wider than the
screen it was shown on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page


def shots_root() -> Path:
    return Path(os.environ.get("JOURNEY_SHOTS") or Path(settings.BASE_DIR) / "test-results" / "journeys")


class Shots:
    """The numbered screenshots of one journey in one language."""

    def __init__(self, journey: str, *, language: str = "id") -> None:
        self.directory = shots_root() / journey / language
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Page, step: str) -> Path:
        """Photograph the whole page as this step and check it fits the screen's width."""
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.directory / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        viewport = page.viewport_size
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert viewport is None or width <= viewport["width"], (
            f"{step}: the page is {width} px wide on a {viewport and viewport['width']} px screen ({path})"
        )
        return path
