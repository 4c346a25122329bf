"""The outbound client refuses what it must never call, before any connection is made."""

from __future__ import annotations

import pytest

from layanan.webhooks.client import post


@pytest.fixture(autouse=True)
def _no_private_targets(settings):
    settings.WEBHOOKS_ALLOWED_PRIVATE_NETWORKS = []


@pytest.mark.parametrize(
    "url", ["ftp://contoh.go.id/hook", "file:///etc/passwd", "gopher://x/", "http:///hook"]
)
def test_a_url_that_is_not_http_or_https_is_refused_for_good(url):
    answer = post(url, b"{}", {}, timeout=1)

    assert (answer.status_code, answer.error, answer.permanent) == (None, "scheme_refused", True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "https://10.1.2.3/hook",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/hook",
        "http://0.0.0.0:9/",
    ],
)
def test_loopback_private_and_link_local_targets_are_refused(url):
    answer = post(url, b"{}", {}, timeout=1)

    assert (answer.error, answer.permanent) == ("private_address", True)


def test_an_allowed_private_network_is_called(settings):
    settings.WEBHOOKS_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]

    answer = post("http://127.0.0.1:9/hook", b"{}", {}, timeout=1)  # nothing listens on port 9

    assert answer.error == "connection_error"
    assert not answer.permanent
