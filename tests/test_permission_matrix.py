"""Every URL by every persona: each named URL has a row in tests/url_matrix.py; each GET answers so.

A new URL without a row fails here, naming it, so no page ships without
saying who may see it. The rules themselves live in
``layanan.accounts.permissions``; this is the proof that the pages use them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from layanan.accounts.testing import sign_in
from tests.url_matrix import EXCLUDED_NAMESPACES, MATRIX, PERSONAS, Row


def _named_patterns(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            if inner.split(":", 1)[0] in EXCLUDED_NAMESPACES:
                continue
            yield from _named_patterns(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def url_names() -> set[str]:
    return set(_named_patterns(get_resolver().url_patterns))


def test_every_named_url_has_a_row_in_the_matrix():
    missing = sorted(url_names() - {row.name for row in MATRIX})
    assert not missing, "URLs without a row in tests/url_matrix.py: " + ", ".join(missing)


def test_every_row_names_a_url_that_exists_and_every_persona():
    names = url_names()
    stale = sorted(row.name for row in MATRIX if row.name not in names)
    incomplete = sorted(row.name for row in MATRIX if set(row.expect) != set(PERSONAS))
    duplicated = sorted({row.name for row in MATRIX if [r.name for r in MATRIX].count(row.name) > 1})
    assert not stale, "Rows for URLs that do not exist: " + ", ".join(stale)
    assert not incomplete, "Rows without an answer for every persona: " + ", ".join(incomplete)
    assert not duplicated, "Rows given twice: " + ", ".join(duplicated)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.name)
def test_each_persona_gets_the_expected_status(cast, row: Row):
    url = reverse(row.name, kwargs=row.kwargs(cast) if row.kwargs else None)
    login_url = resolve_url(settings.LOGIN_URL)
    wrong: list[str] = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            sign_in(client, cast.all()[persona])
        response = client.get(url)
        if response.status_code != row.expect[persona]:
            wrong.append(f"{persona}: got {response.status_code}, expected {row.expect[persona]}")
        elif persona == "anonymous" and response.status_code == 302:
            location = response["Location"]
            target = row.extra.get("anonymous_redirect", login_url)
            if not location.startswith(target):
                wrong.append(f"anonymous: sent to {location}, expected {target}")
    assert not wrong, f"{row.name} ({url}): " + "; ".join(wrong)
