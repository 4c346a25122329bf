"""The English catalogue is complete: every extracted string has an English translation."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid " in block and not block.startswith("#~")]


def test_every_string_in_the_english_catalogue_is_translated_and_none_is_fuzzy() -> None:
    blocks = entries(PO_FILE.read_text(encoding="utf-8"))[1:]  # the first is the header
    assert len(blocks) > 300
    untranslated = [block for block in blocks if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, flags=re.M)]
    fuzzy = [block for block in blocks if re.search(r"^#,.*\bfuzzy\b", block, flags=re.M)]
    assert not untranslated, f"no English for: {untranslated}"
    assert not fuzzy, f"fuzzy, to check: {fuzzy}"
