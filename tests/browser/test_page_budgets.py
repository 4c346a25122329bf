"""Rule 7 of DEVELOPERS.md, for every page of tests/url_matrix.py and every persona who may open it.

Each page must work without JavaScript, its first response must fit in
14 KB gzipped and the whole page in 50 KB, and axe-core in Chromium must
find no violations. A new ``page=True`` row in the matrix is picked up here
without further work.

With ``PAGE_SIZES_FILE`` set, each visit appends ``path, persona, first response, whole page`` (bytes,
tab-separated) to that file: the table of page sizes a closing note quotes.
"""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from layanan.testing import Cast
from tests.browser.conftest import (
    FIRST_RESPONSE_BUDGET,
    Chromium,
    check_page_in_chromium,
    session_cookies,
    signed_in_client,
)
from tests.url_matrix import MATRIX, Row

pytestmark = pytest.mark.browser

VISITS = [
    pytest.param(row, persona, id=f"{row.name} as {persona}")
    for row in MATRIX
    if row.page
    for persona, status in row.expect.items()
    if status == 200
]


@pytest.mark.parametrize(("row", "persona"), VISITS)
def test_the_page_works_without_javascript_fits_the_budgets_and_passes_axe(
    row: Row, persona: str, cast: Cast, base_url: str, chromium: Chromium
) -> None:
    user = None if persona == "anonymous" else cast.all()[persona]
    path = reverse(row.name, kwargs=row.kwargs(cast) if row.kwargs else None)
    where = f"{path} as {persona}"
    client = signed_in_client(user)

    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, f"{where}: HTTP {response.status_code}"
    first = len(response.content)  # gzipped by GZipMiddleware, as a browser receives it
    assert first <= FIRST_RESPONSE_BUDGET, (
        f"{where}: the first response is {first} bytes gzipped, over the {FIRST_RESPONSE_BUDGET} budget"
    )

    cookies = session_cookies(client, base_url)
    whole = chromium.run(
        lambda browser: check_page_in_chromium(
            browser, base_url=base_url, path=path, cookies=cookies, where=where
        )
    )
    if sizes := os.environ.get("PAGE_SIZES_FILE"):
        with open(sizes, "a", encoding="utf-8") as out:
            out.write(f"{path}\t{persona}\t{first}\t{whole}\n")
