"""Fixtures shared by the documents tests."""

from __future__ import annotations

import pytest

from layanan.documents.services import SOURCES
from layanan.documents.tests.render_builders import TEST_KIND, RecordingSource


@pytest.fixture
def test_source(monkeypatch: pytest.MonkeyPatch) -> RecordingSource:
    """Documents of kind ``test`` have a source (registered for this test only)."""
    source = RecordingSource()
    monkeypatch.setitem(SOURCES, TEST_KIND, source)
    return source
